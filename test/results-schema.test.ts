/**
 * results.json validates against its documented JSON Schema (orchestrator/results/results.schema.json), for runs
 * that exercise every optional part: failures with triage groups, pruned executions, entry responses and
 * call trees, fault edges, properties, a bounded run, a replay with its stability. And the schema rejects a
 * drifted file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { failureSignature, signatureInWords } from '../orchestrator/run/failure-signature.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validate = ajv.compile(schema);

function check(results: unknown, what: string): void {
  const ok = validate(results);
  assert.ok(ok, `${what}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const TUTORIAL = join(DIST, 'functional-tests/foo-bar-baz.js');

test('results.json of real runs validate against the schema', async () => {
  const buggy = await run({ test: { kind: 'module', value: TUTORIAL }, servicesConfig: SERVICES });
  assert.ok(buggy.results.triage && buggy.results.triage.groups.length === 1, 'the buggy tutorial has one failure group');
  check(JSON.parse(readFileSync(buggy.resultsPath, 'utf8')), 'buggy tutorial');
  // Every fault of the tutorial is on a known call, so each records its edge (groups' faults too).
  const entries = [...buggy.results.executions.flatMap((e) => e.faults), ...buggy.results.triage.groups.flatMap((g) => g.faults)];
  assert.ok(entries.length > 0 && entries.every((f) => f.edge && f.edge.caller && f.edge.callee), JSON.stringify(entries));

  const properties = await run({ test: { kind: 'module', value: join(DIST, 'test/fixtures/properties-test.js#degrades') }, servicesConfig: SERVICES, serviceEnv: { TUTORIAL_FIXED: '1' } });
  assert.ok(properties.results.properties?.length === 2);
  check(JSON.parse(readFileSync(properties.resultsPath, 'utf8')), 'properties');

  // A user's run (the CLI's defaults): its plan records the default time budget and its split.
  const bounded = await run({ test: { kind: 'module', value: TUTORIAL }, servicesConfig: SERVICES, maxTests: 3, order: 'by-size', maxFaults: 1, userDefaults: true });
  assert.equal(bounded.results.complete, false);
  assert.equal(bounded.results.plan?.budget?.source, 'default');
  check(JSON.parse(readFileSync(bounded.resultsPath, 'utf8')), 'bounded');

  // A failure group by signature (triage cut short: test/default-search.test.ts makes one for real).
  const saved = JSON.parse(readFileSync(buggy.resultsPath, 'utf8')) as RunResults;
  const member = saved.executions.find((e) => e.verdict === 'fail')!;
  const signature = failureSignature({ verdict: 'fail', detail: member.detail, entry: member.entry, faults: member.faults });
  const group = { ...saved.triage!.groups[0], minimal: false, signature: { ...signature, words: signatureInWords(signature), example: member.number } };
  check({ ...saved, triage: { ...saved.triage!, stopped: 'interrupted', groups: [group] } }, 'a group by signature');
  assert.equal(validate({ ...saved, triage: { ...saved.triage!, groups: [{ ...group, signature: { ...group.signature, example: undefined } }] } }), false);

  const replayDir = tempDir();
  const counterexample = join(buggy.resultsPath, '..', buggy.failing[0].result.counterexample!);
  const replay = await cli(['--counterexample-file', counterexample, '--replays', '1', '--port', '0', '--output-dir', replayDir]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  const replayed = JSON.parse(readFileSync(join(replayDir, 'results.json'), 'utf8')) as RunResults;
  assert.ok(replayed.replay_stability);
  check(replayed, 'replay');
});

test('the schema rejects a results file that drifted (unknown field, wrong verdict, missing count, malformed edge)', async () => {
  const outcome = await run({ test: { kind: 'module', value: TUTORIAL }, servicesConfig: SERVICES, serviceEnv: { TUTORIAL_FIXED: '1' } });
  const good = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as Record<string, unknown> & RunResults;
  check(good, 'fixed tutorial');
  assert.equal(validate({ ...good, extra: 1 }), false);
  assert.equal(validate({ ...good, executions: [{ ...good.executions[0], verdict: 'passed' }] }), false);
  const { ran: _ran, ...counts } = good.counts;
  assert.equal(validate({ ...good, counts }), false);
  // A fault's edge: the callee may be null (no client named it), never missing or of another type.
  const withEdge = (edge: unknown) => ({ ...good, executions: good.executions.map((e) => ({ ...e, faults: e.faults.map((f) => ({ ...f, edge })) })) });
  assert.ok(good.executions.some((e) => e.faults.length > 0));
  assert.equal(validate(withEdge({ caller: 'foo', callee: null })), true);
  assert.equal(validate(withEdge({ caller: 'foo' })), false);
  assert.equal(validate(withEdge({ caller: 'foo', callee: 5001 })), false);
  assert.equal(validate(withEdge({ caller: 'foo', callee: 'bar', port: 5001 })), false);
});

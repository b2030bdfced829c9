/**
 * Calls left open after a test are findings, never inconclusive (DESIGN §15), on real services and a real
 * black hole (test/fixtures/open-calls): a caller that races its call against a timer of its own and never
 * aborts it leaks the call (verdict "leak", confirmed by one replay that reached the service, exit 1,
 * JUnit failure of type "leak", a "leak" cell in the matrix); a caller with no timeout never returns
 * (verdict "hang", finding "never-returned"), whether the test waits until its own timeout or gives up
 * first. Neither is ever "crash", "fail" or "inconclusive"; the other faults' executions stay "pass". And
 * what a leaked call reports after its execution ended is ignored, so the next execution is undisturbed.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { exitCodeOf } from '../orchestrator/cli/run-command.js';
import { junitXml } from '../orchestrator/results/report/junit.js';
import { resiliencyMatrix } from '../orchestrator/results/report/matrix.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { Session } from '../orchestrator/server/session.js';
import { DIST, ROOT, run, tempDir, writeJson } from './helpers.js';

const FIXTURE = join(DIST, 'test/fixtures/open-calls');
const TEST_MODULE = join(FIXTURE, 'test-module.js');
const BLACK_HOLE = 'black hole on a → b (GET /work)';
const REFUSED = 'node.ECONNREFUSED on a → b (GET /work)';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object);

const catalogue = () =>
  FaultCatalogue.fromJson({ conditions: { pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$', exceptions: [{ name: 'node.BlackHole' }, { name: 'node.ECONNREFUSED' }] } }, 'test catalogue');

/** a → b; `mode` is how a calls b (service.ts). Returns the config and the file a counts its /work requests in. */
function config(mode: 'race' | 'wait'): { servicesConfig: string; countFile: string } {
  const dir = tempDir();
  const countFile = join(dir, 'count');
  writeFileSync(countFile, '');
  const command = `"${process.execPath}" "${join(FIXTURE, 'service.js')}"`;
  const servicesConfig = writeJson(dir, 'services.json', { services: { b: { command }, a: { command, env: { MODE: mode, DEP_URL: `\${b.url}`, COUNT_FILE: countFile } } } });
  return { servicesConfig, countFile };
}

function execution(outcome: ExplorationOutcome, faults: string) {
  const found = outcome.results.executions.find((e) => (e.faults.map((f) => f.description).join(' + ') || 'no fault') === faults);
  assert.ok(found, `no execution with ${faults}: ${outcome.results.executions.map((e) => e.faults.map((f) => f.description).join(' + ')).join(' | ')}`);
  return found;
}

function noFalseVerdict(outcome: ExplorationOutcome): void {
  const c = outcome.results.counts;
  assert.deepEqual({ crashed: c.crashed, failed: c.failed, inconclusive: c.inconclusive }, { crashed: 0, failed: 0, inconclusive: 0 }, JSON.stringify(outcome.results.executions.map((e) => [e.verdict, e.detail])));
  assert.equal(execution(outcome, 'no fault').verdict, 'pass');
  assert.equal(execution(outcome, REFUSED).verdict, 'pass', 'a fault the caller handles and completes stays a pass');
  assert.ok(validate(JSON.parse(readFileSync(outcome.resultsPath, 'utf8'))), JSON.stringify(validate.errors));
}

test('a caller that races its call against its own timer and never aborts it: a leak, confirmed by one replay', { timeout: 120_000 }, async () => {
  const { servicesConfig, countFile } = config('race');
  const outcome = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig, catalogue: catalogue(), identity: 'original' });
  noFalseVerdict(outcome);
  const leak = execution(outcome, BLACK_HOLE);
  assert.equal(leak.verdict, 'leak', leak.detail);
  assert.equal(leak.detail, 'call a → b (GET /work) was still open after the test ended: its caller abandoned it without aborting it (a socket leak; fault: black hole) (confirmed by a replay of the same faults)');
  assert.equal(leak.attempts, undefined, 'a leak is not re-run as inconclusive');
  assert.equal(leak.finding, undefined);
  assert.ok(leak.counterexample, 'a leak is a finding with its counterexample');

  const { results } = outcome;
  assert.equal(results.counts.leaked, 1);
  assert.equal(results.triage?.groups[0]?.verdict, 'leak', 'triage groups the leak like any failing verdict');
  // Every run reached a: the explored executions, triage's replays and exactly one confirmation replay.
  const runs = readFileSync(countFile, 'utf8').trim().split('\n').length;
  assert.equal(runs, results.counts.ran + 1 + results.triage!.minimisation_runs + results.triage!.confirmation_runs);

  assert.equal(exitCodeOf(outcome), 1);
  assert.match(junitXml(results), /<failure message="call a → b \(GET \/work\) was still open after the test ended[^"]*" type="leak">/);
  const matrix = resiliencyMatrix(results);
  assert.equal(matrix.cells[matrix.entryPoints[0]]['a → b'].state, 'leak');
});

test('a caller without a timeout under a black hole: hang, its call never returned, whether the test waits or gives up first', { timeout: 120_000 }, async () => {
  for (const [testExport, testSaid] of [
    ['', /; the test: the test did not finish within \d+ ms/], // cut at the never-returned bound (test-bed.ts), not at 3000
    ['#impatient', /; the test: .*(TimeoutError|aborted)/],
  ] as const) {
    const { servicesConfig } = config('wait');
    const outcome = await run({ test: { kind: 'module', value: TEST_MODULE + testExport }, servicesConfig, catalogue: catalogue(), identity: 'original', timeoutMs: 3000, triage: false });
    noFalseVerdict(outcome);
    const hang = execution(outcome, BLACK_HOLE);
    assert.equal(hang.verdict, 'hang', `${testExport}: ${hang.detail}`);
    assert.equal(hang.finding, 'never-returned');
    assert.ok(hang.detail?.startsWith('call a → b (GET /work) never returned: no timeout visible (fault: black hole); '), hang.detail);
    assert.match(hang.detail ?? '', testSaid);
    assert.equal(outcome.results.counts.hung, 1);
    assert.equal(exitCodeOf(outcome), 1);
  }
});

test('a leaked call that reports after its execution ended is ignored: the next execution is undisturbed', () => {
  const session = new Session();
  const ei = '[["0123456789abcdef0123456789abcdef", 1]]';
  const create = { execution_index: ei, source_service_name: 'a', module: 'node.fetch', method: 'GET', args: ['b/work'], kwargs: {}, vclock: { a: 1 }, origin_vclock: {}, metadata: {}, generated_id: 7 };
  const first = session.begin(1, 'run-1', []);
  session.create({ ...create, execution_id: 'run-1' } as never);
  assert.equal(first.pending, 1);
  session.end(first, first.finish());

  const next = session.begin(2, 'run-2', []);
  const completion = { instrumentation_type: 'invocation_complete' as const, generated_id: 7, gid: 7, execution_index: ei, return_value: { status_code: '200' } };
  session.update({ ...completion, execution_id: 'run-1' } as never);
  // From a client that names no execution (the original's protocol): its generated id is not the next execution's.
  session.update(completion as never);
  assert.equal(session.lateMessages, 2);
  assert.equal(next.pending, 0);
  assert.equal(next.callCount, 0);
  assert.deepEqual([...first.openCalls().keys()], [7], 'the ended execution is not changed either');
});

/**
 * `run --conditions LIST|all` (catalogue/conditions.ts): which condition is offered to which call (a black
 * hole where no timeout is visible, latency where a timeout is on the path, body faults where the recorded
 * response has a body, DNS faults for calls by host name), bad names refused with the valid ones, and a
 * real run: the condition on top of the default catalogue, recorded in results.json and in the
 * counterexample, whose replay needs nothing else. Body faults are never scheduled on a response without a
 * body (204, an empty 200), while a response with a body beside it gets them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { CONDITION_NAMES, parseConditions } from '../orchestrator/catalogue/conditions.js';
import { hasBody } from '../orchestrator/catalogue/network-faults.js';
import { InvalidOptionError } from '../orchestrator/option-error.js';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cli, faultSets, ROOT, run, tempDir } from './helpers.js';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const JSON_MD5 = '0f6a6b9b2e9a3b0f4ec0d2f8a8c3d9e1';

function offered(names: string[], call: Record<string, unknown>): string[] {
  const catalogue = FaultCatalogue.fromJson({}, 'empty').withConditions(parseConditions(names));
  return catalogue.exceptionFaults({ module: 'node.fetch', method: 'GET', metadata: {}, ...call }).map((f) => `${f.name}${f.name === 'node.Latency' ? ` ${f.metadata.delay_ms}` : ''}`);
}

test('--conditions names: "all" is every one, a list keeps the canonical order, an unknown name is refused with the valid ones', () => {
  assert.deepEqual(parseConditions('all'), CONDITION_NAMES);
  assert.deepEqual(parseConditions('slow-body, blackhole,blackhole'), ['blackhole', 'slow-body']);
  assert.throws(() => parseConditions('blackhole,lag'), (err: Error) => err instanceof InvalidOptionError && /unknown condition "lag" \(valid: all, blackhole, latency, truncated-body/.test(err.message));
  assert.throws(() => parseConditions(''), /--conditions needs "all" or a comma-separated list/);
});

test('all: a black hole only without a visible timeout; latency past a timeout on the path; DNS faults for host names', () => {
  const body = { returnValue: { status_code: '200', text: JSON_MD5 } };
  const bodyFaults = ['node.TruncatedBody', 'node.CorruptBody', 'node.ResetMidBody', 'node.SlowBody', 'node.Sliced'];
  // No timeout anywhere on the path: the black hole is how that shows; a latency would only delay.
  assert.deepEqual(offered(['all'], { ...body }), ['node.BlackHole', ...bodyFaults]);
  // A visible timeout: node.Timeout fires it at once, so no black hole; the answer 100 ms after it instead.
  assert.deepEqual(offered(['all'], { ...body, metadata: { timeout: 2 } }), ['node.Latency 2100', ...bodyFaults]);
  // No timeout of its own, serving a call that has one: the answer comes after the caller upstream gave up.
  assert.deepEqual(offered(['blackhole', 'latency'], { parentMetadata: { timeout: 1 } }), ['node.BlackHole', 'node.Latency 1100']);
  assert.deepEqual(offered(['enotfound', 'eai-again'], { metadata: { hostname: 'users.internal' } }), ['node.ENOTFOUND', 'node.EAI_AGAIN']);
  assert.deepEqual(offered(['enotfound', 'eai-again'], {}), []);
  // Only Node calls get conditions.
  const python = FaultCatalogue.fromJson({}, 'empty').withConditions(['blackhole']).exceptionFaults({ module: 'requests', method: 'get', metadata: {} });
  assert.deepEqual(python, []);
});

test('body faults only where the recorded response has a body: never HEAD, 1xx, 204, 304, an empty body or an error', () => {
  assert.equal(hasBody({ method: 'GET', returnValue: { status_code: '200', text: JSON_MD5 } }), true);
  assert.equal(hasBody({ method: 'HEAD', returnValue: { status_code: '200', text: JSON_MD5 } }), false);
  for (const status of ['101', '204', '304']) assert.equal(hasBody({ method: 'GET', returnValue: { status_code: status, text: JSON_MD5 } }), false, status);
  assert.equal(hasBody({ method: 'GET', returnValue: { status_code: '200', text: EMPTY_MD5 } }), false);
  assert.equal(hasBody({ method: 'GET', exception: { name: 'node.ECONNRESET', metadata: {} } }), false);
  // A call not run yet (no outcome recorded) is given them.
  assert.equal(hasBody({ method: 'GET' }), true);
  // The rule holds for body faults from a catalogue file too, not only from --conditions.
  const file = FaultCatalogue.fromJson({ body: { pattern: 'node\\.fetch\\.[A-Z]+$', exceptions: [{ name: 'node.TruncatedBody' }, { name: 'node.ECONNREFUSED' }] } }, 'file');
  const names = (returnValue: { status_code: string; text: string }) => file.exceptionFaults({ module: 'node.fetch', method: 'GET', metadata: {}, returnValue }).map((f) => f.name);
  assert.deepEqual(names({ status_code: '204', text: EMPTY_MD5 }), ['node.ECONNREFUSED']);
  assert.deepEqual(names({ status_code: '200', text: JSON_MD5 }), ['node.TruncatedBody', 'node.ECONNREFUSED']);
});

test('a service answering 204 and one answering an empty 200 get no body fault; the one answering JSON beside them does; nothing is inconclusive', async () => {
  const servicesConfig = chainConfig(
    { a: [{ to: 'b', onFailure: 'fallback' }, { to: 'c', onFailure: 'fallback' }, { to: 'd', onFailure: 'fallback' }], b: [], c: [], d: [] },
    { b: { ANSWER: '204' }, d: { ANSWER: 'empty' } },
  );
  const outcome = await run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig,
    catalogue: FaultCatalogue.fromJson({ refused: { pattern: 'node\\.fetch\\.[A-Z]+$', exceptions: [{ name: 'node.ECONNREFUSED' }] } }, 'test catalogue'),
    conditions: ['truncated-body', 'corrupt-body', 'reset-mid-body', 'slow-body', 'sliced'],
    maxFaults: 1,
    inconclusiveRetries: 0,
  });
  const sets = faultSets(outcome);
  const on = (edge: string) => sets.filter((s) => s.includes(`on a → ${edge} `)).map((s) => s.slice(s.indexOf(':') + 1, s.indexOf(' on ')));
  assert.deepEqual(on('b'), ['node.ECONNREFUSED'], sets.join('\n'));
  assert.deepEqual(on('d'), ['node.ECONNREFUSED'], sets.join('\n'));
  assert.deepEqual(on('c').sort(), ['bandwidth 1024 B/s', 'corrupted body (1 byte at 0)', 'node.ECONNREFUSED', 'reset mid-body', 'sliced 16 B every 20 ms', 'truncated body'], sets.join('\n'));
  assert.equal(outcome.results.counts.inconclusive, 0);
  assert.deepEqual(outcome.results.options.conditions, ['truncated-body', 'corrupt-body', 'reset-mid-body', 'slow-body', 'sliced']);
});

test('run --conditions blackhole: a call without a timeout hangs under it, on top of the default catalogue; results and counterexample record it, and the counterexample replays alone', async () => {
  const dir = tempDir();
  const services = chainConfig({ a: [{ to: 'b', onFailure: 'fallback', timeoutMs: null }], b: [] });
  const args = ['--test-module', TEST_MODULE, '--services', services, '--port', '0', '--output-dir', dir, '--timeout', '3', '--no-triage', '--max-faults', '1'];
  const r = await cli([...args, '--conditions', 'blackhole']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.deepEqual(results.options.conditions, ['blackhole']);
  // The schema knows the option: a name it does not list is refused.
  const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object);
  assert.ok(validate(results as object), JSON.stringify(validate.errors));
  assert.equal(validate({ ...results, options: { ...results.options, conditions: ['lag'] } }), false);
  const rows = results.executions.map((e: { verdict: string; faults: { description: string }[] }) => `${e.verdict}:${e.faults.map((f) => f.description).join(' + ')}`);
  // The default catalogue's faults (no node.Timeout: the call has no timeout) and the black hole, depth-first.
  const edge = ' on a → b (GET /work)';
  assert.deepEqual(rows, ['pass:', `pass:503${edge}`, `pass:502${edge}`, `pass:500${edge}`, `hang:black hole${edge}`, `pass:node.ECONNREFUSED${edge}`]);
  const hang = results.executions[4];
  const ce = JSON.parse(readFileSync(join(dir, hang.counterexample), 'utf8'));
  assert.deepEqual(ce.filibuster.options.conditions, ['blackhole']);
  assert.deepEqual(Object.values(ce.filibuster.catalogue as Record<string, { exceptions: { name: string }[] }>).map((e) => e.exceptions[0].name), ['node.BlackHole']);
  const replay = await cli(['--counterexample-file', join(dir, hang.counterexample), '--output-dir', tempDir()]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /black hole on a → b/);
});

test('run --conditions: an unknown name is a usage error listing the valid ones; --help lists them', async () => {
  const r = await cli(['--test-module', TEST_MODULE, '--conditions', 'blackhole,jitter', '--port', '0', '--output-dir', tempDir()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--conditions: unknown condition "jitter" \(valid: all, blackhole, latency, truncated-body, corrupt-body, reset-mid-body, slow-body, sliced, enotfound, eai-again\)/);
  const help = await cli(['run', '--help']);
  assert.match(help.stdout.replace(/\s+/g, ' '), /--conditions .*"all" or a comma-separated list of blackhole, latency, truncated-body/);
});

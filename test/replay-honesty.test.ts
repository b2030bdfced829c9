/**
 * Replays never lie (DESIGN §15): an execution whose planned fault was not injected, or whose scheduled
 * prefix was not reproduced, is never pass, fail, crash or hang; calls left open are named as findings
 * (never returned, leak) in the order crash > fail/hang > leak > pass; a replayed counterexample that does not
 * run its faults is "not reproduced" (exit 3) and writes no counterexample. Counterexamples stand alone:
 * the bare `--counterexample-file` command, and the command the CLI prints, replay from another folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Execution } from '../orchestrator/server/execution.js';
import { judge, type Observations } from '../orchestrator/run/verdict.js';
import type { Failure } from '../orchestrator/search/model.js';
import { cli, DIST, ROOT, tempDir, type CliResult } from './helpers.js';

// Runs on any free port record none, so their bare replays take any free port too (no clash with a run on 5005).
const TUTORIAL = ['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--port', '0'];
const REFUSED: Failure = { execution_index: '[["d4f9f37928682396c755f49d0d003402", 1]]', args: ['bar/bar'], forced_exception: { name: 'node.ECONNREFUSED', metadata: {} } };

function observe(outcome: Observations['outcome'], crashed: Observations['crashed'] = []): Observations {
  // An execution that planned a fault on a call it never made.
  const execution = new Execution(2, 'run-2', [REFUSED]);
  return { outcome, execution, calls: [], prefix: [], quiet: true, graceMs: 0, crashed };
}

test('a planned fault not injected comes before what the test said: never pass, fail, crash or hang', () => {
  for (const outcome of [
    { verdict: 'pass' as const, durationMs: 1 },
    { verdict: 'fail' as const, durationMs: 1, detail: 'AssertionError: expected 503 under a fault, got 200' },
    { verdict: 'hang' as const, durationMs: 1, detail: 'the test did not finish' },
  ]) {
    const j = judge(observe(outcome));
    assert.equal(j.verdict, 'inconclusive', outcome.verdict);
    assert.match(j.detail ?? '', /planned fault not injected: node\.ECONNREFUSED/);
    assert.deepEqual(j.notReproduced?.notInjected, [REFUSED]);
  }
  // A crash meanwhile is named, not hidden, but the execution still did not run its fault set.
  const crashed = judge(observe({ verdict: 'fail', durationMs: 1 }, [{ name: 'foo', how: 'exited with code 1', logTail: 'TypeError: boom' }]));
  assert.equal(crashed.verdict, 'inconclusive');
  assert.match(crashed.detail ?? '', /meanwhile service foo exited with code 1; last lines of its log:\nTypeError: boom/);
});

test('a fault the client refused, or whose decision came too late, was not injected', () => {
  const execution = new Execution(3, 'run-3', [REFUSED]);
  const create = { execution_index: REFUSED.execution_index, source_service_name: 'foo', module: 'node.fetch', method: 'GET', args: ['bar/bar'], kwargs: {}, vclock: { foo: 1 }, origin_vclock: {}, metadata: {}, callsite_file: 'foo.ts', callsite_line: '1', full_traceback: '' };
  execution.create(create as never, 7);
  execution.complete({ generated_id: 7, execution_index: REFUSED.execution_index, fault_refused: 'invalid status code' } as never, 7);
  const calls = execution.finish();
  assert.equal(calls[0].failure, undefined, 'the call ran without its fault');
  const j = judge({ outcome: { verdict: 'fail', durationMs: 1 }, execution, calls, prefix: [], quiet: true, graceMs: 0, crashed: [] });
  assert.equal(j.verdict, 'inconclusive');
  assert.match(j.detail ?? '', /planned fault not injected.*; a fault was not injected: invalid status code/);
});

/**
 * Calls left open when the test ended (open-calls.ts): an execution a → b, the call open unless `completed`,
 * the test's entry request to a answered unless `entry` is 'open' or 'gone' (ended without a response: the
 * test's client went away first); 'none': no entry service reported it.
 */
function withOpenCall(options: { entry: 'answered' | 'open' | 'gone' | 'none'; blackHole?: boolean; timeout?: number; completed?: boolean }): Execution {
  const ei = '[["0123456789abcdef0123456789abcdef", 1]]';
  const failures: Failure[] = options.blackHole ? [{ execution_index: ei, args: ['b/work'], forced_exception: { name: 'node.BlackHole', metadata: {} } }] : [];
  const execution = new Execution(2, 'run-2', failures);
  const entry = { execution_id: 'run-2', entry_id: '1', service: 'a', method: 'GET', path: '/work' };
  if (options.entry !== 'none') execution.entry({ ...entry, phase: 'start' });
  const metadata = options.timeout ? { timeout: options.timeout } : {};
  execution.create({ execution_index: ei, source_service_name: 'a', callee: 'b', module: 'node.fetch', method: 'GET', args: ['b/work'], kwargs: {}, vclock: { a: 1 }, origin_vclock: {}, metadata } as never, 7);
  if (options.completed) execution.complete({ instrumentation_type: 'invocation_complete', generated_id: 7, execution_index: ei, return_value: { status_code: '200' } } as never, 7);
  if (options.entry === 'answered') execution.entry({ ...entry, phase: 'end', status: 200, body_md5: 'x' });
  if (options.entry === 'gone') execution.entry({ ...entry, phase: 'end', status: 0 });
  return execution;
}

function judgeOpen(execution: Execution, outcome: Observations['outcome'], crashed: Observations['crashed'] = []) {
  return judge({ outcome, execution, calls: execution.finish(), prefix: [], quiet: execution.pending === 0, graceMs: 2000, crashed });
}

const PASS = { verdict: 'pass' as const, durationMs: 1 };
const FAIL = { verdict: 'fail' as const, durationMs: 1, detail: 'TimeoutError: The operation was aborted due to timeout' };
const HANG = { verdict: 'hang' as const, durationMs: 1, detail: 'the test did not finish within 3000 ms' };

test('judge: a call open while the entry request waited never returned: hang, finding never-returned, never a plain fail', () => {
  for (const [entry, outcome] of [['open', FAIL], ['open', HANG], ['gone', FAIL], ['gone', HANG], ['none', FAIL], ['none', HANG]] as const) {
    const j = judgeOpen(withOpenCall({ entry, blackHole: true }), outcome);
    assert.equal(j.verdict, 'hang', `${entry} ${outcome.verdict}`);
    assert.equal(j.finding, 'never-returned');
    assert.equal(j.detail, `call a → b (GET /work) never returned: no timeout visible (fault: black hole); the test: ${outcome.detail}`);
  }
  // The test gave up on its request and passed anyway: the entry service still waits on the call.
  const abandonedByTest = judgeOpen(withOpenCall({ entry: 'open' }), PASS);
  assert.deepEqual([abandonedByTest.verdict, abandonedByTest.finding], ['hang', 'never-returned']);
  assert.equal(abandonedByTest.detail, 'call a → b (GET /work) never returned: no timeout visible; the test passed without waiting for its answer');
  // A visible timeout that did not end the call is named as such.
  assert.match(judgeOpen(withOpenCall({ entry: 'open', timeout: 10 }), FAIL).detail ?? '', /^call a → b \(GET \/work\) never returned although the caller has a timeout of 10 s;/);
});

test('judge: a call open after the entry request was answered and the test passed is a leak; crash > fail/hang > leak > pass', () => {
  const leak = judgeOpen(withOpenCall({ entry: 'answered', blackHole: true }), PASS);
  assert.equal(leak.verdict, 'leak');
  assert.equal(leak.finding, undefined);
  assert.equal(leak.detail, 'call a → b (GET /work) was still open after the test ended: its caller abandoned it without aborting it (a socket leak; fault: black hole)');
  // No entry service reported the test's request, and the test passed: it had its answers.
  assert.equal(judgeOpen(withOpenCall({ entry: 'none' }), PASS).verdict, 'leak');
  // A test that failed for a reason of its own stays a failure, and the abandoned call is named.
  const failed = judgeOpen(withOpenCall({ entry: 'answered' }), { verdict: 'fail', durationMs: 1, detail: 'AssertionError: expected 200' });
  assert.equal(failed.verdict, 'fail');
  assert.match(failed.detail ?? '', /^AssertionError: expected 200; call a → b \(GET \/work\) was still open after the test ended/);
  assert.equal(judgeOpen(withOpenCall({ entry: 'answered' }), HANG).verdict, 'hang');
  // A crash wins over all of them.
  const crash = { name: 'a', how: 'exited with code 1', logTail: 'TypeError: boom' };
  for (const entry of ['answered', 'open'] as const) for (const outcome of [PASS, FAIL]) assert.equal(judgeOpen(withOpenCall({ entry }), outcome, [crash]).verdict, 'crash');
  // Every call completed and the entry answered: a pass.
  assert.equal(judgeOpen(withOpenCall({ entry: 'answered', completed: true }), PASS).verdict, 'pass');
});

test('judge: what the orchestrator cannot vouch for stays inconclusive, open calls or not', () => {
  // An entry request unanswered with every call completed: nothing to name, as before.
  const unanswered = judgeOpen(withOpenCall({ entry: 'open', completed: true }), PASS);
  assert.equal(unanswered.verdict, 'inconclusive');
  assert.match(unanswered.detail ?? '', /1 call\(s\) did not complete within 2000 ms of the test's end/);
  // A decision that came too late on another call: the leak cannot be vouched for either.
  const execution = withOpenCall({ entry: 'answered' });
  execution.problems.push('the decision for [] did not arrive in time');
  assert.equal(judgeOpen(execution, PASS).verdict, 'inconclusive');
});

/** The buggy tutorial explored once through the CLI: its output and the counterexample of execution 11. */
let explored: Promise<{ run: CliResult; outputDir: string; counterexample: string }> | undefined;
function tutorialCounterexample() {
  explored ??= (async () => {
    const outputDir = tempDir();
    const run = await cli([...TUTORIAL, '--fail-fast', '--output-dir', outputDir]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    return { run, outputDir, counterexample: join(outputDir, 'counterexamples/execution-11.json') };
  })();
  return explored;
}

/** Runs a shell command line in a folder of its own, as a user pasting it would. */
function shell(line: string, cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', line], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the replay command the CLI prints works pasted into a shell in another folder', async () => {
  const { run, outputDir } = await tutorialCounterexample();
  const printed = /replay: (.+)/.exec(run.stdout)?.[1];
  assert.ok(printed, run.stdout);
  assert.doesNotMatch(printed, /npx/, 'names the CLI as installed, not through npx');
  const elsewhere = tempDir('filibuster-elsewhere-');
  const replayDir = join(elsewhere, 'out');
  const replay = await shell(`${printed} --output-dir ${replayDir}`, elsewhere);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /#1 fail: node\.ECONNREFUSED on foo → bar/);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
  assert.ok(existsSync(join(outputDir, 'counterexamples/execution-11.json')));
});

test('a counterexample edited to a call that does not exist: not reproduced, exit 3, the fault named, no new counterexample', async () => {
  const { counterexample } = await tutorialCounterexample();
  const file = JSON.parse(readFileSync(counterexample, 'utf8')) as { TestExecution: string };
  const te = JSON.parse(file.TestExecution) as Record<string, { execution_index: string }[]>;
  for (const list of [te.failures, te._failures]) for (const f of list) f.execution_index = '[["0123456789abcdef0123456789abcdef", 1]]';
  file.TestExecution = JSON.stringify(te);
  const edited = join(tempDir(), 'edited.json');
  writeFileSync(edited, JSON.stringify(file));

  const outputDir = tempDir();
  const replay = await cli(['--counterexample-file', edited, '--output-dir', outputDir], { cwd: tempDir() });
  assert.equal(replay.code, 3, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /Not reproduced: the fault "node\.ECONNREFUSED on foo → bar \(GET \/bar\)" was not injected/);
  assert.match(replay.stdout, /the nearest call seen: foo → bar \(GET \/bar\)/);
  assert.doesNotMatch(replay.stdout, /#1 fail/);
  assert.deepEqual(readdirSync(join(outputDir, 'counterexamples')), [], 'no counterexample is written for a run that did not inject its faults');
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as { executions: { verdict: string; faults: { description: string }[] }[]; counts: { not_reproduced: number } };
  assert.equal(results.executions[0].verdict, 'not-reproduced');
  assert.equal(results.counts.not_reproduced, 1);
  assert.equal(results.executions[0].faults[0].description, 'node.ECONNREFUSED on foo → bar (GET /bar)', 'the fault in the words it was recorded with, not a hash');
});

test('the netflix latency counterexample replays from the bare --counterexample-file command, run in another folder', async () => {
  const outputDir = tempDir();
  const args = ['--test-module', `${join(DIST, 'functional-tests/netflix.js')}#slowTelemetry`, '--services', join(ROOT, 'corpus/netflix/services.json'), '--port', '0'];
  const found = await cli([...args, '--analysis-file', join(ROOT, 'corpus/netflix/analysis-latency.json'), '--service-env', 'NETFLIX_FAULTS=1', '--output-dir', outputDir]);
  assert.equal(found.code, 1, found.stdout + found.stderr);
  const name = readdirSync(join(outputDir, 'counterexamples')).find((f) => f.startsWith('execution-'));
  assert.ok(name, found.stdout);
  const counterexample = join(outputDir, 'counterexamples', name);
  const recorded = JSON.parse(readFileSync(counterexample, 'utf8')) as { filibuster: { service_env?: Record<string, string>; services_config?: string; catalogue?: object } };
  assert.deepEqual(recorded.filibuster.service_env, { NETFLIX_FAULTS: '1' });
  assert.ok(!recorded.filibuster.services_config?.startsWith('/'), 'the services configuration is recorded relative to the counterexample');

  const elsewhere = tempDir('filibuster-elsewhere-');
  const replay = await cli(['--counterexample-file', counterexample, '--output-dir', join(elsewhere, 'out')], { cwd: elsewhere });
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
  assert.match(replay.stdout + replay.stderr, /a slow telemetry cost the user their profile/);
  assert.doesNotMatch(replay.stderr, /warning/);
});

test('flags given with a counterexample override it, with a warning where they differ', async () => {
  const { counterexample } = await tutorialCounterexample();
  const replay = await cli(['--counterexample-file', counterexample, '--service-env', 'TUTORIAL_FIXED=1', '--output-dir', tempDir()], { cwd: tempDir() });
  // The fixed variant handles the connection error: the replay passes, and nothing was recorded to differ from.
  assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  const other = await cli(['--counterexample-file', counterexample, '--ei-compat', '--output-dir', tempDir()], { cwd: tempDir() });
  assert.match(other.stderr, /warning: --ei-compat true differs from the counterexample's false; using --ei-compat/);
});

test('a busy orchestrator port is one line naming the port and what to do, exit 3', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const run = await cli([...TUTORIAL.slice(0, -2), '--port', String(port), '--output-dir', tempDir()]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use .*--port`));
    assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
  } finally {
    blocker.close();
  }
});

test('a counterexample copied alone to another folder still finds its test and services (the paths it recorded as they were)', async () => {
  const { counterexample } = await tutorialCounterexample();
  const copy = join(tempDir('filibuster-attached-'), 'nested', 'deeper');
  mkdirSync(copy, { recursive: true });
  copyFileSync(counterexample, join(copy, 'bug.json'));
  const replay = await cli(['--counterexample-file', join(copy, 'bug.json'), '--output-dir', tempDir()], { cwd: tempDir() });
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
  assert.doesNotMatch(replay.stderr, /warning/);
});

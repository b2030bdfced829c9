/**
 * kill -9 inside a write, placed exactly with the test hook FILIBUSTER_TEST_SIGKILL_AT
 * (orchestrator/crash-test-hook.ts): the orchestrator writes half of a journal line, or half of a
 * counterexample, and SIGKILLs itself. The journal then ends in a torn line, or the counterexamples
 * folder holds a half-written temporary file; --resume must drop the one, remove the other, run only the
 * execution that was in flight, and end with the results of an uninterrupted run. One more interruption
 * is placed by condition rather than by the hook: a resumed run killed as soon as one of its services
 * exists, whose services the next resume must stop before starting its own on the same ports.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CRASH_HOOK_VAR } from '../orchestrator/crash-test-hook.js';
import { RUN_MARKER_VAR, sweepMarked } from '../orchestrator/runner/run-marker.js';
import { DIST, tempDir } from './helpers.js';
import { checkAfterKill, checkFinal, completeLines, journalText, killTagged, NEEDS_PROC, recordedMarker, startCli, taggedProcesses, until } from './kill9-helpers.js';

/** The uninterrupted run, to compare with; it runs alongside the killed ones. */
let uninterrupted: Promise<string>;

/**
 * Runs with the hook armed at `point`, checks the kill happened there (`atKill`, which may also add an
 * interruption of its own), resumes and checks the end state; returns the output directory and the
 * resumed run's output.
 */
async function crashThenResume(point: string, atKill: (dir: string) => void | Promise<void>): Promise<{ dir: string; output: string }> {
  const dir = tempDir();
  const markers = new Set<string>();
  try {
    const killed = startCli(dir, { env: { [CRASH_HOOK_VAR]: point } });
    assert.equal(await killed.done, 'SIGKILL', `the hook did not fire\n${killed.output()}`);
    markers.add(recordedMarker(dir)!);
    checkAfterKill(dir);
    await atKill(dir);
    markers.add(recordedMarker(dir)!);
    const resumed = startCli(dir, { resume: true });
    assert.equal(await resumed.done, 1, resumed.output());
    markers.add(recordedMarker(dir)!);
    checkFinal(dir, await uninterrupted, markers);
    return { dir, output: resumed.output() };
  } finally {
    for (const marker of markers) sweepMarked(marker);
    killTagged(dir);
  }
}

// Independent output directories: these run side by side (most of a run is waiting on processes).
describe('kill -9 inside a write, then --resume', { concurrency: true, skip: NEEDS_PROC }, () => {
  before(() => {
    uninterrupted = (async () => {
      const whole = tempDir();
      const run = startCli(whole);
      assert.equal(await run.done, 1, run.output());
      return whole;
    })();
  });

  test('killed in the middle of a journal append: the torn line is dropped and only that execution runs again', { timeout: 60_000 }, async () => {
    let journaled: string[] = [];
    const { dir, output } = await crashThenResume('journal-append:6', (dir) => {
      journaled = completeLines(dir);
      assert.equal(journaled.length, 5);
      const torn = journalText(dir).slice(journaled.join('\n').length + 1);
      assert.ok(torn.length > 0 && !torn.includes('\n'), 'half a line was written');
      // And a temporary file of a write the resumed run will not repeat (a replay of a longer triage):
      // the resumed run must remove it rather than leave half a file beside the whole ones.
      writeFileSync(join(dir, 'counterexamples/replay-9.json.tmp'), '{"functional_test": "');
    });
    assert.match(output, /line 6 is incomplete .*ignored/);
    assert.match(output, /resumed: 5 execution\(s\) from the journal are not run again/);
    assert.deepEqual(completeLines(dir).slice(0, 5), journaled, 'the lines journaled before the kill are kept as they were');
  });

  test('killed while the resumed run starts its services: the next resume stops what they left running', { timeout: 60_000 }, async () => {
    await crashThenResume('journal-append:4', async (dir) => {
      // Resume, and kill that run as soon as one of its own services exists: it cannot have stopped it.
      const interrupted = recordedMarker(dir);
      const resumed = startCli(dir, { resume: true });
      const serviceOfThisRun = (environ: string[]) => environ.some((v) => v.startsWith(`${RUN_MARKER_VAR}=run-`) && v.includes('/service/') && !v.startsWith(`${RUN_MARKER_VAR}=${interrupted}/`));
      assert.ok(await until(() => taggedProcesses(dir, serviceOfThisRun).length > 0, resumed.done), `the resumed run ended before starting a service\n${resumed.output()}`);
      resumed.child.kill('SIGKILL');
      assert.equal(await resumed.done, 'SIGKILL');
      assert.notEqual(taggedProcesses(dir).length, 0, 'the killed run left its services running');
    });
  });

  test('killed in the middle of a counterexample write: no half-written counterexample, and the resumed run writes it whole', { timeout: 60_000 }, async () => {
    await crashThenResume('counterexample-write:1', (dir) => {
      const folder = join(dir, 'counterexamples');
      assert.equal(existsSync(join(folder, 'execution-11.json')), false);
      const partial = readFileSync(join(folder, 'execution-11.json.tmp'), 'utf8');
      assert.ok(partial.length > 0);
      assert.throws(() => JSON.parse(partial), 'the temporary file holds half a counterexample');
      // Written before its journal line: execution 11 is the one in flight, run again on resume.
      assert.equal(completeLines(dir).length, 10);
    });
  });

  test('killed in the middle of a triage replay\'s counterexample: the resumed run triages again and writes it whole', { timeout: 60_000 }, async () => {
    await crashThenResume('counterexample-write:2', (dir) => {
      assert.equal(existsSync(join(dir, 'counterexamples/replay-1.json.tmp')), true);
      assert.equal(completeLines(dir).length, 11);
      assert.equal(existsSync(join(dir, 'results.json')), false);
    });
  });
});

test('the hook does nothing unless its value is exact', () => {
  // A process that passes through both points twice and reports what it wrote.
  const probe = `
    const { crashPoint } = await import(${JSON.stringify(join(DIST, 'orchestrator/crash-test-hook.js'))});
    for (let i = 0; i < 2; i++) for (const at of ['journal-append', 'counterexample-write']) crashPoint(at, Buffer.from('abcd'), (p) => process.stdout.write(p));
    process.stdout.write('survived ' + (process.env.${CRASH_HOOK_VAR} ?? 'unset'));
  `;
  const runProbe = (value: string) => spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, [CRASH_HOOK_VAR]: value }, encoding: 'utf8' });
  for (const value of ['', 'journal-append', 'journal-append:0', 'journal-append:01', ' journal-append:1', 'journal-append:1 ', 'JOURNAL-APPEND:1', 'journal_append:1', 'counterexample-write:x', 'results-write:1']) {
    const r = runProbe(value);
    assert.deepEqual([r.signal, r.stdout], [null, 'survived unset'], `value ${JSON.stringify(value)}`);
  }
  const armed = runProbe('counterexample-write:2');
  assert.deepEqual([armed.signal, armed.stdout], ['SIGKILL', 'ab']);
});

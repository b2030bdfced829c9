/**
 * Shared by the kill -9 tests: the CLI on the tutorial (buggy: execution 11 fails, triage replays it),
 * run as a real child process that can be SIGKILLed, and the checks that must hold after every kill and
 * at the end of the resumed run.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCounterexample } from '../orchestrator/results/counterexample.js';
import { entrySummary } from '../orchestrator/results/readable-failure.js';
import type { EntryResponse } from '../orchestrator/server/execution.js';
import { markedProcesses } from '../orchestrator/runner/run-marker.js';
import { builtInCatalogue, CLI, DIST, ROOT } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
export const TUTORIAL_TEST = join(DIST, 'functional-tests/foo-bar-baz.js');
/** The tutorial's test taking 300 ms more per execution: long enough for random kills to land anywhere. */
export const SLOW_TUTORIAL_TEST = join(DIST, 'test/fixtures/slow-tutorial-test.js');
/** Executions the tutorial explores (ran and pruned). */
export const EXECUTIONS = 11;
/** The tests find processes through /proc (Linux). */
export const NEEDS_PROC = !existsSync('/proc/self/environ') && 'needs /proc';

export interface CliOptions {
  resume?: boolean;
  testModule?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Started {
  child: ChildProcess;
  /** Resolves with the exit code, or the signal's name when killed. */
  done: Promise<number | string>;
  output: () => string;
}

/**
 * Every process a CLI run started in `dir` inherits `KILL9_TEST_DIR=<dir>`: unlike the run markers, which
 * a run records only once it has got that far, this finds whatever any of the runs left behind.
 */
const TAG_VAR = 'KILL9_TEST_DIR';

export function startCli(dir: string, { resume = false, testModule = TUTORIAL_TEST, env = {} }: CliOptions = {}): Started {
  const args = ['--test-module', testModule, '--services', SERVICES, '--port', '0', '--output-dir', dir, ...(resume ? ['--resume'] : [])];
  const child = spawn(process.execPath, [CLI, ...builtInCatalogue(args)], { cwd: ROOT, env: { ...process.env, ...env, [TAG_VAR]: dir } });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const done = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code ?? -1)));
  return { child, done, output: () => output };
}

/** Processes started by the runs in `dir` (and whose environment passes `also`, if given). */
export function taggedProcesses(dir: string, also: (environ: string[]) => boolean = () => true): number[] {
  const tag = `${TAG_VAR}=${dir}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (environ.includes(tag) && also(environ)) found.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

/** Kills what the runs in `dir` left behind, so that a failing test leaves nothing running either. */
export function killTagged(dir: string): void {
  for (const pid of taggedProcesses(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The journal's raw text ('' before it exists). */
export const journalText = (dir: string) => (existsSync(join(dir, 'journal.jsonl')) ? readFileSync(join(dir, 'journal.jsonl'), 'utf8') : '');

/** The journal's complete lines (a torn last line, with no newline yet, left out). */
export function completeLines(dir: string): string[] {
  const text = journalText(dir);
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
}

export const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));

/** The marker recorded by the last run started in `dir` (run-state.json), if it got that far. */
export function recordedMarker(dir: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'run-state.json'), 'utf8')).run_marker;
  } catch {
    return undefined;
  }
}

/**
 * What must be equal between a resumed and an uninterrupted run (timings, ids and ports aside: so a failing
 * execution's output, log lines and entry response texts too, which carry them).
 */
export function comparable(r: ReturnType<typeof readResults>) {
  return {
    executions: r.executions.map((e: Record<string, unknown>) => ({ number: e.number, status: e.status, faults: e.faults, verdict: e.verdict, calls: e.calls, tree: e.tree, entry: (e.entry as EntryResponse[] | undefined)?.map(entrySummary), counterexample: e.counterexample, group: e.group, attempts: e.attempts })),
    counts: r.counts,
    complete: r.complete,
    stop_reason: r.stop_reason,
    properties: r.properties,
    triage: r.triage && { ...r.triage, groups: r.triage.groups.map((g: Record<string, unknown>) => ({ ...g, detail: undefined })) },
  };
}

/**
 * Right after a kill: every complete journal line is a whole execution record, and every counterexample
 * file in place parses (a partial one may only exist as a temporary file).
 */
export function checkAfterKill(dir: string): void {
  for (const line of completeLines(dir)) JSON.parse(line);
  const folder = join(dir, 'counterexamples');
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.json')) readCounterexample(join(folder, name));
    else assert.match(name, /\.json\.tmp$/, `${folder}: unexpected file ${name}`);
  }
}

/**
 * At the end: results.json equals the uninterrupted run's, the journal is whole, every counterexample
 * results.json names exists and parses, no temporary file is left, and no process of any run in `markers`,
 * nor any other process a run in `dir` started, is alive.
 */
export function checkFinal(dir: string, uninterrupted: string, markers: Iterable<string>): void {
  const results = readResults(dir);
  assert.deepEqual(comparable(results), comparable(readResults(uninterrupted)));
  assert.equal(journalText(dir).endsWith('\n'), true, 'the journal ends with a complete line');
  assert.equal(completeLines(dir).length, EXECUTIONS);
  const named = [
    ...results.executions.map((e: { counterexample?: string }) => e.counterexample),
    ...(results.triage?.groups ?? []).map((g: { counterexample?: string }) => g.counterexample),
  ].filter(Boolean) as string[];
  assert.ok(named.length > 0, 'the run names its counterexamples');
  for (const path of named) readCounterexample(join(dir, path));
  for (const folder of [dir, join(dir, 'counterexamples')]) {
    assert.deepEqual(readdirSync(folder).filter((n) => n.endsWith('.tmp')), [], `${folder}: temporary files left behind`);
  }
  for (const marker of markers) assert.deepEqual(markedProcesses(marker), [], `processes of run ${marker} survived`);
  assert.deepEqual(taggedProcesses(dir).map(describeProcess), [], 'processes started by the killed runs survived');
}

/** Polls `condition` every 10 ms until it holds or `done` settles (returns whether it held). */
export async function until(condition: () => boolean, done: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return condition();
}

/** "<pid> <command line>", for a message. */
function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`;
  } catch {
    return `${pid} (gone)`;
  }
}

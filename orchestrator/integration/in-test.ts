/**
 * Exploring from inside a test runner's test, in that test's process:
 *
 *   // node:test
 *   import { filibusterTest } from 'filibuster/test';
 *   filibusterTest('checkout survives its dependencies failing', async ({ services }) => { ... }, { services: 'services.json' });
 *
 *   // vitest, jest, or any runner whose test(name, fn) takes an async function
 *   import { filibuster } from 'filibuster/test';
 *   test('checkout survives its dependencies failing', filibuster(async ({ services }) => { ... }, { services: 'services.json' }));
 *
 * The function is called once per execution, in this process (no worker, no process start); the whole
 * exploration is one test, and every failing execution is reported as a failure with its fault set.
 * Results, counterexamples and the report go to `.filibuster/<test name>/` unless `outputDir` says
 * otherwise. Counterexamples of a function test are replayed with `replay: <file>`, not from the CLI.
 *
 * The defaults are the CLI's `run`'s (`userDefaults`): by-size order (every single fault, then pairs, ...)
 * within a default time budget of 10 minutes, shared with triage; `exhaustive: true` lifts the budget,
 * `order: 'dfs'` gives the original's depth-first order (and its counts) without one. On the tutorial
 * (test/in-process.test.ts) both orders run the same 10 executions + 1 pruned: its faults are all single
 * ones, and by-size keeps the last-pushed-first order within a size.
 */
import { test as nodeTest } from 'node:test';
import { join } from 'node:path';
import { FaultCatalogue } from '../catalogue/catalogue.js';
import { readCounterexample } from '../results/counterexample.js';
import { explore, withDefaults, type ExplorationOptions, type ExplorationOutcome } from '../run/exploration.js';
import type { TestFunction } from '../runner/in-process-runner.js';

export type { TestContext } from '../runner/worker-protocol.js';

export interface FilibusterTestOptions extends Partial<Omit<ExplorationOptions, 'test' | 'testFunction' | 'servicesConfig' | 'catalogue' | 'counterexample'>> {
  /** The services configuration (services.json) to start for the exploration. */
  services?: string;
  /** A fault catalogue file (compat or extended format); the built-in default otherwise. */
  analysisFile?: string;
  /** Replay exactly this counterexample instead of exploring. */
  replay?: string;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'test';
}

/** Runs the exploration of `fn` in this process and returns its outcome. */
export function exploreFunction(name: string, fn: TestFunction, options: FilibusterTestOptions = {}): Promise<ExplorationOutcome> {
  const { services, analysisFile, replay, ...rest } = options;
  return explore(
    withDefaults({
      outputDir: join('.filibuster', slug(name)),
      // A user's run, as the CLI's: by-size and a default time budget unless the options say otherwise.
      userDefaults: true,
      ...rest,
      test: { kind: 'function', value: name },
      testFunction: fn,
      servicesConfig: services,
      catalogue: analysisFile ? FaultCatalogue.fromFile(analysisFile) : FaultCatalogue.default(),
      counterexample: replay ? readCounterexample(replay) : undefined,
    }),
  );
}

/**
 * One line per failing execution (number, fault set, verdict, message), then per violated property; a
 * test that fails without any fault (nothing explored) is one line too.
 */
export function failureLines(outcome: ExplorationOutcome): string[] {
  const first = outcome.results.executions[0];
  const faultFreeFailed = first && first.faults.length === 0 && first.verdict !== 'pass' && !first.counterexample;
  const faultFree = faultFreeFailed ? [`the test fails without any fault (${first.verdict}): ${(first.detail ?? '').split('\n')[0]}`] : [];
  const executions = outcome.failing.map(({ result }) => {
    const faults = result.faults.map((f) => f.description).join(' + ') || 'no fault';
    return `execution ${result.number} (${faults}): ${result.verdict}: ${(result.detail ?? '').split('\n')[0]}`;
  });
  const properties = (outcome.results.properties ?? []).filter((p) => !p.satisfied).map((p) => p.verdict);
  return [...faultFree, ...executions, ...properties];
}

/** A test body for any runner: explores, and throws listing every failing execution. */
export function filibuster(fn: TestFunction, options: FilibusterTestOptions & { name?: string } = {}): () => Promise<void> {
  return async () => {
    const outcome = await exploreFunction(options.name ?? 'filibuster', fn, options);
    const lines = failureLines(outcome);
    if (lines.length > 0) {
      throw new Error(`filibuster: ${lines.length} failure(s) in ${outcome.results.counts.ran} execution(s) (results: ${outcome.resultsPath}):\n  ${lines.join('\n  ')}`);
    }
  };
}

/** node:test: the exploration as one test, with a failing subtest per failing execution. */
export function filibusterTest(name: string, fn: TestFunction, options: FilibusterTestOptions = {}): void {
  nodeTest(name, async (t) => {
    const outcome = await exploreFunction(name, fn, options);
    const c = outcome.results.counts;
    t.diagnostic(`filibuster: ${c.ran} ran, ${c.pruned} pruned, ${outcome.failing.length} failing; results in ${outcome.resultsPath}`);
    for (const line of failureLines(outcome)) {
      await t.test(line, () => {
        throw new Error(line);
      });
    }
  });
}

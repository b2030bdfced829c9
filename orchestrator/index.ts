/**
 * `filibuster/orchestrator`: the exploration as a library, for tools built on it (a custom runner, a CI
 * step, a dashboard). Everything the CLI does is `explore(options)` plus printing:
 *
 *   import { explore, withDefaults, FaultCatalogue } from 'filibuster/orchestrator';
 *   const outcome = await explore(withDefaults({
 *     test: { kind: 'module', value: 'dist/test/checkout.js' },
 *     servicesConfig: 'services.json',
 *     catalogue: FaultCatalogue.fromFile('analysis.json'),
 *     outputDir: '.filibuster',
 *   }));
 *   console.log(outcome.results.counts);
 *
 * `explore()` takes its options as given: without `order` it explores depth-first (the original's order,
 * whose counts the corpus quotes) and without `timeBudgetMs` it has no time budget. `userDefaults: true`
 * gives it the defaults of the CLI's `run` instead: by-size order within DEFAULT_TIME_BUDGET_MS (10 minutes,
 * shared with triage), lifted by `exhaustive: true`.
 *
 * This file is the whole public surface: what is not exported here is internal and may change.
 */
export { DEFAULT_TIME_BUDGET_MS, explore, withDefaults, type ExplorationOptions, type ExplorationOutcome } from './run/exploration.js';
export { FaultCatalogue, CatalogueError } from './catalogue/catalogue.js';
export { readCounterexample, CounterexampleError, type LoadedCounterexample, type TestSpec } from './results/counterexample.js';
export type { ExplorationOrder } from './search/frontier.js';
export type { FaultFilterSpec, FilterRule } from './search/filters.js';
export type { TestFunction } from './runner/in-process-runner.js';
export type { TestContext } from './runner/worker-protocol.js';
export type {
  ExecutionResult,
  FailureGroup,
  FailureSignature,
  FaultEdge,
  FaultEntry,
  ParallelStats,
  PropertySummary,
  RunPlan,
  RunResults,
  Stability,
  TriageReport,
  Verdict,
} from './results/run-results.js';
export { InvalidOptionError } from './option-error.js';

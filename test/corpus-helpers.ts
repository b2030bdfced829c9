/** Exploring a corpus application from a test: its services config, its test module, a catalogue. */
import { dirname, join } from 'node:path';
import { staticCatalogue, staticCatalogueJson } from '../orchestrator/cli/corpus-catalogue.js';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import type { ExecutionResult } from '../orchestrator/results/run-results.js';
import { cli, DIST, ROOT, run, tempDir, writeJson, type CliResult } from './helpers.js';

export type CatalogueChoice = 'static' | 'status-only' | 'default';

export interface AppRun {
  app: string;
  /** The test module's export (functional-tests/<app>.js), default export when omitted. */
  testExport?: string;
  /** The functional test file when it is not named after the app. */
  testFile?: string;
  catalogue: CatalogueChoice;
  dynamicReduction: boolean;
  serviceEnv?: Record<string, string>;
  failFast?: boolean;
}

export function catalogueFor(app: string, choice: CatalogueChoice): FaultCatalogue {
  if (choice === 'default') return FaultCatalogue.default();
  if (choice === 'status-only') return FaultCatalogue.fromFile(join(ROOT, 'corpus/status-only.json'));
  return staticCatalogue(ROOT, app);
}

export function exploreApp(r: AppRun): Promise<ExplorationOutcome> {
  const file = join(DIST, 'functional-tests', `${r.testFile ?? r.app}.js`);
  return run({
    test: { kind: 'module', value: r.testExport ? `${file}#${r.testExport}` : file },
    servicesConfig: join(ROOT, 'corpus', r.app, 'services.json'),
    catalogue: catalogueFor(r.app, r.catalogue),
    dynamicReduction: r.dynamicReduction,
    serviceEnv: r.serviceEnv,
    failFast: r.failFast ?? false,
    // The published counts are the original's: its identity and depth-first order, pinned.
    order: 'dfs',
  });
}

/** ran / pruned / failing, for one-line assertions. */
export function counts(outcome: ExplorationOutcome): { ran: number; pruned: number; failing: number } {
  const c = outcome.results.counts;
  return { ran: c.ran, pruned: c.pruned, failing: c.failed + c.crashed + c.hung + c.leaked + c.inconclusive };
}

/**
 * Replays a failing execution's counterexample through the CLI, as a user would, with `serviceEnv`
 * (KEY=VALUE) added to the services: the bug switch to reproduce the failure, or none for the negative
 * control.
 */
export function replay(outcome: ExplorationOutcome, result: ExecutionResult, serviceEnv: string[] = []): Promise<CliResult> {
  if (!result.counterexample) throw new Error(`execution ${result.number} has no counterexample`);
  const file = join(dirname(outcome.resultsPath), result.counterexample);
  return cli(['--counterexample-file', file, '--port', '0', '--output-dir', tempDir(), ...serviceEnv.flatMap((e) => ['--service-env', e])]);
}

/** The replay reproduced the failure, with every fault of the counterexample injected. */
export function reproduced(r: CliResult): boolean {
  return r.code === 1 && r.stdout.includes('Every fault of the counterexample was injected');
}

/** The app's static catalogue as a file, for `--analysis-file` in CLI tests. */
export function staticCatalogueFile(app: string): string {
  return writeJson(tempDir(), `${app}-static.json`, staticCatalogueJson(ROOT, app));
}

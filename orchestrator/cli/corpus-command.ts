/**
 * `filibuster corpus [app...]` (`npm run corpus`): explores corpus applications and prints one table:
 * app, fault-free calls, ran / pruned with dynamic reduction, ran without it, the published figures
 * beside them, failing executions, wall time (services' start included), ms per execution (without). `--json` also writes the table as
 * corpus-results.json in the output directory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_APPS, type CorpusApp } from '../../corpus/apps.js';
import { staticCatalogue } from './corpus-catalogue.js';
import { FaultCatalogue } from '../catalogue/catalogue.js';
import { explore, withDefaults, type ExplorationOutcome } from '../run/exploration.js';
import { UsageError } from './run-command.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type CorpusCatalogue = 'static' | 'status-only' | 'default';

export interface CorpusRow {
  app: string;
  test: string;
  catalogue: CorpusCatalogue;
  faultFreeCalls: number;
  ranWithReduction: number;
  prunedWithReduction: number;
  ranWithoutReduction: number | null;
  publishedWithReduction: number | null;
  publishedWithoutReduction: number | null;
  failing: number;
  wallMs: number;
  msPerExecution: number;
}

function catalogue(app: string, choice: CorpusCatalogue): FaultCatalogue {
  if (choice === 'default') return FaultCatalogue.default();
  if (choice === 'status-only') return FaultCatalogue.fromFile(join(ROOT, 'corpus/status-only.json'));
  return staticCatalogue(ROOT, app);
}

async function exploreOnce(app: CorpusApp, testExport: string | undefined, choice: CorpusCatalogue, dynamicReduction: boolean, outputDir: string, workers: number): Promise<ExplorationOutcome> {
  const file = join(ROOT, 'dist/functional-tests', `${app.name}.js`);
  return explore(
    withDefaults({
      test: { kind: 'module', value: testExport ? `${file}#${testExport}` : file },
      servicesConfig: join(ROOT, 'corpus', app.name, 'services.json'),
      catalogue: catalogue(app.name, choice),
      dynamicReduction,
      outputDir,
      workers,
      // The published counts are the original's: its identity and depth-first order, pinned.
      order: 'dfs',
      // The table compares counts and times with the published ones: no triage replays on top.
      triage: false,
    }),
  );
}

function ranDuration(outcome: ExplorationOutcome): number {
  return outcome.results.executions.reduce((sum, e) => sum + (e.duration_ms ?? 0), 0);
}

export async function runCorpus(names: string[], choice: CorpusCatalogue, withoutReduction: boolean, outputDir: string, onRow: (row: CorpusRow) => void, workers = 1): Promise<CorpusRow[]> {
  const unknown = names.filter((n) => !CORPUS_APPS.some((a) => a.name === n));
  if (unknown.length) throw new UsageError(`unknown corpus application(s): ${unknown.join(', ')} (known: ${CORPUS_APPS.map((a) => a.name).join(', ')})`);
  const apps = names.length ? CORPUS_APPS.filter((a) => names.includes(a.name)) : CORPUS_APPS;
  // The npm package ships the tutorial only; the corpus applications are in the repository.
  const absent = apps.filter((a) => !existsSync(join(ROOT, 'corpus', a.name, 'services.json'))).map((a) => a.name);
  if (absent.length) throw new UsageError(`the corpus application(s) ${absent.join(', ')} are not in the npm package (it holds the tutorial only): run \`filibuster corpus\` from a clone of the repository`);
  const rows: CorpusRow[] = [];
  for (const app of apps) {
    for (const test of app.tests) {
      const dir = join(outputDir, app.name, test.export ?? 'default');
      const reduced = await exploreOnce(app, test.export, choice, true, join(dir, 'with-reduction'), workers);
      const full = withoutReduction ? await exploreOnce(app, test.export, choice, false, join(dir, 'without-reduction'), workers) : undefined;
      const c = reduced.results.counts;
      const published = app.published;
      const row: CorpusRow = {
        app: app.name,
        test: test.label,
        catalogue: choice,
        faultFreeCalls: reduced.results.executions[0]?.calls ?? 0,
        ranWithReduction: c.ran,
        prunedWithReduction: c.pruned,
        ranWithoutReduction: full ? full.results.counts.ran : null,
        publishedWithReduction: choice === 'static' ? (published.staticWithReduction ?? null) : choice === 'status-only' ? (published.statusOnlyWithReduction ?? null) : null,
        publishedWithoutReduction: choice === 'static' ? (published.staticWithoutReduction ?? null) : null,
        failing: c.failed + c.crashed + c.hung + c.leaked,
        wallMs: reduced.results.wall_ms,
        // The executions' own time (the test and its calls), without starting the services.
        msPerExecution: ranDuration(reduced) / Math.max(1, c.ran),
      };
      rows.push(row);
      onRow(row);
    }
  }
  return rows;
}

export function corpusTable(rows: CorpusRow[]): string {
  const headers = ['app', 'test', 'calls', 'ran (DR)', 'pruned', 'published (DR)', 'ran (no DR)', 'published (no DR)', 'failing', 'wall s', 'ms/exec'];
  const cells = rows.map((r) => [
    r.app,
    r.test,
    String(r.faultFreeCalls),
    String(r.ranWithReduction),
    String(r.prunedWithReduction),
    r.publishedWithReduction === null ? '–' : String(r.publishedWithReduction),
    r.ranWithoutReduction === null ? '–' : String(r.ranWithoutReduction),
    r.publishedWithoutReduction === null ? '–' : String(r.publishedWithoutReduction),
    String(r.failing),
    (r.wallMs / 1000).toFixed(1),
    r.msPerExecution.toFixed(1),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(headers), ...cells.map(line)].join('\n');
}

export function writeCorpusJson(outputDir: string, rows: CorpusRow[]): string {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, 'corpus-results.json');
  writeFileSync(path, JSON.stringify({ schema: 'filibuster-corpus-results/1', rows }, null, 2) + '\n');
  return path;
}

/**
 * The coverage of an exploration (`--coverage`, `filibuster coverage`): the services' V8 coverage, one
 * slice per execution (coverage/executions/<execution id>/), merged and mapped to the TypeScript sources
 * with c8, for two sets: the fault-free execution alone, and every execution. What the generated
 * executions add is the difference: the lines only fault-injected executions reached (the error handling
 * that a fault-free test never runs). Written to coverage/: `all/` (HTML and text), `fault-free/` (text),
 * `summary.json`, `faults-only.txt`, and `faults.html`: the sources with those lines marked (fault-lines-html.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { RunResults } from '../run-results.js';
import { writeFaultLines, type LineHits } from './fault-lines-html.js';

interface FileCoverage {
  getLineCoverage(): Record<string, number>;
}
interface CoverageMap {
  files(): string[];
  fileCoverageFor(file: string): FileCoverage;
}
interface C8Report {
  run(): Promise<void>;
  getCoverageMapFromAllCoverageFiles(): Promise<CoverageMap>;
}
type C8ReportClass = new (options: Record<string, unknown>) => C8Report;

const { Report } = createRequire(import.meta.url)('c8') as { Report: C8ReportClass };

/** Our own code runs inside every service; it is not the services' coverage. */
const EXCLUDE = ['**/node_modules/**', 'instrumentation/**', 'orchestrator/**', 'dist/**'];

export interface LineTotals {
  covered: number;
  total: number;
}

export interface CoverageSummary {
  faultFree: LineTotals;
  all: LineTotals;
  /** Per source file (relative), the lines only fault-injected executions reached. */
  faultOnly: { file: string; lines: number[] }[];
}

export class CoverageError extends Error {}

function stage(into: string, slices: string[]): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  slices.forEach((slice, i) => {
    for (const file of readdirSync(slice)) copyFileSync(join(slice, file), join(into, `${i}-${file}`));
  });
}

/** Per file, every instrumentable line and whether it was reached. */
function linesOf(map: CoverageMap, root: string): LineHits {
  const out: LineHits = new Map();
  for (const file of map.files()) {
    const lines = new Map<number, boolean>();
    for (const [line, count] of Object.entries(map.fileCoverageFor(file).getLineCoverage())) lines.set(Number(line), count > 0);
    out.set(relative(root, file), lines);
  }
  return out;
}

function totals(map: CoverageMap): LineTotals {
  let covered = 0;
  let total = 0;
  for (const file of map.files()) {
    for (const count of Object.values(map.fileCoverageFor(file).getLineCoverage())) {
      total++;
      if (count > 0) covered++;
    }
  }
  return { covered, total };
}

async function report(tempDirectory: string, reportsDirectory: string, reporter: string[], root: string): Promise<CoverageMap> {
  const options = { tempDirectory, reportsDirectory, reporter, reporterOptions: { text: { file: 'coverage.txt' } }, exclude: EXCLUDE, excludeAfterRemap: true, excludeNodeModules: true, src: [root], all: false, resolve: '' };
  // One instance: c8 remembers the merged map, so the reports and the line sets share one merge.
  const c8 = new Report(options);
  await c8.run();
  return c8.getCoverageMapFromAllCoverageFiles();
}

/** Builds the coverage report of the run in `outputDir`; `root` is where the sources are (the cwd). */
export async function coverageReport(outputDir: string, results: RunResults, root = process.cwd()): Promise<CoverageSummary> {
  const dir = join(outputDir, 'coverage');
  const executions = join(dir, 'executions');
  if (!existsSync(executions)) throw new CoverageError(`${outputDir}: no coverage was recorded (run with --coverage)`);
  const faultFreeId = results.executions.find((e) => e.status === 'ran' && e.faults.length === 0)?.id;
  const slices = readdirSync(executions).map((id) => join(executions, id));
  const baseline = faultFreeId ? [join(executions, faultFreeId)].filter(existsSync) : [];
  if (baseline.length === 0) throw new CoverageError(`${outputDir}: the fault-free execution has no coverage slice`);

  stage(join(dir, 'stage', 'fault-free'), baseline);
  stage(join(dir, 'stage', 'all'), slices);
  const before = await report(join(dir, 'stage', 'fault-free'), join(dir, 'fault-free'), ['text'], root);
  const after = await report(join(dir, 'stage', 'all'), join(dir, 'all'), ['html', 'text'], root);
  rmSync(join(dir, 'stage'), { recursive: true, force: true });

  const baseLines = linesOf(before, root);
  const allLines = linesOf(after, root);
  const faultOnly: CoverageSummary['faultOnly'] = [];
  for (const [file, hits] of allLines) {
    const base = baseLines.get(file);
    const lines = [...hits].filter(([l, hit]) => hit && !base?.get(l)).map(([l]) => l).sort((a, b) => a - b);
    if (lines.length > 0) faultOnly.push({ file, lines });
  }
  writeFaultLines(dir, allLines, baseLines, root);
  faultOnly.sort((a, b) => a.file.localeCompare(b.file));
  const summary: CoverageSummary = { faultFree: totals(before), all: totals(after), faultOnly };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(dir, 'faults-only.txt'), faultOnly.map((f) => `${f.file}: ${f.lines.join(', ')}`).join('\n') + '\n');
  return summary;
}

/** The lines a terminal shows after a run with --coverage. */
export function coverageText(summary: CoverageSummary): string {
  const pct = (t: LineTotals) => (t.total === 0 ? '0.0' : ((100 * t.covered) / t.total).toFixed(1));
  const lines = [
    `Coverage (lines of the services): fault-free ${summary.faultFree.covered}/${summary.faultFree.total} (${pct(summary.faultFree)}%), all executions ${summary.all.covered}/${summary.all.total} (${pct(summary.all)}%).`,
  ];
  const count = summary.faultOnly.reduce((n, f) => n + f.lines.length, 0);
  lines.push(count === 0 ? 'No line was reached only under faults.' : `Reached only under faults (${count} lines):`);
  for (const f of summary.faultOnly) lines.push(`  ${f.file}: ${f.lines.join(', ')}`);
  if (count > 0) lines.push('Marked in the sources: coverage/faults.html in the output folder.');
  return lines.join('\n');
}

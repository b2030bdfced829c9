/**
 * `filibuster coverage [--output-dir D]` (and the `filibuster-coverage` bin): renders the coverage of a
 * run made with `--coverage` (coverage/ in its output directory) and prints it, with the lines only
 * fault-injected executions reached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoverageError, coverageReport, coverageText } from '../results/coverage/coverage-report.js';
import type { RunResults } from '../results/run-results.js';
import { UsageError } from './run-command.js';

export async function runCoverage(outputDir: string, out: (text: string) => void): Promise<void> {
  let results: RunResults;
  const path = join(outputDir, 'results.json');
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as RunResults;
  } catch (err) {
    throw new UsageError(`${path}: cannot read the run's results (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const summary = await coverageReport(outputDir, results);
    out(`${coverageText(summary)}\nHTML: ${join(outputDir, 'coverage', 'all', 'index.html')}\n`);
  } catch (err) {
    if (err instanceof CoverageError) throw new UsageError(err.message);
    throw err;
  }
}

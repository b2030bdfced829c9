/** The files a run leaves for people and CI beside results.json: report.html and junit.xml. */
import { join } from 'node:path';
import { replayCommand } from '../../replay-command.js';
import type { ResultsWriter } from '../writer.js';
import type { RunResults } from '../run-results.js';
import { reportHtml, type ReplayOptions } from './html.js';
import { junitXml } from './junit.js';

/**
 * How report.html names a counterexample's replay: the very command the CLI prints after the run; for an
 * in-process test (filibusterTest), which the CLI cannot run, what to do instead.
 */
export function replayOptions(results: RunResults, dir: string): ReplayOptions {
  if (results.test.kind === 'function') return { note: `Replay it from the test "${results.test.value}" with its replay option (the counterexample names the faults).` };
  return { command: (counterexample) => replayCommand(join(dir, counterexample)) };
}

export function writeReports(writer: ResultsWriter, results: RunResults): void {
  writer.writeText('report.html', reportHtml(results, replayOptions(results, writer.dir)));
  writer.writeText('junit.xml', junitXml(results));
}

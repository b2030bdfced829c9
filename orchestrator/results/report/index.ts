/** The files a run leaves for people and CI beside results.json: report.html and junit.xml. */
import type { ResultsWriter } from '../writer.js';
import type { RunResults } from '../run-results.js';
import { reportHtml } from './html.js';
import { junitXml } from './junit.js';

export function writeReports(writer: ResultsWriter, results: RunResults): void {
  writer.writeText('report.html', reportHtml(results));
  writer.writeText('junit.xml', junitXml(results));
}

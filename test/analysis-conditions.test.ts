/**
 * The analyser suggests network conditions where the code gives a reason (issue: network conditions as
 * faults): a caller with a timeout gets a latency just past it and a black hole; a caller that reads the
 * body gets a truncated and a corrupted body. `--with-conditions` injects them: the extended catalogue
 * then gives a matching runtime call those faults, the latency resolved against the call's own timeout.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../analysis/index.js';
import { suggestedConditions } from '../analysis/catalogue-writer.js';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { cli, ROOT, tempDir } from './helpers.js';

const names = (site: Parameters<typeof suggestedConditions>[0]) => suggestedConditions(site).map((c) => c.name);

test('suggestions follow the code: timeout → latency past it and black hole; body read → truncated and corrupted body', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'svc'));
  writeFileSync(
    join(dir, 'svc', 'index.js'),
    [
      "const express = require('express');",
      'const app = express();',
      "app.get('/fire', async (req, res) => { await fetch('http://127.0.0.1:1/x'); res.sendStatus(204); });",
      "app.get('/status', async (req, res) => { const r = await fetch('http://127.0.0.1:1/y', { signal: AbortSignal.timeout(1000) }); res.sendStatus(r.ok ? 200 : 502); });",
      "app.get('/body', async (req, res) => { const r = await fetch('http://127.0.0.1:1/z'); res.json(await r.json()); });",
      'app.listen(3000);',
      '',
    ].join('\n'),
  );
  const [svc] = analyze({ servicesDirectory: dir }).services;
  const byTarget = new Map(svc.callSites.map((c) => [c.target.replace(/'/g, ''), c]));
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/x')!), []);
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/y')!), ['node.Latency', 'node.BlackHole']);
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/z')!), ['node.TruncatedBody', 'node.CorruptBody']);
});

test('the tutorial with --with-conditions: foo\'s call to bar gets the four conditions, the latency 100 ms past its 10 s timeout', async () => {
  const file = join(tempDir(), 'extended.json');
  const r = await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--output-file', file, '--with-conditions']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /worth exploring \(--with-conditions\): Latency/);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const site = Object.values(json.services.foo.callSites)[0] as { line: number; suggested: { name: string }[] };
  assert.deepEqual(site.suggested.map((s) => s.name), ['node.Latency', 'node.BlackHole', 'node.TruncatedBody', 'node.CorruptBody']);

  const catalogue = FaultCatalogue.fromJson(json, file);
  const call = {
    module: 'node.fetch',
    method: 'GET',
    metadata: { timeout: 10 },
    source: 'foo',
    callsiteFile: 'corpus/foo-bar-baz/foo.ts',
    callsiteLine: String(site.line),
    stackFrames: [{ file: 'corpus/foo-bar-baz/foo.ts', line: site.line, function: '' }],
  };
  const faults = catalogue.exceptionFaults(call);
  assert.deepEqual(faults.map((f) => f.name), ['node.ECONNREFUSED', 'node.Timeout', 'node.Latency', 'node.BlackHole', 'node.TruncatedBody', 'node.CorruptBody']);
  assert.equal(faults.find((f) => f.name === 'node.Latency')!.metadata.delay_ms, 10_100);

  // Without the flag, the suggestions are listed but not injected; the compat format refuses the flag.
  const plain = join(tempDir(), 'plain.json');
  assert.equal((await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--output-file', plain])).code, 0);
  assert.deepEqual(FaultCatalogue.fromFile(plain).exceptionFaults(call).map((f) => f.name), ['node.ECONNREFUSED', 'node.Timeout']);
  const refused = await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--compat', '--with-conditions', '--output-file', plain]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--with-conditions needs the extended format/);
});

/**
 * The analyser suggests network conditions where the code gives a reason: a caller without a visible
 * timeout gets a black hole (how a missing timeout shows), and such a call site is a finding; a caller
 * with a timeout gets a latency just past it; a caller that reads the body gets a truncated and a
 * corrupted body. `--with-conditions` injects them: the extended catalogue then gives a matching runtime
 * call those faults, the latency resolved against the call's own timeout.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../analysis/index.js';
import { calleeOf, pathOf } from '../analysis/call-names.js';
import { suggestedConditions } from '../analysis/catalogue-writer.js';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { cli, ROOT, tempDir } from './helpers.js';

const names = (site: Parameters<typeof suggestedConditions>[0]) => suggestedConditions(site).map((c) => c.name);

test('suggestions follow the code: no timeout → black hole; timeout → latency past it; body read → truncated and corrupted body', () => {
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
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/x')!), ['node.BlackHole']);
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/y')!), ['node.Latency']);
  assert.deepEqual(names(byTarget.get('http://127.0.0.1:1/z')!), ['node.BlackHole', 'node.TruncatedBody', 'node.CorruptBody']);
  // The two calls without a timeout are findings; the one with a timeout is not.
  const hanging = svc.findings.filter((f) => f.failure === 'no-timeout').map((f) => f.message);
  assert.equal(hanging.length, 2, hanging.join('\n'));
  assert.match(hanging[0], /^svc → GET \/x \(index\.js:3\): no timeout visible: a callee that never answers hangs this call, and the request serving it \(GET \/fire\)$/);
});

test('the tutorial with --with-conditions: foo\'s call to bar gets the latency 100 ms past its 10 s timeout and the body faults, no black hole (node.Timeout fires its timeout)', async () => {
  const file = join(tempDir(), 'extended.json');
  const r = await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--output-file', file, '--with-conditions']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /worth exploring \(--with-conditions\): Latency/);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const site = Object.values(json.services.foo.callSites)[0] as { line: number; suggested: { name: string }[] };
  assert.deepEqual(site.suggested.map((s) => s.name), ['node.Latency', 'node.TruncatedBody', 'node.CorruptBody']);

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
  assert.deepEqual(faults.map((f) => f.name), ['node.ECONNREFUSED', 'node.Timeout', 'node.Latency', 'node.TruncatedBody', 'node.CorruptBody']);
  assert.equal(faults.find((f) => f.name === 'node.Latency')!.metadata.delay_ms, 10_100);

  // Without the flag, the suggestions are listed but not injected; the compat format refuses the flag.
  const plain = join(tempDir(), 'plain.json');
  assert.equal((await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--output-file', plain])).code, 0);
  assert.deepEqual(FaultCatalogue.fromFile(plain).exceptionFaults(call).map((f) => f.name), ['node.ECONNREFUSED', 'node.Timeout']);
  const refused = await cli(['analyze', '--config', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--compat', '--with-conditions', '--output-file', plain]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--with-conditions needs the extended format/);
});

test('the gateway, whose calls have no timeout: each call site is a finding named by callee and path (through the client wrapper), and --with-conditions injects a black hole there', async () => {
  const file = join(tempDir(), 'gateway.json');
  const r = await cli(['analyze', '--config', join(ROOT, 'corpus/gateway/services.json'), '--output-file', file, '--with-conditions']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gateway → catalog GET \/products\/:id \(corpus\/gateway\/gateway\/products\.controller\.ts:\d+\): no timeout visible: a callee that never answers hangs this call, and the request serving it \(GET \/products\/:id\)/);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const sites = Object.values(json.services.gateway.callSites) as { line: number; file: string; callee: string; faults: { exceptions: { name: string }[] } }[];
  const findings = (json.findings as { service: string; failure: string; line: number; file: string }[]).filter((f) => f.failure === 'no-timeout');
  assert.equal(findings.length, sites.length);
  assert.deepEqual(new Set(sites.map((s) => s.callee)), new Set(['catalog', 'orders', 'inventory']));
  for (const s of sites) {
    assert.ok(findings.some((f) => f.file === s.file && f.line === s.line), `no finding for ${s.file}:${s.line}`);
    const names = s.faults.exceptions.map((e) => e.name);
    assert.ok(names.includes('node.BlackHole') && !names.includes('node.Latency'), names.join());
  }
  // A runtime call at one of these sites, without a timeout, is given the black hole.
  const site = sites[0];
  const call = { module: 'node.fetch', method: 'GET', metadata: {}, source: 'gateway', callsiteFile: site.file, callsiteLine: String(site.line), stackFrames: [{ file: site.file, line: site.line, function: '' }] };
  assert.ok(FaultCatalogue.fromJson(json, file).exceptionFaults(call).some((f) => f.name === 'node.BlackHole'));
});

test('call sites in words: the callee is the service the URL names, the path has :slots', () => {
  const services = ['catalog', 'orders', 'app-server', 'bus'];
  assert.equal(calleeOf('`${CATALOG_URL}/products/${id}`', services), 'catalog');
  assert.equal(calleeOf("`${this.baseUrls['orders']}/orders`", services), 'orders');
  assert.equal(calleeOf('`${appServerUrl}/x`', services), 'app-server');
  assert.equal(calleeOf('`${busUrl}/events`', services), 'bus');
  assert.equal(calleeOf('`${this.baseUrls[backend]}${path}`', services), undefined);
  assert.equal(calleeOf('`${business}/x`', services), undefined, 'a word that only starts with a name is not it');
  assert.equal(pathOf('`${CATALOG_URL}/products/${encodeURIComponent(req.params.id)}?x=1`'), '/products/:id');
  assert.equal(pathOf("'http://catalog:3000/products'"), '/products');
  assert.equal(pathOf("'/events'"), '/events');
  assert.equal(pathOf('`${base}${path}`'), undefined);
});

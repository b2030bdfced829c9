/**
 * `filibuster init` on a project of npm workspaces (one service each: plain node:http and express) with a
 * compose file naming their ports, health checks and wiring: the services file it writes explores the
 * project exactly as a hand-written one does, with the test skeleton it writes.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, ROOT, tempDir } from './helpers.js';

const FIXTURE = join(ROOT, 'test/fixtures/init-workspaces');

/** A copy of the fixture, with filibuster and express installed as a user's project would have them. */
function project(): string {
  const dir = tempDir('filibuster-init-');
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/filibuster'), 'dir');
  symlinkSync(join(ROOT, 'node_modules/express'), join(dir, 'node_modules/express'), 'dir');
  return dir;
}

interface Results {
  executions: { status: string; faults: { description: string }[] }[];
}

/** What ran, in order: status and fault set. */
function executed(outputDir: string): string[] {
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as Results;
  return results.executions.map((e) => `${e.status}: ${e.faults.map((f) => f.description).join(' + ') || 'no fault'}`);
}

test('init on npm workspaces and a compose file: the services file it writes explores as the hand-written one', async () => {
  const dir = project();
  const init = await cli(['init', dir]);
  assert.equal(init.code, 0, init.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'filibuster.services.json'), 'utf8'));
  assert.deepEqual(written, {
    services: {
      inventory: { command: 'node index.mjs', cwd: 'services/inventory', health: '/health' },
      orders: { command: 'node server.mjs', cwd: 'services/orders', health: '/health', env: { INVENTORY_URL: '${inventory.url}/api', LOG_LEVEL: 'info' } },
      gateway: { command: 'node server.mjs', cwd: 'services/gateway', health: '/health', env: { ORDERS_URL: '${orders.url}' } },
    },
  });
  assert.match(init.stdout, /Wrote filibuster\.functional\.mjs: calls gateway \(the entry point: no other service calls it\)/);
  assert.match(init.stdout, /workspace packages\/shared \(package @shop\/shared\): no "start" script, and its main \(index\.mjs\) starts no server: taken as a library, left out/);
  assert.match(init.stdout, /orders: NODE_ENV=production left out/);
  assert.match(init.stdout, /gateway: API_KEY comes from the shell compose runs in/);
  const skeleton = readFileSync(join(dir, 'filibuster.functional.mjs'), 'utf8');
  assert.match(skeleton, /fetch\(`\$\{ctx\.services\.gateway\.url\}\/orders\/summary`\)/);

  // The same test (the skeleton) and options, the derived catalogue included: only the services file differs.
  const runWith = (services: string, out: string) =>
    cli(['--test-module', 'filibuster.functional.mjs', '--services', services, '--analysis', '--port', '0', '--output-dir', join(dir, out)], { cwd: dir });
  const generated = await runWith('filibuster.services.json', 'out-init');
  assert.equal(generated.code, 0, generated.stdout + generated.stderr);
  const hand = await runWith('services.hand.json', 'out-hand');
  assert.equal(hand.code, 0, hand.stdout + hand.stderr);
  const ran = executed(join(dir, 'out-init'));
  assert.deepEqual(ran, executed(join(dir, 'out-hand')));
  assert.ok(ran.some((e) => e.includes('gateway → orders')) && ran.some((e) => e.includes('orders → inventory')), ran.join('\n'));
});

test('init never overwrites: it names the files that exist (exit 2), and --force overwrites them', async () => {
  const dir = project();
  assert.equal((await cli(['init', dir])).code, 0);
  const again = await cli(['init', dir]);
  assert.equal(again.code, 2);
  assert.ok(again.stderr.includes(`not overwriting ${join(dir, 'filibuster.services.json')} and ${join(dir, 'filibuster.functional.mjs')}: they exist (--force overwrites`), again.stderr);
  const other = await cli(['init', dir, '--services', 'services.hand.json', '--test-module', 'other.mjs']);
  assert.equal(other.code, 2);
  assert.ok(other.stderr.includes(`not overwriting ${join(dir, 'services.hand.json')}: it exists`), other.stderr);
  assert.equal((await cli(['init', dir, '--force'])).code, 0);
});

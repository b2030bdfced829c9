/**
 * Service ports are exclusive across runs on one machine (runner/ports.ts): two processes drawing ports
 * at the same time never hand out the same one, and a run's claims go away when it exits.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DIST } from './helpers.js';

const PORTS = pathToFileURL(join(DIST, 'orchestrator/runner/ports.js')).href;
const PER_PROCESS = 300;

interface Drawer {
  ports: Promise<number[]>;
  /** Lets the process exit (its claims hold until then). */
  release(): Promise<void>;
}

function drawPorts(): Drawer {
  // Each process keeps its ports claimed until it exits, and exits only when told (stdin closed), so
  // both hold their claims while the other draws.
  const script = `const { freePort } = await import(${JSON.stringify(PORTS)});
    const ports = []; for (let i = 0; i < ${PER_PROCESS}; i++) ports.push(await freePort());
    console.log(JSON.stringify(ports)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const ports = new Promise<number[]>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (out.endsWith('\n')) resolve(JSON.parse(out));
    });
    child.once('exit', (code) => reject(new Error(`the drawing process exited (${code}) before printing its ports`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { ports, release: () => (child.stdin.end(), exited) };
}

test('two processes drawing ports at once never get the same one, and release them at exit', async () => {
  const drawers = [drawPorts(), drawPorts()];
  const [a, b] = await Promise.all(drawers.map((d) => d.ports));
  await Promise.all(drawers.map((d) => d.release()));
  assert.equal(new Set(a).size, PER_PROCESS);
  assert.equal(new Set(b).size, PER_PROCESS);
  // 300 random draws each from ~20,000 ports would share a few without the claims.
  const shared = a.filter((p) => new Set(b).has(p));
  assert.deepEqual(shared, []);
  const left = [...a, ...b].filter((p) => existsSync(join(tmpdir(), 'filibuster-ports', String(p))));
  assert.deepEqual(left.map((p) => [p, readFileSync(join(tmpdir(), 'filibuster-ports', String(p)), 'utf8')]), [], 'claims are released when their process exits');
});

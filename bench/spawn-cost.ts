/**
 * The cost of a fresh Node process doing one request, with global fetch and with node:http, so the
 * spawn-mode figures (one `node test.mjs` per execution) can be read: fetch pays for loading undici and
 * compiling its WebAssembly parser at first use, before the test does anything. Also the bare process
 * (`node -e ''`) and a process that only reads the URL, to separate start-up from the request.
 *
 * The target is a tiny loopback server in this process answering 200. `npm run bench:spawn` runs this
 * table alone; `npm run bench` includes it.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { machine } from './overhead.js';
import { table } from './table.js';

const SCRIPTS: [string, string][] = [
  ['bare process (node -e "")', ''],
  ['fetch, one request', 'const r = await fetch(process.env.URL); await r.arrayBuffer(); if (r.status !== 200) process.exit(1);'],
  [
    'node:http, one request',
    "import http from 'node:http'; await new Promise((ok, ko) => http.get(process.env.URL, (r) => { r.resume(); r.on('end', () => r.statusCode === 200 ? ok() : ko()); }).on('error', ko));",
  ],
];

function runOnce(script: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: url, NODE_OPTIONS: '' }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}: ${script}`))));
  });
}

export const SPAWN_HEADERS = ['process', 'runs', 'p50 ms', 'p90 ms', 'vs bare (p50)'];

export async function spawnCost(runs = 20): Promise<(string | number)[][]> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const samples = SCRIPTS.map((): number[] => []);
    // Interleaved, so a busy moment on a shared machine falls on every kind alike.
    for (let i = 0; i < runs + 2; i++) {
      for (let k = 0; k < SCRIPTS.length; k++) {
        const ms = await runOnce(SCRIPTS[k][1], url);
        if (i >= 2) samples[k].push(ms);
      }
    }
    const at = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(p * s.length))];
    const bare = at(samples[0], 0.5);
    return SCRIPTS.map(([name], k) => [name, runs, at(samples[k], 0.5), at(samples[k], 0.9), at(samples[k], 0.5) / bare]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`${machine()}\n`);
  console.log('A fresh Node process doing one loopback request (spawn mode pays this per execution)');
  console.log(table(SPAWN_HEADERS, await spawnCost(Number(process.env.BENCH_RUNS) || undefined)));
}

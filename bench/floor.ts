/**
 * The floor of any execution: one loopback HTTP round trip in this process (a tiny server answering 200),
 * with global fetch and with node:http, keep-alive, p50 of many after a warm-up. Every per-execution
 * figure of the corpus bench reads against it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const RUNS = 200;

function p50(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

async function timed(runs: number, once: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 20; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return p50(samples);
}

export async function loopbackFloor(runs = RUNS): Promise<{ fetchMs: number; httpMs: number }> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const agent = new http.Agent({ keepAlive: true });
  try {
    const fetchMs = await timed(runs, async () => {
      await (await fetch(url)).arrayBuffer();
    });
    const httpMs = await timed(runs, () => new Promise<void>((ok, ko) => http.get(url, { agent }, (r) => r.resume().on('end', ok)).on('error', ko)));
    return { fetchMs, httpMs };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
}

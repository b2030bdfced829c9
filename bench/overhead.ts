/**
 * Instrumentation overhead per call: one request through a real 3-hop chain a → b → c on loopback (the
 * chain fixture services of the tests, each a child process; a and b each make one fetch call), in three
 * modes started side by side:
 *
 * - uninstrumented: `node service.js`;
 * - instrumented, disabled: `node --import filibuster/register service.js` with no FILIBUSTER_URL (what a
 *   service pays for shipping the instrumentation when no orchestrator is configured);
 * - instrumented, no fault: the same with FILIBUSTER_URL pointing at a real orchestrator (session and
 *   server, in this process), with one fault-free execution begun per request, as a run does;
 * - the same with standalone traces (`--traces file=/dev/null`: OpenTelemetry's http and undici
 *   instrumentations and ours record every span, exported one by one as it ends).
 *
 * Requests go one at a time, round-robin over the three modes, so the noise of a shared machine falls on
 * all three alike. Overhead per call = (p50 of the mode − p50 uninstrumented) / instrumented calls per
 * request (2: a → b and b → c).
 *
 * `npm run bench:overhead` runs this table alone; `npm run bench` includes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HEADERS } from '../instrumentation/protocol.js';
import { createHandler } from '../orchestrator/server/server.js';
import { Session } from '../orchestrator/server/session.js';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICE = join(ROOT, 'dist/test/fixtures/chain/service.js');
const REGISTER = join(ROOT, 'dist/instrumentation/register.js');
/** Instrumented outbound calls per request (a → b, b → c); the bench's own request is not instrumented. */
const CALLS_PER_REQUEST = 2;

type Mode = 'uninstrumented' | 'instrumented, disabled' | 'instrumented, no fault' | 'no fault, --traces file';
const MODES: Mode[] = ['uninstrumented', 'instrumented, disabled', 'instrumented, no fault', 'no fault, --traces file'];
/** Modes that talk to the orchestrator (one fault-free execution per request). */
const ORCHESTRATED: Mode[] = ['instrumented, no fault', 'no fault, --traces file'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function get(agent: http.Agent, port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/work', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilUp(agent: http.Agent, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await get(agent, port, {})) > 0) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service on port ${port} did not start`);
}

interface Chain {
  entryPort: number;
  children: ChildProcess[];
}

async function startChain(mode: Mode, orchestratorUrl: string): Promise<Chain> {
  const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
  const plans: [string, number, string | undefined][] = [
    ['c', pc, undefined],
    ['b', pb, `http://127.0.0.1:${pc}/work`],
    ['a', pa, `http://127.0.0.1:${pb}/work`],
  ];
  const serviceMap = JSON.stringify({ [`127.0.0.1:${pa}`]: 'a', [`127.0.0.1:${pb}`]: 'b', [`127.0.0.1:${pc}`]: 'c' });
  const children = plans.map(([name, port, callee]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PLAN: JSON.stringify({ calls: callee ? [{ url: callee, onFailure: 'propagate' }] : [] }) };
    delete env.FILIBUSTER_URL;
    delete env.NODE_OPTIONS;
    const args = [SERVICE];
    if (mode !== 'uninstrumented') {
      args.unshift('--import', REGISTER);
      env.FILIBUSTER_SERVICE_NAME = name;
      env.FILIBUSTER_SERVICE_MAP = serviceMap;
      if (ORCHESTRATED.includes(mode)) env.FILIBUSTER_URL = orchestratorUrl;
      if (mode === 'no fault, --traces file') env.FILIBUSTER_TRACES = 'file=/dev/null';
      // To see where an instrumented service's time goes: BENCH_PROFILE_DIR=dir writes a CPU profile per service.
      if (mode === 'instrumented, no fault' && process.env.BENCH_PROFILE_DIR) args.unshift('--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR);
    }
    return spawn(process.execPath, args, { env, stdio: 'ignore' });
  });
  const agent = new http.Agent({ keepAlive: true });
  for (const [, port] of plans) await waitUntilUp(agent, port);
  agent.destroy();
  return { entryPort: pa, children };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const OVERHEAD_HEADERS = ['mode', 'requests', 'p50 ms', 'p99 ms', 'p50 overhead/call ms', 'p99 overhead/call ms', 'p50 overhead %', 'orchestrator requests/request'];

/** The orchestrator's server, counting the HTTP requests it receives (reports batch: fewer than messages). */
function countingServer(session: Session): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = http.createServer(createHandler(session));
  server.keepAliveTimeout = 60_000;
  server.on('request', () => received++);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received: () => received,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

export async function instrumentationOverhead(requests = 2000, warmup = 300): Promise<(string | number)[][]> {
  const session = new Session();
  const server = await countingServer(session);
  const chains = new Map<Mode, Chain>();
  try {
    for (const mode of MODES) chains.set(mode, await startChain(mode, server.url));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const samples = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
    let executions = 0;
    let receivedAtWarmup = 0;
    for (let i = 0; i < warmup + requests; i++) {
      if (i === warmup) receivedAtWarmup = server.received();
      for (const mode of MODES) {
        const headers: Record<string, string> = {};
        // One fault-free execution per request, attributed by its id, as an exploration run does.
        const execution = ORCHESTRATED.includes(mode) ? session.begin(++executions, `bench-${executions}`, []) : undefined;
        if (execution) headers[HEADERS.execution] = execution.id;
        const started = performance.now();
        const status = await get(agent, chains.get(mode)!.entryPort, headers);
        const ms = performance.now() - started;
        if (status !== 200) throw new Error(`${mode}: the chain answered ${status}`);
        if (execution) {
          if (execution.callCount !== CALLS_PER_REQUEST) throw new Error(`${mode}: the orchestrator saw ${execution.callCount} calls, not ${CALLS_PER_REQUEST}`);
          await execution.quiescent(1000);
          session.end(execution, []);
        }
        if (i >= warmup) samples.get(mode)!.push(ms);
      }
    }
    agent.destroy();
    const perRequest = (server.received() - receivedAtWarmup) / requests / ORCHESTRATED.length;
    const stats = new Map(MODES.map((m) => {
      const s = samples.get(m)!.sort((a, b) => a - b);
      return [m, { p50: percentile(s, 50), p99: percentile(s, 99) }];
    }));
    const base = stats.get('uninstrumented')!;
    return MODES.map((m) => {
      const s = stats.get(m)!;
      return m === 'uninstrumented'
        ? [m, requests, s.p50, s.p99, '', '', '', '']
        : [m, requests, s.p50, s.p99, (s.p50 - base.p50) / CALLS_PER_REQUEST, (s.p99 - base.p99) / CALLS_PER_REQUEST, (100 * (s.p50 - base.p50)) / base.p50, ORCHESTRATED.includes(m) ? perRequest : ''];
    });
  } finally {
    for (const chain of chains.values()) for (const child of chain.children) child.kill('SIGTERM');
    await server.close();
  }
}

export function machine(): string {
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`${machine()}\n`);
  console.log('Instrumentation overhead: one request through a → b → c (2 instrumented calls), loopback, round-robin over modes');
  console.log(table(OVERHEAD_HEADERS, await instrumentationOverhead(Number(process.env.BENCH_REQUESTS) || undefined)));
}

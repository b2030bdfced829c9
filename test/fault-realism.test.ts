/**
 * Fault realism: for each client (global fetch, http.request, axios, got, node-fetch), an INJECTED fault
 * is indistinguishable from the REAL failure a real peer produces on loopback.
 *
 * - The REAL failure is observed by a plain child process (no instrumentation at all) calling a real peer:
 *   a closed port (refused), a server that resets the connection once the request arrives (reset), a
 *   server that never answers (timeout, client timeout 150 ms), a server answering 503 text/html with an
 *   empty body (503).
 * - The INJECTED fault is observed by a child process with the instrumentation preloaded
 *   (`--import dist/instrumentation/register.js`), calling a healthy server, while the real orchestrator
 *   (Session + startServer, in this process) plans the fault on the call's execution index. The EI is
 *   learnt from a fault-free execution of the same request first.
 *
 * Each child is a tiny HTTP service (test/fixtures/realism/client.ts) whose handler makes the call (so it
 * runs inside an inbound request context) and answers with a JSON description of what the caller saw:
 * error prototype chain, name, message, code, errno, syscall, address, port, own keys, the cause chain,
 * instanceof against the client's own error classes, status/statusText, content-type, content-length,
 * body, the order of http.request's events, and whether anything was thrown synchronously. Descriptions are
 * compared with deepStrictEqual after replacing port numbers with PORT. No timing is asserted.
 *
 * Also checked: with the instrumentation loaded but no fault planned, the real failure looks exactly as
 * it does without the instrumentation (pass-through transparency).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Session } from '../orchestrator/session.js';
import { startServer, type OrchestratorServer } from '../orchestrator/server.js';
import type { Failure } from '../orchestrator/model.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('./fixtures/realism/client.js', import.meta.url));
const REGISTER = new URL('../instrumentation/register.js', import.meta.url).href;

type Client = 'fetch' | 'http' | 'axios' | 'axios-native' | 'got' | 'node-fetch' | 'undici';
type Scenario = 'refused' | 'reset' | 'timeout' | '503';

/** axios-native: axios with `maxRedirects: 0` (no follow-redirects in between; see the client script). */
const CLIENTS: Client[] = ['fetch', 'http', 'axios', 'axios-native', 'got', 'node-fetch', 'undici'];
const SCENARIOS: Scenario[] = ['refused', 'reset', 'timeout', '503'];

/** Combinations that cannot be compared, and why. */
const SKIPPED: Partial<Record<`${Client}/${Scenario}`, string>> = {
  // node-fetch v3 has no timeout option; its only timeout is an AbortSignal the user aborts, which the
  // instrumentation cannot see (timeouts.ts): a node.Timeout fault is not applicable to it.
  'node-fetch/timeout': 'node-fetch v3 has no timeout option (no visible timeout, fault not applicable)',
};

function fault(scenario: Scenario, ei: string): Failure {
  switch (scenario) {
    case 'refused':
      return { execution_index: ei, forced_exception: { name: 'node.ECONNREFUSED', metadata: {} }, args: [] };
    case 'reset':
      return { execution_index: ei, forced_exception: { name: 'node.ECONNRESET', metadata: {} }, args: [] };
    case 'timeout':
      return { execution_index: ei, forced_exception: { name: 'node.Timeout', metadata: {} }, args: [] };
    case '503':
      return { execution_index: ei, failure_metadata: { return_value: { status_code: '503' } }, args: [] };
  }
}

/** Replaces every port number with PORT (in host:port text, in URLs and in `port` fields). */
function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return value.replace(/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:PORT');
  if (typeof value === 'number' && key === 'port') return 'PORT';
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, k);
    return out;
  }
  return value;
}

interface Child {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
}

async function startChild(instrumented: boolean, orchestratorUrl: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FILIBUSTER_') && k !== 'NODE_OPTIONS') env[k] = v;
  if (instrumented) {
    env.FILIBUSTER_URL = orchestratorUrl;
    env.FILIBUSTER_SERVICE_NAME = 'client';
  }
  const args = instrumented ? ['--import', REGISTER, CLIENT_SCRIPT] : [CLIENT_SCRIPT];
  const proc = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        proc.stdout!.off('data', onData);
        resolve((JSON.parse(out.slice(0, nl)) as { port: number }).port);
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`client exited (${code}) before listening: ${err}`)));
  });
  return { proc, port, stderr: () => err };
}

async function stopChild(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null) return;
  const exited = once(child.proc, 'exit');
  child.proc.stdin!.end();
  const timer = setTimeout(() => child.proc.kill(), 2000);
  await exited;
  clearTimeout(timer);
}

/** Asks a child to make one call and describe what it observed. */
async function observe(child: Child, client: Client, scenario: Scenario, url: string, executionId?: string): Promise<unknown> {
  const q = new URLSearchParams({ client, scenario, url });
  const res = await fetch(`http://127.0.0.1:${child.port}/?${q}`, {
    headers: executionId ? { 'x-filibuster-execution': executionId } : {},
  }).catch((err: Error) => {
    throw new Error(`cannot reach the client script (exit code ${child.proc.exitCode}): ${err.message}\n${child.stderr()}`, { cause: err });
  });
  const text = await res.text();
  assert.equal(res.status, 200, `the client script failed: ${text}\n${child.stderr()}`);
  return JSON.parse(text);
}

function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server | net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('fault realism: injected faults look like real ones', { timeout: 60_000 }, () => {
  let session: Session;
  let orchestrator: OrchestratorServer;
  let plain: Child;
  let instrumented: Child;
  const servers: (http.Server | net.Server)[] = [];
  const openSockets = new Set<net.Socket>();
  const realUrl = {} as Record<Scenario, string>;
  let healthyUrl = '';
  let executions = 0;

  before(async () => {
    session = new Session();
    orchestrator = await startServer(session, 0);

    const healthy = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    healthyUrl = `http://127.0.0.1:${await listen(healthy)}/`;

    // Refused: a port that was just bound and released.
    const closed = net.createServer();
    const closedPort = await listen(closed);
    await close(closed);
    realUrl.refused = `http://127.0.0.1:${closedPort}/`;

    // Reset: the peer resets the connection once the request has arrived.
    const reset = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.resetAndDestroy());
    });
    realUrl.reset = `http://127.0.0.1:${await listen(reset)}/`;

    // Timeout: the peer never answers.
    const slow = http.createServer((req) => {
      openSockets.add(req.socket);
    });
    realUrl.timeout = `http://127.0.0.1:${await listen(slow)}/`;

    // 503: text/html, empty body.
    const unavailable = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html', 'content-length': '0' });
      res.end();
    });
    realUrl['503'] = `http://127.0.0.1:${await listen(unavailable)}/`;

    servers.push(healthy, reset, slow, unavailable);
    [plain, instrumented] = await Promise.all([startChild(false, orchestrator.url), startChild(true, orchestrator.url)]);
  });

  after(async () => {
    await Promise.all([stopChild(plain), stopChild(instrumented)]);
    for (const s of openSockets) s.destroy();
    await Promise.all(servers.map(close));
    await orchestrator?.close();
  });

  /** Runs one request as an execution of the real orchestrator; returns the description and the calls. */
  async function runExecution(client: Client, scenario: Scenario, url: string, failures: Failure[]) {
    const number = ++executions;
    const id = `realism-${number}`;
    const execution = session.begin(number, id, failures);
    const description = await observe(instrumented, client, scenario, url, id);
    const quiet = await execution.quiescent(2000);
    const calls = execution.finish();
    session.end(execution, calls);
    return { description, calls, quiet, execution };
  }

  test('an instrumented http.request that gets a response does not crash the process', async () => {
      const bare = await startChild(true, orchestrator.url);
      try {
        const run = session.begin(++executions, `realism-${executions}`, []);
        const description = await observe(bare, 'http', '503', healthyUrl, run.id);
        await run.quiescent(2000);
        session.end(run, run.finish());
        assert.equal((description as { status?: number }).status, 200);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(bare.proc.exitCode, null, `the instrumented process died:\n${bare.stderr()}`);
        assert.doesNotMatch(bare.stderr(), /ERR_CRYPTO_HASH_FINALIZED/);
      } finally {
        await stopChild(bare);
      }
  });

  for (const client of CLIENTS) {
    describe(client, () => {
      for (const scenario of SCENARIOS) {
        const key = `${client}/${scenario}` as const;
        const skip = SKIPPED[key];
        test(`${scenario}: injected == real`, { skip }, async () => {
          const real = await observe(plain, client, scenario, realUrl[scenario]);

          // Learn the call's EI from a fault-free execution of the same request to the healthy server.
          const first = await runExecution(client, scenario, healthyUrl, []);
          assert.ok(first.quiet, 'the fault-free call did not complete');
          assert.equal(first.calls.length, 1, `expected exactly one call, got ${first.calls.length}`);
          assert.equal((first.description as { outcome?: string }).outcome, 'response', 'the fault-free call failed');
          const ei = first.calls[0].ei;
          if (scenario === 'timeout') {
            // The fault is only applicable when the call's timeout is visible to the instrumentation.
            assert.equal(first.calls[0].metadata.timeout, 0.15, 'the client timeout is not visible to the instrumentation');
          }

          const injected = await runExecution(client, scenario, healthyUrl, [fault(scenario, ei)]);
          assert.ok(injected.quiet, 'the injected call did not complete');
          assert.equal(injected.calls.length, 1);
          assert.deepEqual(injected.execution.unhitFailures(), [], 'the planned fault was not hit');
          assert.deepEqual(injected.execution.problems, [], 'the orchestrator recorded problems');
          assert.ok(injected.calls[0].failure, 'the call was not faulted');

          for (const d of [real, injected.description]) assert.ok(!('threwSync' in (d as object)), `thrown synchronously: ${JSON.stringify(d)}`);
          assert.deepStrictEqual(normalise(injected.description), normalise(real));
        });

        test(`${scenario}: pass-through (instrumented, no fault) == uninstrumented`, { skip }, async () => {
          const real = await observe(plain, client, scenario, realUrl[scenario]);
          const passed = await runExecution(client, scenario, realUrl[scenario], []);
          assert.ok(passed.quiet, 'the call did not complete');
          assert.equal(passed.calls.length, 1);
          assert.deepStrictEqual(normalise(passed.description), normalise(real));
        });
      }
    });
  }
});

/**
 * DESIGN §6, "fail open, never fail silent":
 *  (a) without FILIBUSTER_URL the preload does nothing: no X-Filibuster-* header reaches a callee and no
 *      connection is attempted to an orchestrator (not even on the original's default port 5005);
 *  (b) with an orchestrator that accepts connections and never answers, calls go ahead unfaulted against
 *      the real callee, the process warns exactly once (FILIBUSTER_ORCHESTRATOR_UNREACHABLE), and the
 *      breaker stops asking after the first decision timeout;
 *  (c) under NODE_ENV=production the preload refuses to inject (warning), adds no header and never
 *      contacts the orchestrator.
 * The fixture (test/fixtures/fail-open/app.ts) is a plain node:http service preloaded with
 * `node --import dist/instrumentation/register.js`; each of its calls is made while it serves an inbound
 * request from this test, so it runs in a request context.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('../instrumentation/register.js', import.meta.url));
const APP = fileURLToPath(new URL('./fixtures/fail-open/app.js', import.meta.url));

interface Callee {
  url: string;
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startCallee(): Promise<Callee> {
  const requests: Callee['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections, counts them and the HTTP requests written on them, never answers. */
interface BlackHole {
  port: number;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

function startBlackHole(port = 0): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  const hole: BlackHole = { port: 0, connections: 0, requests: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    hole.connections++;
    sockets.add(socket);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const lines = text.split('\r\n');
      text = lines.pop() ?? '';
      for (const line of lines) if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) hole.requests++;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      hole.port = (server.address() as AddressInfo).port;
      hole.close = () => {
        for (const s of sockets) s.destroy();
        return new Promise((r) => server.close(() => r()));
      };
      resolve(hole);
    });
  });
}

interface App {
  port: number;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function startApp(extraEnv: Record<string, string>): Promise<App> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FILIBUSTER_') || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT' || k === 'NODE_ENV') delete env[k];
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, ['--import', REGISTER, APP], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const m = /LISTENING (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before listening; stderr:\n${stderr}`)));
  });
  return {
    port,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function trigger(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/trigger', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function filibusterHeaders(callee: Callee): string[] {
  return callee.requests.flatMap((r) => Object.keys(r.headers).filter((h) => h.toLowerCase().startsWith('x-filibuster-')).map((h) => `${r.path}: ${h}`));
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

test('(a) without FILIBUSTER_URL: no header reaches the callee, no connection to an orchestrator', async (t) => {
  const callee = await startCallee();
  // The original's default orchestrator port: watch it if it is free.
  let watch: BlackHole | undefined;
  try {
    watch = await startBlackHole(5005);
  } catch (err) {
    t.diagnostic(`127.0.0.1:5005 is in use (${(err as NodeJS.ErrnoException).code}); the connection check is skipped`);
  }
  const app = await startApp({ CALLEE_URL: callee.url });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await trigger(app.port);
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { fetch: 200, http: 200 });
    }
    assert.equal(callee.requests.length, 6);
    assert.deepEqual(filibusterHeaders(callee), [], 'no X-Filibuster-* header may reach the callee');
    if (watch) {
      assert.equal(watch.connections, 0, 'no connection may be attempted to 127.0.0.1:5005');
    }
    assert.doesNotMatch(app.stderr(), /FILIBUSTER_/, 'nothing to warn about when not configured');
  } finally {
    await app.stop();
    await watch?.close();
    await callee.close();
  }
});

test('(b) black-holed orchestrator: calls go ahead, one warning, the breaker stops asking', async (t) => {
  const callee = await startCallee();
  const hole = await startBlackHole();
  const app = await startApp({
    CALLEE_URL: callee.url,
    FILIBUSTER_URL: `http://127.0.0.1:${hole.port}`,
    FILIBUSTER_SERVICE_NAME: 'app',
    FILIBUSTER_DECISION_TIMEOUT_MS: '300',
  });
  try {
    for (let i = 0; i < 20; i++) {
      const r = await trigger(app.port);
      assert.equal(r.status, 200, `trigger ${i + 1}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body), { fetch: 200, http: 200 }, `trigger ${i + 1}`);
    }
    // Fail open: every call reached the real callee.
    assert.equal(callee.requests.filter((r) => r.path === '/via-fetch').length, 20);
    assert.equal(callee.requests.filter((r) => r.path === '/via-http').length, 20);
    // Never fail silent: exactly one warning, naming the problem.
    const stderr = app.stderr();
    assert.equal(count(stderr, 'FILIBUSTER_ORCHESTRATOR_UNREACHABLE'), 1, `stderr:\n${stderr}`);
    const line = stderr.split('\n').find((l) => l.includes('FILIBUSTER_ORCHESTRATOR_UNREACHABLE'))!;
    assert.match(line, /orchestrator .* unreachable/);
    // The breaker: after the first decision timed out, the orchestrator is not asked again (cooldown 5 s).
    t.diagnostic(`black hole: ${hole.connections} connection(s), ${hole.requests} request(s) for 40 calls`);
    assert.ok(hole.requests >= 1, 'the first call asks the orchestrator');
    assert.ok(hole.requests <= 2 && hole.connections <= 2, `far fewer than 20 requests expected, got ${hole.requests} on ${hole.connections} connection(s)`);
  } finally {
    await app.stop();
    await hole.close();
    await callee.close();
  }
});

test('(c) NODE_ENV=production: injection refused with a warning, no header, no orchestrator traffic', async () => {
  const callee = await startCallee();
  const hole = await startBlackHole();
  const app = await startApp({
    CALLEE_URL: callee.url,
    FILIBUSTER_URL: `http://127.0.0.1:${hole.port}`,
    FILIBUSTER_SERVICE_NAME: 'app',
    NODE_ENV: 'production',
  });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await trigger(app.port);
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { fetch: 200, http: 200 });
    }
    assert.equal(callee.requests.length, 6);
    assert.deepEqual(filibusterHeaders(callee), [], 'no X-Filibuster-* header may reach the callee');
    const stderr = app.stderr();
    assert.equal(count(stderr, 'FILIBUSTER_REFUSED_IN_PRODUCTION'), 1, `stderr:\n${stderr}`);
    assert.match(stderr, /production.*refused/);
    assert.equal(hole.connections, 0, 'the orchestrator is never contacted');
  } finally {
    await app.stop();
    await hole.close();
    await callee.close();
  }
});

/**
 * Inbound requests on any http.Server (express, fastify, koa, plain node:http) are instrumented: the
 * service reads the X-Filibuster-* headers, enters the request context, reports request_received under its
 * name and answers with `x-filibuster-served-by: <name>`. So (a) error faults (500/502/503, which need the
 * callee to be known) are generated for calls INTO a service written with that framework, and (b) calls
 * made BY a handler of that framework are children of the inbound call (their execution index extends the
 * inbound one) and get faults of their own.
 *
 * Per framework F: a (express chain fixture, propagates m's failure) → m (written with F, answers 503 when
 * its call to z fails) → z (express chain fixture, no calls). Fixtures: test/fixtures/frameworks/.
 *
 * Derivation of the count (default catalogue, dynamic reduction off). Each call can get 5 faults:
 * connection refused, timeout (visible: AbortSignal.timeout(10 s)), 500, 502, 503.
 *   1  fault-free execution (a → m, m → z)
 * + 5  faults on a → m: m never runs its handler (the fault is injected in a), so m → z does not happen
 *      and nothing combines with them
 * + 5  faults on m → z: m answers 503, a answers 503, the test accepts it
 * = 11.
 * What each kind of breakage of m's inbound instrumentation would give instead:
 *   - nothing instrumented inbound (no request_received, no served-by, no context): a → m has no known
 *     target ⇒ only connection refused and timeout on it, and m → z is a background call, never faulted:
 *     1 + 2 = 3;
 *   - request_received/served-by work but the context does not reach the handler: m → z untracked:
 *     1 + 5 = 6;
 *   - the context reaches the handler but m is never named (no request_received, no served-by):
 *     1 + 2 + 5 = 8.
 * (3 and 6 were checked once by hand: m started with `instrument: false`; m's call made from a worker loop
 * started at start-up, outside the request's context, which also shows up in background_calls.)
 * The tree shape (m → z a child of a → m, not a root call) is checked separately on the recorded
 * execution indices, and directly against a stub orchestrator below.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVICE, TEST_MODULE } from './chain-fixtures.js';
import { DIST, faultSets, run, tempDir, writeJson } from './helpers.js';
import { freePort } from '../orchestrator/runner/ports.js';

const TEST = { kind: 'module' as const, value: TEST_MODULE };
const FIXTURES = join(DIST, 'test/fixtures/frameworks');
const REGISTER = join(DIST, 'instrumentation/register.js');

interface Framework {
  name: string;
  /** Command and environment that start m, whose /work calls `leafUrl` once. */
  command: string;
  env: (leafUrl: string) => Record<string, string>;
}

const node = `"${process.execPath}"`;
const fixture = (file: string): Framework['command'] => `${node} "${join(FIXTURES, file)}"`;
const leafEnv = (leafUrl: string) => ({ LEAF_URL: leafUrl });

const FRAMEWORKS: Framework[] = [
  {
    name: 'express',
    command: `${node} "${SERVICE}"`,
    env: (leafUrl) => ({ PLAN: JSON.stringify({ calls: [{ url: leafUrl, onFailure: 'propagate' }] }) }),
  },
  { name: 'fastify', command: fixture('fastify.js'), env: leafEnv },
  { name: 'koa', command: fixture('koa.js'), env: leafEnv },
  { name: 'plain node:http', command: fixture('plain-http.js'), env: leafEnv },
];

/** a → m (framework) → z; callees listed first so their URLs are known when callers start. */
function servicesConfig(f: Framework): string {
  return writeJson(tempDir('filibuster-frameworks-'), 'services.json', {
    services: {
      z: { command: `${node} "${SERVICE}"`, env: { PLAN: JSON.stringify({ calls: [] }) } },
      m: { command: f.command, env: f.env('${z.url}/work') },
      a: { command: `${node} "${SERVICE}"`, env: { PLAN: JSON.stringify({ calls: [{ url: '${m.url}/work', onFailure: 'propagate' }] }) } },
    },
  });
}

const eiFrames = (text: string): unknown[] => JSON.parse(text) as unknown[];

for (const f of FRAMEWORKS) {
  test(`exploration through a middle service written with ${f.name}: 11 executions, faults into and out of it`, async () => {
    const outcome = await run({ test: TEST, servicesConfig: servicesConfig(f), dynamicReduction: false });
    const sets = faultSets(outcome);
    const detail = `fault sets:\n${sets.join('\n')}\nbackground calls: ${JSON.stringify(outcome.results.background_calls)}`;

    assert.equal(outcome.failing.length, 0, detail);
    assert.equal(outcome.results.counts.inconclusive, 0, detail);
    assert.equal(outcome.results.counts.pruned, 0, detail);
    assert.deepEqual(outcome.results.background_calls, [], detail);

    // (a) m reported itself as "m": status faults exist for the call into it.
    for (const status of ['500', '502', '503']) {
      assert.ok(sets.includes(`ran:${status} on a → m (GET /work)`), `${status} on a → m missing; ${detail}`);
    }
    // (b) the call made by m's handler is tracked and faulted, once per fault type, alone.
    const onMz = outcome.results.executions.filter((e) => e.faults.some((x) => x.description.includes(' on m → z ')));
    assert.equal(onMz.length, 5, detail);
    assert.ok(sets.includes('ran:503 on m → z (GET /work)'), detail);

    // m → z is a child of a → m: its execution index is a → m's plus one frame.
    const amEi = outcome.results.executions.flatMap((e) => e.faults).find((x) => x.description.includes(' on a → m '))!.execution_index;
    for (const e of onMz) {
      const mzEi = e.faults[0].execution_index;
      assert.deepEqual(eiFrames(mzEi).slice(0, -1), eiFrames(amEi), `m → z ${mzEi} does not extend a → m ${amEi}`);
    }

    assert.equal(outcome.results.counts.ran, 11, detail);
  });
}

// ---- Direct check: m alone, against a stub orchestrator and a stub leaf. ----

interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** Records every message; answers creates with "no fault", updates with {}. */
async function stubOrchestrator(): Promise<{ url: string; messages: Recorded[]; close: () => Promise<void> }> {
  const messages: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        /* keep {} */
      }
      messages.push({ method: req.method ?? '', path: req.url ?? '', body });
      const answer = req.url === '/filibuster/create' ? { generated_id: body.generated_id, execution_index: body.execution_index } : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  return listening(server, messages);
}

/** A leaf that answers 200 and records the headers it received. */
async function stubLeaf(): Promise<{ url: string; messages: Recorded[]; close: () => Promise<void> }> {
  const messages: Recorded[] = [];
  const server = http.createServer((req, res) => {
    messages.push({ method: req.method ?? '', path: req.url ?? '', body: { ...req.headers } });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  return listening(server, messages);
}

async function listening(server: http.Server, messages: Recorded[]) {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}


function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`m exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await get(`${url}/health-check`)).status === 200) return;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) throw new Error(`m did not become healthy:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

for (const f of FRAMEWORKS) {
  test(`${f.name}: an inbound request with Filibuster headers is reported, answered with x-filibuster-served-by: m, and its outbound call is its child`, async () => {
    const orchestrator = await stubOrchestrator();
    const leaf = await stubLeaf();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn('/bin/sh', ['-c', f.command], {
      env: {
        ...process.env,
        ...f.env(`${leaf.url}/leaf`),
        PORT: String(port),
        HOST: '127.0.0.1',
        FILIBUSTER_URL: orchestrator.url,
        FILIBUSTER_SERVICE_NAME: 'm',
        NODE_OPTIONS: `--import "${REGISTER}"`,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    try {
      await waitHealthy(url, child, () => output);

      // Without Filibuster headers: a root request, nothing reported, no served-by header.
      const plain = await get(`${url}/health-check`);
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['x-filibuster-served-by'], undefined);

      const inboundEi = '[["inbound-call", 1]]';
      const response = await get(`${url}/work`, {
        'x-filibuster-execution': 'exec-7',
        'x-filibuster-execution-index': inboundEi,
        'x-filibuster-generated-id': '4242',
        'x-filibuster-vclock': '{"a": 1}',
        'x-filibuster-origin-vclock': '{"a": 1}',
        'x-filibuster-request-id': 'req-1',
      });
      assert.equal(response.status, 200, `${response.body}\n${output}`);
      assert.equal(response.headers['x-filibuster-served-by'], 'm');

      const received = () => orchestrator.messages.filter((m) => m.body.instrumentation_type === 'request_received');
      const creates = () => orchestrator.messages.filter((m) => m.path === '/filibuster/create');
      await until(() => received().length > 0 && creates().length > 0);
      assert.deepEqual(
        received().map((m) => m.body),
        [{ instrumentation_type: 'request_received', generated_id: '4242', execution_index: inboundEi, target_service_name: 'm', execution_id: 'exec-7' }],
      );
      // The handler's call to the leaf: tracked, in the inbound request's context.
      assert.equal(creates().length, 1, JSON.stringify(orchestrator.messages));
      const create = creates()[0].body;
      assert.equal(create.source_service_name, 'm');
      assert.equal(create.execution_id, 'exec-7');
      assert.equal(create.parent_generated_id, 4242);
      assert.deepEqual(create.origin_vclock, { a: 1 });
      const ei = eiFrames(String(create.execution_index));
      assert.equal(ei.length, 2);
      assert.deepEqual(ei[0], ['inbound-call', 1]);
      // And the leaf got the headers that make it a grandchild.
      assert.equal(leaf.messages.length, 1);
      assert.equal(leaf.messages[0].body['x-filibuster-execution-index'], create.execution_index);
      assert.equal(leaf.messages[0].body['x-filibuster-execution'], 'exec-7');
      assert.equal(orchestrator.messages.filter((m) => m.path.startsWith('/filibuster/background')).length, 0);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await exited;
      }
      await orchestrator.close();
      await leaf.close();
    }
  });
}

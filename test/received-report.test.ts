/**
 * A callee's request_received (instrumentation/received-report.ts) against a stub orchestrator that speaks
 * the current protocol (it applies reports riding on decisions): a service that answers in the turn the
 * request arrived withdraws it when the caller is ours (the caller reports the served-by name instead),
 * and sends it to any other caller (the Python instrumentation sends no x-filibuster-caller-names-callee).
 * A service that calls on before answering sends it on that call's decision, not in a request of its own.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVICE } from './chain-fixtures.js';
import { DIST } from './helpers.js';
import { freePort } from '../orchestrator/runner/ports.js';

const REGISTER = join(DIST, 'instrumentation/register.js');

interface Recorded {
  /** The request that carried it: a decision (create), a report alone, or a batch. */
  via: string;
  body: Record<string, unknown>;
}

/** Records every message, unpacking batches and the reports riding on decisions. */
async function orchestrator() {
  const messages: Recorded[] = [];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const via = req.url ?? '';
      requests.push(via);
      const inner = (via === '/filibuster/batch' ? body.messages : via === '/filibuster/create' ? body.reports : undefined) as { body: Record<string, unknown> }[] | undefined;
      for (const m of inner ?? []) messages.push({ via, body: m.body });
      if (via !== '/filibuster/batch') messages.push({ via, body });
      const answer = via === '/filibuster/create' ? { generated_id: body.generated_id, execution_index: body.execution_index, reports_applied: inner?.length ?? 0 } : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, messages, requests, close };
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

async function start(name: string, orchestratorUrl: string, plan: unknown): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', REGISTER, SERVICE], {
    env: { ...process.env, PORT: String(port), FILIBUSTER_URL: orchestratorUrl, FILIBUSTER_SERVICE_NAME: name, PLAN: JSON.stringify(plan) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await get(`${url}/health-check`, {})).status === 200) break;
    } catch {
      if (i > 300 || child.exitCode !== null) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stop = () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill())));
  return { url, child, stop };
}

function inbound(generatedId: number, ours: boolean): Record<string, string> {
  return {
    'x-filibuster-execution': 'exec-1',
    'x-filibuster-execution-index': `[["call-${generatedId}", 1]]`,
    'x-filibuster-generated-id': String(generatedId),
    'x-filibuster-vclock': '{"a": 1}',
    'x-filibuster-origin-vclock': '{"a": 1}',
    'x-filibuster-request-id': `req-${generatedId}`,
    ...(ours ? { 'x-filibuster-caller-names-callee': '1' } : {}),
  };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

test('a service answering at once withdraws request_received for our callers, and sends it to others', async () => {
  const orch = await orchestrator();
  const leaf = await start('z', orch.url, { calls: [] });
  try {
    const ours = await get(`${leaf.url}/work`, inbound(3_000_001, true));
    assert.equal(ours.headers['x-filibuster-served-by'], 'z', 'the head names the service');
    const foreign = await get(`${leaf.url}/work`, inbound(3_000_002, false));
    assert.equal(foreign.headers['x-filibuster-served-by'], 'z');
    const received = () => orch.messages.filter((m) => m.body.instrumentation_type === 'request_received');
    // Reports of one process keep their order: once the second is in, the first would be too.
    await until(() => received().length > 0);
    assert.deepEqual(received().map((m) => m.body.generated_id), ['3000002']);
  } finally {
    await leaf.stop();
    await orch.close();
  }
});

test('a service that calls on before answering sends request_received on that call\'s decision', async () => {
  const orch = await orchestrator();
  const leaf = await start('z', orch.url, { calls: [] });
  const middle = await start('m', orch.url, { calls: [{ url: `${leaf.url}/work`, onFailure: 'propagate' }] });
  try {
    const answer = await get(`${middle.url}/work`, inbound(3_000_003, true));
    assert.equal(answer.status, 200);
    const received = () => orch.messages.filter((m) => m.body.instrumentation_type === 'request_received');
    const completed = () => orch.messages.filter((m) => m.body.instrumentation_type === 'invocation_complete');
    await until(() => completed().length > 0);
    assert.deepEqual(received().map((m) => [m.body.generated_id, m.via]), [['3000003', '/filibuster/create']], 'm\'s arrival rode on its call to z; z withdrew its own');
    // m's call to z: z withdrew its request_received, and m reports z's name with the outcome.
    assert.equal(completed().length, 1);
    assert.equal(completed()[0].body.target_service_name, 'z');
    assert.ok(typeof completed()[0].body.ended_at === 'number', 'the outcome carries its own time');
    const create = orch.messages.find((m) => m.body.instrumentation_type === 'invocation')!;
    assert.ok(typeof create.body.started_at === 'number' && (create.body.started_at as number) <= (completed()[0].body.ended_at as number));
    assert.equal(orch.requests.filter((r) => r !== '/filibuster/create').length, 1, `one report request for the whole exchange: ${orch.requests.join(', ')}`);
  } finally {
    await middle.stop();
    await leaf.stop();
    await orch.close();
  }
});

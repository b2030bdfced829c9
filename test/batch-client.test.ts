/**
 * The instrumentation's client against a real orchestrator server on loopback (counting what reaches it):
 * reports made in one turn go together, in batches, in the order they were made; a decision made before
 * the turn ends takes them along; decisions use other connections than reports; `flush()` waits until the
 * queue is drained; against an orchestrator that has no batch endpoint (404), or ignores reports on
 * decisions, it resends those reports one by one and stops batching.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { OrchestratorClient } from '../instrumentation/orchestrator-client.js';
import type { CreateMessage, PropertyMessage } from '../instrumentation/protocol.js';
import { createHandler } from '../orchestrator/server/server.js';
import { Session } from '../orchestrator/server/session.js';
import { ORCHESTRATOR_ID_LIMIT } from '../orchestrator/server/validate.js';

interface Seen {
  path: string;
  port: number;
}

/** A real orchestrator server; `withoutBatch` plays an older one, which answers 404 to the batch path. */
async function orchestrator(session: Session, withoutBatch = false) {
  const handler = createHandler(session);
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', port: req.socket.remotePort ?? 0 });
    if (withoutBatch && req.url === '/filibuster/batch') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'no such endpoint' }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const count = (path: string) => seen.filter((s) => s.path === path).length;
  const close = () => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
  return { url, seen, count, close };
}

const property = (n: number): PropertyMessage => ({ kind: 'sometimes', name: `p-${String(n).padStart(3, '0')}`, holds: true, service: 'svc', execution_id: 'e-1' });

function createMessage(n: number): CreateMessage {
  return {
    instrumentation_type: 'invocation', source_service_name: 'svc', module: 'node.fetch', method: 'GET', args: [`9000/items/${n}`], kwargs: {},
    callsite_file: 'app.ts', callsite_line: '1', full_traceback: 'f', metadata: {}, vclock: { svc: n + 1 }, origin_vclock: {},
    execution_index: `[["${String(n).padStart(32, 'c')}", 1]]`, execution_id: 'e-1', generated_id: ORCHESTRATOR_ID_LIMIT + 100 + n, sibling_sequence: n, root_sequence: 0,
  };
}

test('under load reports go in batches, in order, and flush() waits until they are all applied', async () => {
  const session = new Session();
  const server = await orchestrator(session);
  const execution = session.begin(1, 'e-1', []);
  const client = new OrchestratorClient(server.url, 5000, 5000);
  try {
    // A burst in one turn: held to the turn's end, then one batch.
    for (let n = 0; n < 300; n++) client.send('/filibuster/property', property(n));
    await client.flush();
    assert.deepEqual(execution.properties.map((p) => p.name), Array.from({ length: 300 }, (_, n) => property(n).name));
    assert.equal(server.count('/filibuster/property'), 0, 'no report went alone');
    assert.equal(server.count('/filibuster/batch'), 1);
    assert.equal(client.reports.stats.messages, 300);
    assert.equal(client.reports.stats.requests, 1);

    // Calls in parallel: each awaits its decision, then reports its completion while others are in flight.
    const before = server.seen.length;
    await Promise.all(
      Array.from({ length: 40 }, async (_, n) => {
        const decision = await client.decide(createMessage(n));
        assert.equal(decision?.generated_id, ORCHESTRATOR_ID_LIMIT + 100 + n);
        client.send('/filibuster/update', {
          instrumentation_type: 'invocation_complete', generated_id: ORCHESTRATOR_ID_LIMIT + 100 + n, execution_index: createMessage(n).execution_index,
          execution_id: 'e-1', return_value: { __class__: 'Response', status_code: '200' },
        });
      }),
    );
    await client.flush();
    assert.equal(execution.pending, 0, 'every completion was applied before flush() resolved');
    assert.equal(execution.finish().filter((c) => c.returnValue?.status_code === '200').length, 40);
    const reportRequests = server.seen.slice(before).filter((s) => s.path !== '/filibuster/create').length;
    assert.ok(reportRequests < 40, `${reportRequests} report requests for 40 completions`);

    // Decisions never share a connection with reports (they would wait behind a batch).
    const ports = (pred: (s: Seen) => boolean) => new Set(server.seen.filter(pred).map((s) => s.port));
    const decisionPorts = ports((s) => s.path === '/filibuster/create');
    const reportPorts = ports((s) => s.path !== '/filibuster/create');
    assert.equal(reportPorts.size, 1, 'reports keep to one connection (their order)');
    assert.deepEqual([...decisionPorts].filter((p) => reportPorts.has(p)), []);
  } finally {
    await server.close();
  }
});

test('reports ride on a decision made in the same turn, are applied before it, and keep their order', async () => {
  const session = new Session();
  const server = await orchestrator(session);
  const execution = session.begin(1, 'e-1', []);
  const client = new OrchestratorClient(server.url, 5000, 5000);
  try {
    client.send('/filibuster/property', property(0));
    client.send('/filibuster/property', property(1));
    const decision = await client.decide(createMessage(0));
    assert.equal(decision?.generated_id, ORCHESTRATOR_ID_LIMIT + 100);
    assert.equal(decision?.reports_applied, 2);
    assert.deepEqual(server.seen.map((s) => s.path), ['/filibuster/create'], 'one request for the decision and both reports');
    assert.deepEqual(execution.properties.map((p) => p.name), [property(0).name, property(1).name]);
    assert.equal(client.reports.stats.rode, 2);

    // Made while a decision that carried none is in flight: they go together at the turn's end.
    const second = client.decide(createMessage(1));
    client.send('/filibuster/property', property(2));
    client.send('/filibuster/property', property(3));
    await second;
    await client.flush();
    assert.deepEqual(execution.properties.map((p) => p.name), [0, 1, 2, 3].map((n) => property(n).name));
    assert.deepEqual(server.seen.map((s) => s.path).sort(), ['/filibuster/batch', '/filibuster/create', '/filibuster/create']);

    // A report withdrawn while held never goes; one sent tells when it is on the wire.
    const withdrawn = client.send('/filibuster/property', property(4))!;
    const kept = client.send('/filibuster/property', property(5))!;
    assert.equal(client.reports.withdraw(withdrawn), true);
    let written = false;
    client.reports.whenWritten(kept, () => (written = true));
    await client.flush();
    assert.equal(written, true);
    assert.equal(client.reports.withdraw(kept), false, 'too late: it went');
    assert.deepEqual(execution.properties.map((p) => p.name).slice(4), [property(5).name]);
  } finally {
    await server.close();
  }
});

test('an orchestrator that ignores reports on decisions (no reports_applied): they are resent apart, and never ride again', async () => {
  const bodies: Record<string, unknown>[] = [];
  const properties: string[] = [];
  const plain = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (req.url === '/filibuster/property') properties.push(String(body.name));
      if (req.url === '/filibuster/create') bodies.push(body);
      const answer = req.url === '/filibuster/create' ? { generated_id: body.generated_id, execution_index: body.execution_index } : {};
      res.writeHead(req.url === '/filibuster/batch' ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const client = new OrchestratorClient(`http://127.0.0.1:${(plain.address() as AddressInfo).port}`, 5000, 5000);
  try {
    client.send('/filibuster/property', property(0));
    await client.decide(createMessage(0));
    client.send('/filibuster/property', property(1));
    await client.decide(createMessage(1));
    await client.flush();
    assert.deepEqual(properties, [property(0).name, property(1).name], 'both arrived, in order');
    assert.ok(Array.isArray(bodies[0].reports), 'the first decision carried the report');
    assert.equal(bodies[1].reports, undefined, 'the second did not');
  } finally {
    plain.closeAllConnections();
    await new Promise<void>((r) => plain.close(() => r()));
  }
});

test('an orchestrator without the batch endpoint (404): the reports are resent one by one, in order, and batching stops', async () => {
  const session = new Session();
  const server = await orchestrator(session, true);
  const execution = session.begin(1, 'e-1', []);
  const client = new OrchestratorClient(server.url, 5000, 5000);
  try {
    for (let n = 0; n < 100; n++) client.send('/filibuster/property', property(n));
    await client.flush();
    assert.equal(server.count('/filibuster/batch'), 1, 'one batch was tried');
    assert.equal(client.reports.batchingEnabled, false);
    assert.equal(server.count('/filibuster/property'), 100, 'the 100 of the refused batch, one by one');
    assert.deepEqual(execution.properties.map((p) => p.name), Array.from({ length: 100 }, (_, n) => property(n).name));

    for (let n = 100; n < 150; n++) client.send('/filibuster/property', property(n));
    await client.flush();
    assert.equal(server.count('/filibuster/batch'), 1, 'never again');
    assert.equal(server.count('/filibuster/property'), 150);
    assert.deepEqual(execution.properties.map((p) => p.name), Array.from({ length: 150 }, (_, n) => property(n).name));
  } finally {
    await server.close();
  }
});

test('flush() with nothing sent resolves; a report with no orchestrator listening trips the breaker and flush() still resolves', async () => {
  const client = new OrchestratorClient('http://127.0.0.1:9', 500, 60_000);
  await client.flush();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    client.send('/filibuster/property', property(0));
    client.send('/filibuster/property', property(1));
    await client.flush();
    await new Promise((r) => setImmediate(r));
    assert.equal(client.disabled, true);
    assert.equal(warnings.filter((w) => /unreachable/.test(w)).length, 1);
  } finally {
    process.off('warning', onWarning);
  }
});

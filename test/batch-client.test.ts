/**
 * The instrumentation's client against a real orchestrator server on loopback (counting what reaches it):
 * under load its reports go in batches, fewer requests than messages, in the order they were made;
 * decisions use other connections than reports; `flush()` waits until the queue is drained; and against
 * an orchestrator that has no batch endpoint (404) it resends those reports one by one and stops batching.
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
    // A burst: the first report goes at once, alone; the others arrive while it is in flight.
    for (let n = 0; n < 300; n++) client.send('/filibuster/property', property(n));
    await client.flush();
    assert.deepEqual(execution.properties.map((p) => p.name), Array.from({ length: 300 }, (_, n) => property(n).name));
    assert.equal(server.count('/filibuster/property'), 1, 'the first report was sent alone, as before');
    const batches = server.count('/filibuster/batch');
    assert.ok(batches >= 1 && batches < 300, `${batches} batches for 299 reports`);
    assert.equal(client.reports.stats.messages, 300);
    assert.equal(client.reports.stats.requests, 1 + batches);

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
    assert.equal(server.count('/filibuster/property'), 100, 'the first alone, then the 99 of the refused batch one by one');
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

/**
 * POST /filibuster/batch on the real server: each message is applied exactly as if it had come alone, in
 * array order, with its own result; a malformed batch (envelope) is a 400 that changes nothing, even when
 * it holds messages that would change state; the token check applies to it like to any other endpoint.
 * The same batch gets the same answer through express (an odd content type) as through the hot route.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Execution } from '../orchestrator/server/execution.js';
import { startServer, type OrchestratorServer } from '../orchestrator/server/server.js';
import { Session } from '../orchestrator/server/session.js';
import { ORCHESTRATOR_ID_LIMIT } from '../orchestrator/server/validate.js';

const TOKEN = 'a-token-of-enough-length-for-batches';
const G1 = ORCHESTRATOR_ID_LIMIT + 1;
const G2 = ORCHESTRATOR_ID_LIMIT + 2;
const ei = (n: number) => `[["${String(n).padStart(32, 'b')}", 1]]`;

function create(gid: number): Record<string, unknown> {
  return {
    instrumentation_type: 'invocation', source_service_name: 'users', module: 'node.fetch', method: 'GET', args: [`5001/movies/${gid}`],
    kwargs: {}, metadata: {}, vclock: { users: gid - ORCHESTRATOR_ID_LIMIT }, origin_vclock: {}, execution_index: ei(gid),
    execution_id: 'e-1', generated_id: gid, sibling_sequence: gid - G1, root_sequence: 0,
  };
}
const received = (gid: number, target: string) => ({ instrumentation_type: 'request_received', generated_id: String(gid), execution_index: ei(gid), target_service_name: target, execution_id: 'e-1' });
const complete = (gid: number, extra: Record<string, unknown>) => ({ instrumentation_type: 'invocation_complete', generated_id: gid, execution_index: ei(gid), execution_id: 'e-1', ...extra });
const entry = (id: string, phase: 'start' | 'end') => ({
  execution_id: 'e-1', entry_id: id, phase, service: 'users', method: 'GET', path: '/x', ...(phase === 'end' ? { status: 200, body_md5: 'c'.repeat(32) } : {}),
});

/** Mixed on purpose: valid, malformed, late, duplicate, and order-sensitive (an entry's end before its start). */
const MESSAGES: { path: string; body: unknown }[] = [
  { path: '/filibuster/update', body: received(G1, 'bookings') },
  { path: '/filibuster/update', body: complete(G1, { return_value: { __class__: 'Response', status_code: '503' } }) },
  { path: '/filibuster/update', body: complete(G2, { generated_id: 'abc' }) },
  { path: '/filibuster/entry-response', body: entry('x1', 'end') },
  { path: '/filibuster/entry-response', body: entry('x1', 'start') },
  { path: '/filibuster/property', body: { kind: 'always', name: 'invariant', holds: false, service: 'users', execution_id: 'e-1' } },
  { path: '/filibuster/property', body: { kind: 'sometimes', name: 'fallback', holds: true, service: 'users', execution_id: 'e-1' } },
  { path: '/filibuster/update', body: complete(G2, { exception: { name: 'node.ECONNREFUSED', metadata: {} } }) },
  { path: '/filibuster/update', body: { ...complete(G2, {}), execution_id: 'gone' } },
  { path: '/filibuster/background-call', body: { source_service_name: 'users', module: 'node.fetch', method: 'GET', url: '/timer' } },
  { path: '/filibuster/entry-response', body: entry('x1', 'end') },
  { path: '/filibuster/update', body: complete(G1, { return_value: { __class__: 'Response', status_code: '200' } }) },
  { path: '/filibuster/property', body: { kind: 'often', name: 'bad kind', holds: true, service: 'users' } },
];
const EXPECTED_STATUSES = [200, 200, 400, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400];

interface Bed {
  session: Session;
  server: OrchestratorServer;
  execution: Execution;
}

async function post(bed: Bed, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${bed.server.url}${path}`, { method: path === '/filibuster/create' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** A server with execution e-1 begun and two calls (G1, G2) created through HTTP. */
async function bed(token?: string): Promise<Bed> {
  const session = new Session();
  const server = await startServer(session, 0, '127.0.0.1', token);
  const execution = session.begin(1, 'e-1', []);
  const b = { session, server, execution };
  const auth: Record<string, string> = token ? { 'x-filibuster-token': token } : {};
  for (const gid of [G1, G2]) assert.equal((await post(b, '/filibuster/create', JSON.stringify(create(gid)), auth)).status, 200);
  return b;
}

/** Everything a report can change, as text. */
function state(b: Bed): string {
  return JSON.stringify({
    // When each message arrived is the one thing a batch changes: the calls' times are left out.
    calls: b.execution.finish().map(({ startMs: _start, endMs: _end, ...call }) => call),
    pending: b.execution.pending,
    properties: b.execution.properties,
    entries: b.execution.entryResponses,
    problems: b.execution.problems,
    late: b.session.lateMessages,
    background: b.session.backgroundCalls,
  });
}

test('a batch is applied in array order, each message exactly as if it had come alone, with its own result', async () => {
  const [batched, alone] = [await bed(), await bed()];
  try {
    const singles: { status: number; error?: string }[] = [];
    for (const m of MESSAGES) {
      const res = await post(alone, m.path, JSON.stringify(m.body));
      singles.push(res.status < 400 ? { status: res.status } : { status: res.status, error: res.json.error });
    }
    const res = await post(batched, '/filibuster/batch', JSON.stringify({ messages: MESSAGES }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.results, singles);
    assert.deepEqual(res.json.results.map((r: { status: number }) => r.status), EXPECTED_STATUSES);
    assert.match(res.json.results[2].error, /generated_id/);
    assert.match(res.json.results[12].error, /kind/);
    assert.equal(state(batched), state(alone));

    // What order meant: the first "end" came before its start (ignored), the second closed the entry; the
    // duplicate completion of G1 changed nothing; the message for a finished execution counted as late.
    assert.equal(batched.execution.pending, 0);
    assert.deepEqual(batched.execution.entryResponses.map((e) => e.status), [200]);
    const calls = batched.execution.finish();
    assert.deepEqual(calls.map((c) => [c.target, c.returnValue?.status_code, c.exception?.name]), [['bookings', '503', undefined], [undefined, undefined, 'node.ECONNREFUSED']]);
    assert.deepEqual(batched.execution.properties.map((p) => [p.name, p.held, p.failed]), [['invariant', 0, 1], ['fallback', 1, 0]]);
    assert.equal(batched.session.lateMessages, 1);
    assert.deepEqual(batched.session.backgroundCalls, ['users: GET /timer']);
  } finally {
    await batched.server.close();
    await alone.server.close();
  }
});

test('the order inside a batch is the order of application', async () => {
  const [forward, backward] = [await bed(), await bed()];
  try {
    const pair = [{ path: '/filibuster/entry-response', body: entry('y', 'start') }, { path: '/filibuster/entry-response', body: entry('y', 'end') }];
    assert.equal((await post(forward, '/filibuster/batch', JSON.stringify({ messages: pair }))).status, 200);
    assert.equal((await post(backward, '/filibuster/batch', JSON.stringify({ messages: [...pair].reverse() }))).status, 200);
    // Two created calls are still open in both; the entry is closed only when its start came first.
    assert.equal(forward.execution.pending, 2);
    assert.equal(backward.execution.pending, 3);
  } finally {
    await forward.server.close();
    await backward.server.close();
  }
});

test('a malformed batch is a 400 (or 413) with the reason, and changes nothing', async () => {
  const b = await bed();
  try {
    // Every one of these would change the execution if it were applied.
    const harmful = MESSAGES.slice(0, 2).concat([{ path: '/filibuster/entry-response', body: entry('z', 'start') }]);
    const cases: [string, string, number, RegExp][] = [
      ['not an object', JSON.stringify([{ messages: harmful }]), 400, /JSON object/],
      ['no messages', JSON.stringify({ message: harmful }), 400, /messages must be a list/],
      ['messages not a list', JSON.stringify({ messages: { 0: harmful[0] } }), 400, /messages must be a list/],
      ['empty', JSON.stringify({ messages: [] }), 400, /messages must hold from 1 to 500/],
      ['too many', JSON.stringify({ messages: Array.from({ length: 501 }, (_, i) => harmful[i % 3]) }), 400, /it holds 501/],
      ['a decision in a batch', JSON.stringify({ messages: [...harmful, { path: '/filibuster/create', body: create(G1 + 10) }] }), 400, /messages\[3\]\.path must be one of/],
      ['a batch in a batch', JSON.stringify({ messages: [...harmful, { path: '/filibuster/batch', body: { messages: harmful } }] }), 400, /messages\[3\]\.path/],
      ['a message that is not an object', JSON.stringify({ messages: [harmful[0], 'x', harmful[1]] }), 400, /messages\[1\] must be an object/],
      ['a message without a body', JSON.stringify({ messages: [harmful[0], { path: '/filibuster/update' }] }), 400, /messages\[1\] has no body/],
      ['invalid JSON', JSON.stringify({ messages: harmful }).slice(0, -3), 400, /JSON/],
      ['oversized', JSON.stringify({ messages: [...harmful, { path: '/filibuster/property', body: { kind: 'always', name: 'p'.repeat(1_100_000), holds: true, service: 'u' } }] }), 413, /too large/],
    ];
    const before = state(b);
    for (const [what, body, status, reason] of cases) {
      for (const contentType of ['application/json', 'text/plain']) {
        const res = await post(b, '/filibuster/batch', body, { 'content-type': contentType });
        assert.equal(res.status, status, `${what} (${contentType}): ${JSON.stringify(res.json)}`);
        assert.match(res.json.error, reason, `${what} (${contentType})`);
        assert.equal(state(b), before, `${what} (${contentType}) changed the state`);
      }
    }
    // The same messages, well wrapped, do change it.
    assert.equal((await post(b, '/filibuster/batch', JSON.stringify({ messages: harmful }))).status, 200);
    assert.notEqual(state(b), before);
  } finally {
    await b.server.close();
  }
});

test('through express (another content type) a batch gets the same answer and effect as on the hot route', async () => {
  const [hot, viaExpress] = [await bed(), await bed()];
  try {
    const body = JSON.stringify({ messages: MESSAGES });
    const a = await post(hot, '/filibuster/batch', body);
    const b = await post(viaExpress, '/filibuster/batch', body, { 'content-type': 'text/plain; charset=utf-8' });
    assert.deepEqual([b.status, b.json], [a.status, a.json]);
    assert.equal(state(viaExpress), state(hot));
  } finally {
    await hot.server.close();
    await viaExpress.server.close();
  }
});

test('the token check applies to batches: 401 without it and nothing applied; applied with it', async () => {
  const b = await bed(TOKEN);
  try {
    const body = JSON.stringify({ messages: MESSAGES });
    const before = state(b);
    for (const headers of [{}, { 'x-filibuster-token': `${TOKEN}x` }] as Record<string, string>[]) {
      const res = await post(b, '/filibuster/batch', body, headers);
      assert.equal(res.status, 401);
      assert.match(res.json.error, /requires its token/);
      assert.equal(state(b), before);
    }
    const res = await post(b, '/filibuster/batch', body, { 'x-filibuster-token': TOKEN });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.results.map((r: { status: number }) => r.status), EXPECTED_STATUSES);
    assert.equal(b.execution.pending, 0);
  } finally {
    await b.server.close();
  }
});

test('reports riding on a decision have the effect they have in a batch, are applied before it, and are counted in its answer', async () => {
  const G3 = ORCHESTRATOR_ID_LIMIT + 3;
  const alone = await bed();
  const riding = await bed();
  try {
    const batch = await post(alone, '/filibuster/batch', JSON.stringify({ messages: MESSAGES }));
    assert.equal(batch.status, 200);
    const decision = await post(riding, '/filibuster/create', JSON.stringify({ ...create(G3), reports: MESSAGES }));
    assert.equal(decision.status, 200);
    assert.equal(decision.json.generated_id, G3);
    assert.equal(decision.json.reports_applied, EXPECTED_STATUSES.filter((s) => s < 400).length);
    assert.equal((await post(alone, '/filibuster/create', JSON.stringify(create(G3)))).status, 200);
    assert.equal(state(riding), state(alone));

    // A malformed list applies nothing and still gets its decision; so does a report list on a refused create.
    const bad = await post(riding, '/filibuster/create', JSON.stringify({ ...create(G3 + 1), reports: 'not a list' }));
    assert.deepEqual([bad.status, bad.json.reports_applied], [200, 0]);
    const refused = await post(riding, '/filibuster/create', JSON.stringify({ ...create(G3), reports: [MESSAGES[5]] }));
    assert.deepEqual([refused.status, refused.json.reports_applied], [409, 1], 'the duplicate id is refused, its report applied');
  } finally {
    await alone.server.close();
    await riding.server.close();
  }
});

test('a call\'s times are the caller\'s own (started_at, ended_at), not when its messages arrived', async () => {
  const b = await bed();
  try {
    const G3 = ORCHESTRATOR_ID_LIMIT + 3;
    const startedAt = performance.timeOrigin + performance.now() + 100;
    assert.equal((await post(b, '/filibuster/create', JSON.stringify({ ...create(G3), started_at: startedAt }))).status, 200);
    const ended = complete(G3, { return_value: { __class__: 'Response', status_code: '200' }, ended_at: startedAt + 750 });
    assert.equal((await post(b, '/filibuster/update', JSON.stringify(ended))).status, 200);
    const call = b.execution.finish().find((c) => c.generatedId === G3)!;
    assert.ok(Math.abs(call.endMs! - call.startMs! - 750) <= 0.2, `${call.startMs} → ${call.endMs}`);
    const wrong = await post(b, '/filibuster/update', JSON.stringify({ ...ended, ended_at: 'soon' }));
    assert.equal(wrong.status, 400);
  } finally {
    await b.server.close();
  }
});

/**
 * The original's Python instrumentation can talk to our orchestrator.
 *
 * Replays, over real HTTP, the requests that the original's Python instrumentation sent to the Python
 * Filibuster server in a captured run (filibuster-corpus cinema-1, functional test test_user_bookings;
 * test/fixtures/protocol/cinema-1-trace.json, taken verbatim from the wire trace), against our server,
 * driven the way the runner drives it. Messages carry no execution id (the Python-compatible profile), so
 * they go to the current execution. Our answers must mean what the Python server's answers meant; the one
 * intended difference is that our generated ids are unique across the run (the Python server restarts at 0
 * in every execution), so the replay echoes back the ids *we* handed out, as the instrumentation would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { Explorer } from '../orchestrator/search/explorer.js';
import type { Call } from '../orchestrator/search/model.js';
import { startServer, type OrchestratorServer } from '../orchestrator/server/server.js';
import { Session } from '../orchestrator/server/session.js';

interface Exchange {
  n: number;
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  response: { status: number; body: Record<string, unknown> };
}

const TRACE: { exchanges: Exchange[] } = JSON.parse(
  readFileSync(new URL('../../test/fixtures/protocol/cinema-1-trace.json', import.meta.url), 'utf8'),
);

function exchange(n: number): Exchange {
  const e = TRACE.exchanges.find((x) => x.n === n);
  if (!e) throw new Error(`exchange #${n} is not in the fixture`);
  return e;
}

const BOOKINGS_EI = '[["6d254572e17a9dba41cc00ea054b35c2", 1]]';
const MOVIES_EI = '[["521c997c09adcb4cb1b671283be26548", 1]]';

let session: Session;
let server: OrchestratorServer;
const warnings: string[] = [];

before(async () => {
  session = new Session((m) => warnings.push(m));
  server = await startServer(session, 0);
});
after(async () => {
  await server.close();
});

interface Reply {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

/** Sends one request as python-requests did (JSON body, application/json), without any execution id. */
async function send(method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? { accept: '*/*' } : { accept: '*/*', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), body: JSON.parse(text) };
}

/**
 * Replays exchange #n. `ids` maps the Python server's generated ids to ours (filled in by create answers,
 * used for updates, which echo the id back: as a string in request_received, an int in invocation_complete).
 * Returns our answer after checking it against the trace's answer (with the id mapped).
 */
async function replay(n: number, ids: Map<number, number>): Promise<Reply> {
  const e = exchange(n);
  let body = e.body;
  if (body && e.path === '/filibuster/update') {
    const traceId = Number(body.generated_id);
    const ours = ids.get(traceId);
    assert.notEqual(ours, undefined, `#${n}: no create answer for trace id ${traceId}`);
    body = { ...body, generated_id: typeof body.generated_id === 'string' ? String(ours) : ours };
  }
  const reply = await send(e.method, e.path, body);
  assert.equal(reply.status, e.response.status, `#${n} ${e.method} ${e.path}: status`);
  assert.match(reply.contentType ?? '', /^application\/json/, `#${n}: content type`);
  let expected = e.response.body;
  if (e.path === '/filibuster/create') {
    assert.ok(Number.isInteger(reply.body.generated_id), `#${n}: generated_id must be an int, got ${JSON.stringify(reply.body.generated_id)}`);
    ids.set(e.response.body.generated_id as number, reply.body.generated_id as number);
    expected = { ...expected, generated_id: reply.body.generated_id };
  }
  assert.deepEqual(reply.body, expected, `#${n} ${e.method} ${e.path}: answer`);
  return reply;
}

test('cinema-1 replay: two executions of the original Python instrumentation against our orchestrator', async (t) => {
  const explorer = new Explorer(FaultCatalogue.default(), { dynamicReduction: true, strictReduction: false });

  await t.test('#1 health check', async () => {
    await replay(1, new Map());
  });

  // ---------------------------------------------------------------- execution 1: fault-free
  const ids1 = new Map<number, number>();
  let calls1: Call[] = [];
  await t.test('execution 1 (#3-#13): fault-free, answered as the Python server did', async () => {
    // The services config's ports, as the runner hands them to the session: Python calls name no callee.
    session.nameServices({ '*:5001': 'movies', '127.0.0.1:5003': 'bookings' });
    const ex = session.begin(1, 'run-1', []);

    const nte1 = await replay(3, ids1);
    assert.deepEqual(nte1.body, { 'new-test-execution': true });

    const c4 = await replay(4, ids1);
    assert.deepEqual(c4.body, { generated_id: 0, execution_index: BOOKINGS_EI });
    assert.equal('failure_metadata' in c4.body || 'forced_exception' in c4.body, false, '#4 must not be faulted');
    assert.equal(ex.callCount, 1);
    assert.equal(ex.pending, 1);

    // #6: request_received names the id as the string "0".
    assert.equal(exchange(6).body!.generated_id, '0');
    assert.deepEqual((await replay(6, ids1)).body, {});
    // #7: invocation_complete names it as the int 0.
    assert.equal(exchange(7).body!.generated_id, 0);
    assert.deepEqual((await replay(7, ids1)).body, {});
    assert.equal(ex.pending, 0);

    const nte2 = await replay(8, ids1);
    assert.deepEqual(nte2.body, { 'new-test-execution': false });

    const c9 = await replay(9, ids1);
    assert.deepEqual(c9.body, { generated_id: 1, execution_index: MOVIES_EI });
    assert.equal('failure_metadata' in c9.body || 'forced_exception' in c9.body, false, '#9 must not be faulted');

    assert.deepEqual((await replay(11, ids1)).body, {});
    assert.deepEqual((await replay(12, ids1)).body, {});

    const fi = await replay(13, ids1);
    assert.deepEqual(fi.body, { result: false });

    assert.equal(await ex.quiescent(1000), true);
    calls1 = ex.finish();
    session.end(ex, calls1);
    explorer.complete(1, undefined, calls1);
    assert.equal(session.lateMessages, 0, `no message of execution 1 may be late: ${warnings.join('; ')}`);

    assert.equal(calls1.length, 2);
    // Callees by service, from the port of their URL; and the calls are known as the original protocol's.
    assert.deepEqual(calls1.map((c) => c.callee), ['bookings', 'movies']);
    assert.ok(session.originalClientCalls >= 2, 'a client of the original protocol (the Python profile) is recognised');
    assert.deepEqual(
      calls1.map((c) => [c.generatedId, c.ei, c.source, c.target, c.args[0], c.returnValue?.status_code, c.returnValue?.text]),
      [
        [0, BOOKINGS_EI, 'users', 'bookings', '5003/bookings/chris_rivers', '200', '5373923a3c6e2338d27835665066e38a'],
        [1, MOVIES_EI, 'users', 'movies', '5001/movies/267eedb8-0f5d-42d5-8f43-72426b9fb3e6', '200', '8ceb8f53c55a3bb1620ddc783ba105f8'],
      ],
    );
  });

  await t.test('after execution 1: 5 faults on each of the two calls are scheduled (10)', () => {
    // ConnectionError, Timeout (the calls have metadata.timeout), 500, 502, 503 per call.
    assert.equal(explorer.pendingCount, 10);
    assert.equal(explorer.ranCount, 1);
  });

  // ---------------------------------------------------------------- execution 2: 503 on users → movies
  let step = undefined as ReturnType<Explorer['next']>;
  await t.test('the next execution is the trace\'s execution 2: 503 on users → movies', () => {
    step = explorer.next();
    assert.ok(step, 'the explorer must schedule something');
    assert.equal(step.kind, 'run');
    assert.deepEqual(step.execution.failures, [
      {
        execution_index: MOVIES_EI,
        failure_metadata: { return_value: { status_code: '503' } },
        args: ['5001/movies/267eedb8-0f5d-42d5-8f43-72426b9fb3e6'],
      },
    ]);
    assert.equal(explorer.pendingCount, 9);
  });

  await t.test('execution 2 (#15-#23): the 503 is injected as the Python server injected it', async () => {
    assert.ok(step && step.kind === 'run', 'needs the scheduled execution');
    const ex = session.begin(2, 'run-2', step.execution.failures);
    const ids2 = new Map<number, number>();
    const lateBefore = session.lateMessages;

    assert.deepEqual((await replay(15, ids2)).body, { 'new-test-execution': true }, 'new-test-execution is fresh again');

    const c16 = await replay(16, ids2);
    assert.equal('failure_metadata' in c16.body || 'forced_exception' in c16.body, false, '#16 must not be faulted');
    assert.equal(c16.body.execution_index, BOOKINGS_EI);

    await replay(18, ids2);

    // A late update from execution 1 (#7: generated_id 0) arrives now: ignored, answered 200 {}.
    const digest = explorer.digest();
    const snapshot = JSON.stringify(ex.finish());
    const late = await send('POST', '/filibuster/update', exchange(7).body);
    assert.equal(late.status, 200);
    assert.deepEqual(late.body, {});
    assert.equal(session.lateMessages, lateBefore + 1, 'the late update is counted as late');
    assert.equal(JSON.stringify(ex.finish()), snapshot, 'the late update changes nothing in execution 2');
    assert.equal(ex.pending, 1, 'the late update does not complete execution 2\'s call');
    assert.equal(explorer.digest(), digest);
    // ... and a late request_received from execution 1 (#11: generated_id "1") too.
    const late2 = await send('POST', '/filibuster/update', exchange(11).body);
    assert.deepEqual([late2.status, late2.body], [200, {}]);
    assert.equal(session.lateMessages, lateBefore + 2);
    assert.equal(JSON.stringify(ex.finish()), snapshot);

    await replay(19, ids2);
    assert.deepEqual((await replay(20, ids2)).body, { 'new-test-execution': false });

    const c21 = await replay(21, ids2);
    assert.deepEqual(c21.body, {
      generated_id: c21.body.generated_id,
      execution_index: MOVIES_EI,
      failure_metadata: { return_value: { status_code: '503' } },
      args: ['5001/movies/267eedb8-0f5d-42d5-8f43-72426b9fb3e6'],
    });
    assert.equal('forced_exception' in c21.body, false);

    // #21 got no request_received (the callee is never contacted): straight to invocation_complete.
    await replay(22, ids2);
    assert.deepEqual((await replay(23, ids2)).body, { result: true });

    // Not in the trace, but the original's endpoint: the fault is on a call that reached movies.
    assert.deepEqual((await send('GET', '/filibuster/fault-injected/movies')).body, { result: true });
    assert.deepEqual((await send('GET', '/filibuster/fault-injected/bookings')).body, { result: false });

    // Generated ids are unique across the run: the counter does not restart.
    const first = [...ids1.values()];
    const second = [...ids2.values()];
    assert.deepEqual(first, [0, 1]);
    assert.equal(second.length, 2);
    for (const id of second) assert.ok(!first.includes(id), `execution 2 reused generated id ${id} of execution 1`);
    assert.notEqual(second[0], second[1]);

    assert.equal(await ex.quiescent(1000), true);
    const calls2 = ex.finish();
    session.end(ex, calls2);
    assert.equal(session.lateMessages, lateBefore + 2, 'only the two deliberately late updates were late');

    assert.equal(calls2.length, 2);
    assert.equal(calls2[0].failure, undefined);
    assert.equal(calls2[0].target, 'bookings');
    assert.equal(calls2[1].failure?.failure_metadata?.return_value?.status_code, '503');
    assert.equal(calls2[1].target, undefined, 'the faulted call never reached movies');
    assert.deepEqual(calls2[1].returnValue, { __class__: 'Response', status_code: '503', text: 'd41d8cd98f00b204e9800998ecf8427e' });
    // Same calls as execution 1 by canonical key although the generated ids differ.
    assert.deepEqual(calls2.map((c) => c.key), calls1.map((c) => c.key));

    explorer.complete(2, step.execution, calls2);
    // Nothing new: the first call is in the prefix and the second already fails.
    assert.equal(explorer.pendingCount, 9);
    assert.equal(explorer.ranCount, 2);
  });
});

/**
 * Network-condition realism: for each condition and each client (global fetch, http.request, axios with
 * and without follow-redirects, got, node-fetch, npm undici), what the caller observes when the condition
 * is INJECTED equals what it observes when the same condition is produced for REAL on loopback:
 *
 * | condition                  | real peer (plain child)                                   | injected (instrumented child)        |
 * |----------------------------|-----------------------------------------------------------|--------------------------------------|
 * | latency under the timeout  | answers after 300 ms                                      | node.Latency 300 ms                  |
 * | latency over the timeout   | answers after 600 ms, caller timeout 200 ms               | node.Latency 600 ms                  |
 * | black hole                 | accepts, reads the request, never answers (timeout 200 ms)| node.BlackHole                       |
 * | reset mid-body             | head + 10 body bytes, then RST                            | node.ResetMidBody after 10 bytes     |
 * | truncated (close)          | head + 10 body bytes, then FIN                            | node.TruncatedBody after 10 bytes    |
 * | truncated (content length) | Content-Length 10 and the first 10 body bytes             | node.TruncatedBody content_length    |
 * | corrupted body             | the body with its first byte flipped                      | node.CorruptBody                     |
 * | sliced                     | the response in 8-byte writes 30 ms apart                 | node.Sliced 8 B / 30 ms              |
 * | bandwidth over the timeout | the response at 50 B/s, caller timeout 400 ms             | node.SlowBody 50 B/s                 |
 * | 429 / 503 + Retry-After    | 429 / 503 text/html, empty body, Retry-After: 2           | status fault with a Retry-After header|
 * | DNS ENOTFOUND / EAI_AGAIN  | a name whose lookup fails (a custom `lookup`, no query)   | node.ENOTFOUND / node.EAI_AGAIN      |
 *
 * The injected side calls a healthy peer that sends the complete response at once (for conditions, the
 * real callee answers and the instrumentation shapes its bytes on the client side). Descriptions (error
 * prototype chain, name, message, code, errno, syscall, cause chain, status, headers, the body or partial
 * body, http.request's event order) are compared after replacing port numbers. No timing is asserted:
 * the delays only order events, with wide margins.
 */
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Failure } from '../orchestrator/search/model.js';
import type { FailureMetadata, ForcedException } from '../instrumentation/protocol.js';
import { CLIENTS, close, listen, normalise, observe, RealismOrchestrator, startChild, stopChild, type Child, type Client } from './realism-harness.js';

const BODY = Buffer.from('{"user":"chris_rivers","plan":"premium"}');

function head(contentLength: number): Buffer {
  return Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n`);
}
const RESPONSE = Buffer.concat([head(BODY.length), BODY]);

/** A raw peer: reads the request head, then does `answer` with the socket. */
function rawPeer(answer: (socket: net.Socket) => void, sockets: Set<net.Socket>): net.Server {
  return net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let seen = '';
    const onData = (c: Buffer) => {
      seen += c.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      answer(socket);
    };
    socket.on('data', onData);
  });
}

/** Writes `bytes` in `size`-byte writes, `delayMs` apart, then ends. */
function writeSliced(socket: net.Socket, bytes: Buffer, size: number, delayMs: number): void {
  let at = 0;
  const next = () => {
    if (socket.destroyed) return;
    socket.write(bytes.subarray(at, at + size));
    at += size;
    if (at < bytes.length) setTimeout(next, delayMs);
    else socket.end();
  };
  next();
}

/** A peer answering `status` as the injected response does: text/html, empty body, plus Retry-After. */
function statusPeer(status: number): http.Server {
  return http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html', 'content-length': '0', 'retry-after': '2' });
    res.end();
  });
}

interface Scenario {
  name: string;
  forced?: ForcedException;
  status?: FailureMetadata;
  /** The real peer producing the condition (for DNS, the healthy peer is called by a name that fails). */
  real?: (sockets: Set<net.Socket>) => net.Server | http.Server;
  timeoutMs?: number;
  /** DNS: the real lookup fails with this code. */
  lookup?: 'ENOTFOUND' | 'EAI_AGAIN';
  /** Clients the comparison does not apply to, and why. */
  skip?: Partial<Record<Client, string>>;
  /** The condition passes the call to the real callee: the caller's real outcome is reported. */
  passThrough?: boolean;
}

const NO_TIMEOUT = 'node-fetch v3 has no timeout option: a black hole hangs it for good (see the verdict test)';

const SCENARIOS: Scenario[] = [
  {
    name: 'latency under the timeout',
    forced: { name: 'node.Latency', metadata: { delay_ms: 300 } },
    real: (s) => rawPeer((socket) => setTimeout(() => socket.end(RESPONSE), 300), s),
    passThrough: true,
  },
  {
    name: 'latency over the timeout',
    forced: { name: 'node.Latency', metadata: { delay_ms: 600 } },
    real: (s) => rawPeer((socket) => setTimeout(() => socket.end(RESPONSE), 600), s),
    timeoutMs: 200,
    passThrough: true,
  },
  {
    name: 'black hole',
    forced: { name: 'node.BlackHole', metadata: {} },
    real: (s) => rawPeer(() => {}, s),
    timeoutMs: 200,
    skip: { 'node-fetch': NO_TIMEOUT },
  },
  {
    name: 'reset mid-body',
    forced: { name: 'node.ResetMidBody', metadata: { after_bytes: 10 } },
    real: (s) =>
      rawPeer((socket) => {
        socket.write(Buffer.concat([head(BODY.length), BODY.subarray(0, 10)]));
        setTimeout(() => socket.resetAndDestroy(), 100);
      }, s),
    passThrough: true,
  },
  {
    name: 'truncated body (connection closed)',
    forced: { name: 'node.TruncatedBody', metadata: { after_bytes: 10 } },
    real: (s) =>
      rawPeer((socket) => {
        socket.write(Buffer.concat([head(BODY.length), BODY.subarray(0, 10)]));
        setTimeout(() => socket.end(), 100);
      }, s),
    passThrough: true,
  },
  {
    name: 'truncated body (short content length)',
    forced: { name: 'node.TruncatedBody', metadata: { after_bytes: 10, mode: 'content_length' } },
    real: (s) => rawPeer((socket) => socket.end(Buffer.concat([head(10), BODY.subarray(0, 10)])), s),
    passThrough: true,
  },
  {
    name: 'corrupted body',
    forced: { name: 'node.CorruptBody', metadata: {} },
    real: (s) =>
      rawPeer((socket) => {
        const body = Buffer.from(BODY);
        body[0] ^= 0xff;
        socket.end(Buffer.concat([head(body.length), body]));
      }, s),
    passThrough: true,
  },
  {
    name: 'sliced',
    forced: { name: 'node.Sliced', metadata: { slice_bytes: 8, delay_ms: 30 } },
    real: (s) => rawPeer((socket) => writeSliced(socket, RESPONSE, 8, 30), s),
    passThrough: true,
  },
  {
    name: 'bandwidth over the timeout',
    // 50 B/s is delivered as 3-byte slices every 60 ms (conditions.ts): the head alone takes ~2.5 s, well
    // past undici's headers timer, which is coarse (a 400 ms one may fire a second late on a busy machine).
    forced: { name: 'node.SlowBody', metadata: { bytes_per_second: 50 } },
    real: (s) => rawPeer((socket) => writeSliced(socket, RESPONSE, 3, 60), s),
    timeoutMs: 400,
    passThrough: true,
  },
  {
    name: '429 with Retry-After',
    status: { return_value: { status_code: '429', headers: { 'Retry-After': '2' } } },
    real: () => statusPeer(429),
  },
  {
    name: '503 with Retry-After',
    status: { return_value: { status_code: '503', headers: { 'Retry-After': '2' } } },
    real: () => statusPeer(503),
  },
  { name: 'DNS ENOTFOUND', forced: { name: 'node.ENOTFOUND', metadata: {} }, lookup: 'ENOTFOUND' },
  { name: 'DNS EAI_AGAIN', forced: { name: 'node.EAI_AGAIN', metadata: {} }, lookup: 'EAI_AGAIN' },
];

function failure(s: Scenario, ei: string): Failure {
  return { execution_index: ei, ...(s.forced ? { forced_exception: s.forced } : { failure_metadata: s.status }), args: [] };
}

/**
 * The two sides of a comparison: the orchestrator, a plain and an instrumented child, a healthy peer for
 * the injected side, and a real peer per scenario that has one. Set up before the describe's tests and
 * taken down after them.
 */
function realismBed(scenarios: { name: string; real?: (sockets: Set<net.Socket>) => net.Server | http.Server }[]) {
  const bed = {
    orchestrator: new RealismOrchestrator(),
    plain: undefined as unknown as Child,
    instrumented: undefined as unknown as Child,
    realUrl: new Map<string, string>(),
    healthyPort: 0,
  };
  const servers: (http.Server | net.Server)[] = [];
  const sockets = new Set<net.Socket>();
  before(async () => {
    const url = await bed.orchestrator.start();
    // The healthy callee of the injected side sends the whole response at once.
    const healthy = rawPeer((socket) => socket.end(RESPONSE), sockets);
    bed.healthyPort = await listen(healthy);
    servers.push(healthy);
    for (const s of scenarios) {
      if (!s.real) continue;
      const server = s.real(sockets);
      servers.push(server);
      bed.realUrl.set(s.name, `http://127.0.0.1:${await listen(server)}/`);
    }
    [bed.plain, bed.instrumented] = await Promise.all([startChild(false, url), startChild(true, url)]);
  });
  after(async () => {
    await Promise.all([stopChild(bed.plain), stopChild(bed.instrumented)]);
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map(close));
    await bed.orchestrator.close();
  });
  return bed;
}

describe('network conditions: injected == real, per client', { timeout: 300_000 }, () => {
  const bed = realismBed(SCENARIOS);
  const { orchestrator } = bed;

  // Injected as in real time: a black hole or a latency waits the caller's timeout, as the real ones do.
  before(() => (orchestrator.session.realTimeConditions = true));

  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      for (const client of CLIENTS) {
        test(`${client}: injected == real`, { skip: scenario.skip?.[client] }, async () => {
          const extra: Record<string, string> = scenario.timeoutMs !== undefined ? { timeoutMs: String(scenario.timeoutMs) } : {};
          // DNS: both sides call the healthy peer by a name; the real side's lookup of it fails.
          const namedUrl = `http://users.internal:${bed.healthyPort}/`;
          const real = scenario.lookup
            ? await observe(bed.plain, client, scenario.name, namedUrl, undefined, { ...extra, lookup: scenario.lookup })
            : await observe(bed.plain, client, scenario.name, bed.realUrl.get(scenario.name)!, undefined, extra);

          // Learn the call's EI from a fault-free execution against the healthy peer (the EI names the
          // callee by port and path, not by host, so the named URL has the same EI).
          const healthyUrl = `http://127.0.0.1:${bed.healthyPort}/`;
          const first = await orchestrator.run(bed.instrumented, client, scenario.name, healthyUrl, [], extra);
          assert.ok(first.quiet, 'the fault-free call did not complete');
          assert.equal(first.calls.length, 1, `expected exactly one call, got ${first.calls.length}`);
          assert.equal((first.description as { outcome?: string }).outcome, 'response', 'the fault-free call failed');
          const ei = first.calls[0].ei;

          const injected = await orchestrator.run(bed.instrumented, client, scenario.name, scenario.lookup ? namedUrl : healthyUrl, [failure(scenario, ei)], extra);
          assert.ok(injected.quiet, 'the injected call did not complete');
          assert.equal(injected.calls.length, 1);
          assert.deepEqual(injected.execution.unhitFailures(), [], 'the planned fault was not hit');
          assert.deepEqual(injected.execution.problems, [], 'the orchestrator recorded problems');
          const call = injected.calls[0];
          if (scenario.passThrough) {
            // A condition is not an exception: the caller's real outcome is what the call reports.
            assert.notEqual(call.exception?.name, scenario.forced!.name, 'the condition was reported as an exception');
          } else if (scenario.forced) {
            assert.equal(call.exception?.name, scenario.forced.name);
          }
          if (scenario.lookup) {
            assert.equal(call.metadata.hostname, 'users.internal', 'a call by name carries its host name (DNS faults apply)');
            assert.equal(first.calls[0].metadata.hostname, undefined, 'a call by address carries no host name');
          }
          assert.deepStrictEqual(normalise(injected.description), normalise(real));
        });
      }
    });
  }
});

/**
 * Without `--real-time-conditions`, a black hole or a latency past a timeout the instrumentation can see
 * is not waited for: the caller's timeout fires as soon as nothing but the clock could change (at once for
 * a black hole, once the callee's answer is in for a latency), and the caller observes what it observes
 * when that timeout expires for real. The timeout here is 100 s, far beyond the test's own deadline; the
 * real side runs with 200 ms, and the timeout's value is the one difference allowed in what is observed.
 */
describe('visible timeouts are not waited for', { timeout: 120_000 }, () => {
  const LONG = 100_000;
  const cases = [
    { name: 'black hole', forced: { name: 'node.BlackHole', metadata: {} }, real: (sockets: Set<net.Socket>) => rawPeer(() => {}, sockets) },
    // 3 s: npm undici's timers are coarse (a 200 ms headersTimeout fires up to a second late).
    { name: 'latency over the timeout', forced: { name: 'node.Latency', metadata: { delay_ms: LONG + 100 } }, real: (sockets: Set<net.Socket>) => rawPeer((socket) => setTimeout(() => socket.end(RESPONSE), 3000), sockets) },
  ];
  const bed = realismBed(cases);

  const sameTimeout = (value: unknown) => JSON.parse(JSON.stringify(normalise(value)).replaceAll(String(LONG), '200'));

  for (const c of cases) {
    for (const client of CLIENTS.filter((k) => k !== 'node-fetch')) {
      test(`${c.name}, ${client}: the 100 s timeout fires without the wait, as the real 200 ms one does`, { timeout: 20_000 }, async () => {
        const real = await observe(bed.plain, client, c.name, bed.realUrl.get(c.name)!, undefined, { timeoutMs: '200' });
        const healthyUrl = `http://127.0.0.1:${bed.healthyPort}/`;
        const long = { timeoutMs: String(LONG) };
        const first = await bed.orchestrator.run(bed.instrumented, client, c.name, healthyUrl, [], long);
        const ei = first.calls[0].ei;
        const injected = await bed.orchestrator.run(bed.instrumented, client, c.name, healthyUrl, [{ execution_index: ei, forced_exception: c.forced, args: [] }], long);
        assert.deepEqual(injected.execution.unhitFailures(), [], 'the planned fault was not hit');
        assert.deepStrictEqual(sameTimeout(injected.description), sameTimeout(real));
      });
    }
  }
});


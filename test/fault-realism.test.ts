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
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Failure } from '../orchestrator/search/model.js';
import { CLIENTS, close, listen, normalise, observe, RealismOrchestrator, startChild, stopChild, type Child, type Client } from './realism-harness.js';

type Scenario = 'refused' | 'reset' | 'timeout' | '503';

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

describe('fault realism: injected faults look like real ones', { timeout: 60_000 }, () => {
  const orchestrator = new RealismOrchestrator();
  let plain: Child;
  let instrumented: Child;
  const servers: (http.Server | net.Server)[] = [];
  const openSockets = new Set<net.Socket>();
  const realUrl = {} as Record<Scenario, string>;
  let healthyUrl = '';

  before(async () => {
    const orchestratorUrl = await orchestrator.start();

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
    [plain, instrumented] = await Promise.all([startChild(false, orchestratorUrl), startChild(true, orchestratorUrl)]);
  });

  after(async () => {
    await Promise.all([stopChild(plain), stopChild(instrumented)]);
    for (const s of openSockets) s.destroy();
    await Promise.all(servers.map(close));
    await orchestrator.close();
  });

  const runExecution = (client: Client, scenario: Scenario, url: string, failures: Failure[]) => orchestrator.run(instrumented, client, scenario, url, failures);

  test('an instrumented http.request that gets a response does not crash the process', async () => {
      const bare = await startChild(true, orchestrator.server!.url);
      try {
        const { description } = await orchestrator.run(bare, 'http', '503', healthyUrl, []);
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

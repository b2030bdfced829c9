/**
 * The collector stub behind FILIBUSTER_TEST_OTEL's end-of-file check (otel-switch.ts) counts what that check
 * relies on: an orchestrator-protocol span (old and stable URL attributes), a span with our attributes, the
 * load order each service recorded. A stub that missed them would let a broken switch pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectorStub } from './otel-collector-stub.js';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

test('the collector stub tallies protocol spans, spans with filibuster.* attributes and load orders', async () => {
  const stub = new CollectorStub();
  const url = await stub.start();
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'front'), str('filibuster.test.load_order', 'after')] },
        scopeSpans: [
          {
            spans: [
              { name: 'GET', attributes: [str('http.url', 'http://127.0.0.1:5000/filibuster/create')] },
              { name: 'POST', attributes: [str('url.full', 'http://127.0.0.1:5000/filibuster/update')] },
              { name: 'GET', attributes: [str('http.target', '/__filibuster/identity')] },
              { name: 'GET', attributes: [str('http.url', 'http://ledger/balance'), str('filibuster.execution_id', 'x')] },
            ],
          },
        ],
      },
    ],
  };
  try {
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    const t = stub.tally;
    assert.deepEqual([t.exports, t.spans, t.filibusterSpans, t.protocolSpans, t.controlSpans, t.malformed], [1, 4, 1, 2, 1, 0]);
    assert.deepEqual([...t.loadOrders], [['front after', 4]]);
  } finally {
    await stub.close();
  }
});

/**
 * Extended catalogues offer each call the error statuses of the route it reaches: the analyser's routes
 * of the callee, plus the statuses the callee answers on any route; a call no route matches gets them all.
 * Checked on the catalogue the analyser writes for corpus/gateway (whose backends answer 404 and 409 on
 * some routes only).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeConfig } from '../orchestrator/cli/analyze-config.js';
import { extendedCatalogue } from '../analysis/index.js';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { ROOT } from './helpers.js';

const catalogue = FaultCatalogue.fromJson(extendedCatalogue(analyzeConfig(join(ROOT, 'corpus/gateway/services.json'), {})), 'gateway analysis');

function statuses(method: string, url: string, target: string): string[] {
  const call = { module: 'node.fetch', method, metadata: {}, args: [url] };
  return catalogue.errorFaults(call, target).map((f) => String(f.return_value?.status_code));
}

test("a call that reaches a route gets that route's error statuses and the service-wide ones", () => {
  // inventory answers 409 only to POST /reservations, 404 on its lookups; express/fastify answer 500 anywhere.
  const reservation = statuses('POST', 'inventory/reservations', 'inventory');
  const lookup = statuses('GET', 'inventory/reservations/:id', 'inventory');
  assert.ok(reservation.includes('409'), reservation.join());
  assert.ok(!lookup.includes('409'), lookup.join());
  assert.ok(lookup.includes('404'), lookup.join());
  // The original identity's form of the URL (port, raw id) finds the same route.
  assert.deepEqual(statuses('GET', '4103/reservations/7f1c0b9e', 'inventory'), lookup);
});

test('a call that matches none of the routes gets every error status of the service', () => {
  const all = statuses('DELETE', 'inventory/stock', 'inventory');
  for (const code of ['404', '409']) assert.ok(all.includes(code), all.join());
});

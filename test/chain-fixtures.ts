/** Builds services configurations for the chain fixture (test/fixtures/chain/service.ts). */
import { join } from 'node:path';
import { DIST, tempDir, writeJson } from './helpers.js';

export interface FixtureCall {
  to: string;
  attempts?: number;
  onFailure: 'fallback' | 'propagate' | 'crash';
  /** The call's timeout (default 10 s); null: none. */
  timeoutMs?: number | null;
  /** Started, and not waited for: /work answers without it (service.ts). */
  detached?: boolean;
}

export const SERVICE = join(DIST, 'test/fixtures/chain/service.js');
export const TEST_MODULE = join(DIST, 'test/fixtures/chain/test-module.js');

/**
 * `topology` maps each service to the calls its /work makes; leaves first is not required. `env`: more
 * environment per service; `extra`: more configuration per service (e.g. `parallel: false`).
 */
export function chainConfig(topology: Record<string, FixtureCall[]>, env: Record<string, Record<string, string>> = {}, extra: Record<string, Record<string, unknown>> = {}): string {
  const services: Record<string, unknown> = {};
  // Start callees before callers (reverse of the order given, which lists the entry service first).
  for (const name of Object.keys(topology).reverse()) {
    const plan = { calls: topology[name].map((c) => ({ url: `\${${c.to}.url}/work`, attempts: c.attempts, onFailure: c.onFailure, timeoutMs: c.timeoutMs, detached: c.detached })) };
    services[name] = { command: `"${process.execPath}" "${SERVICE}"`, env: { PLAN: JSON.stringify(plan), ...env[name] }, ...extra[name] };
  }
  return writeJson(tempDir(), 'services.json', { services });
}

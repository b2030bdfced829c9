/**
 * Latency faults never make a run slower than needed: a latency chosen from the timeouts on the call
 * path (just under or just over the caller's timeout, or just over the timeout of the call being served)
 * makes each faulted execution wait about as long as the tightest timeout involved, never a fixed sleep
 * such as the original's "sleep the call's timeout + 1 ms" (which would wait 15 s on netflix's telemetry).
 *
 * Per scenario: the delays chosen, the time the faulted executions waited beyond the fault-free one (test
 * time), and the bound: Σ min(delay, tightest timeout above the faulted call). Scenarios use real services.
 *
 * `npm run bench:latency` runs this table alone; `npm run bench` includes it.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { explore, withDefaults } from '../orchestrator/run/exploration.js';
import { writeFileSync } from 'node:fs';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHAIN_SERVICE = join(ROOT, 'dist/test/fixtures/chain/service.js');
const CHAIN_TEST = join(ROOT, 'dist/test/fixtures/chain/test-module.js');
const NODE = 'node\\.(http|fetch|undici)\\.[A-Z]+$';

interface Scenario {
  name: string;
  test: string;
  servicesConfig: string;
  catalogue: FaultCatalogue;
  serviceEnv?: Record<string, string>;
  /** The tightest timeout above the faulted call (its own, or one on the path): nobody waits longer. */
  tightestTimeoutMs: number;
  /** What a fixed sleep of the faulted call's own timeout + 1 ms would wait, per faulted execution. */
  fixedSleepMs: number;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'filibuster-bench-'));
}

/** A chain of fixture services: `calls[name]` = [callee, timeout ms, on failure]. */
function chain(calls: Record<string, [string, number, 'fallback' | 'propagate'][]>): string {
  const services: Record<string, unknown> = {};
  for (const name of Object.keys(calls).reverse()) {
    const plan = { calls: calls[name].map(([to, timeoutMs, onFailure]) => ({ url: `\${${to}.url}/work`, timeoutMs, onFailure })) };
    services[name] = { command: `"${process.execPath}" "${CHAIN_SERVICE}"`, env: { PLAN: JSON.stringify(plan) } };
  }
  const path = join(tempDir(), 'services.json');
  writeFileSync(path, JSON.stringify({ services }));
  return path;
}

function latencyCatalogue(...metadata: Record<string, unknown>[]): FaultCatalogue {
  return FaultCatalogue.fromJson({ latency: { pattern: NODE, exceptions: metadata.map((m) => ({ name: 'node.Latency', metadata: m })) } }, 'bench');
}

function scenarios(): Scenario[] {
  return [
    {
      name: 'netflix NETFLIX_FAULTS=1, parent timeout + 100 ms',
      test: `${join(ROOT, 'dist/functional-tests/netflix.js')}#slowTelemetry`,
      servicesConfig: join(ROOT, 'corpus/netflix/services.json'),
      catalogue: FaultCatalogue.fromFile(join(ROOT, 'corpus/netflix/analysis-latency.json')),
      serviceEnv: { NETFLIX_FAULTS: '1' },
      tightestTimeoutMs: 1000,
      fixedSleepMs: 15_001,
    },
    {
      name: 'a →(2 s) b, own timeout ± 100 ms',
      test: CHAIN_TEST,
      servicesConfig: chain({ a: [['b', 2000, 'fallback']], b: [] }),
      catalogue: latencyCatalogue({ relative_to: 'timeout', offset_ms: -100 }, { relative_to: 'timeout', offset_ms: 100 }),
      tightestTimeoutMs: 2000,
      fixedSleepMs: 2001,
    },
    {
      name: 'a →(1 s) b →(5 s) c, parent timeout + 100 ms',
      test: CHAIN_TEST,
      servicesConfig: chain({ a: [['b', 1000, 'propagate']], b: [['c', 5000, 'propagate']], c: [] }),
      catalogue: latencyCatalogue({ relative_to: 'parent_timeout', offset_ms: 100 }),
      tightestTimeoutMs: 1000,
      fixedSleepMs: 5001,
    },
  ];
}

export const LATENCY_HEADERS = ['scenario', 'ran', 'faulted', 'delays ms', 'waited ms', 'bound ms', 'fixed sleep ms', 'wall ms'];

export async function latencyWaiting(): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const s of scenarios()) {
    const outcome = await explore(
      withDefaults({ test: { kind: 'module', value: s.test }, servicesConfig: s.servicesConfig, catalogue: s.catalogue, serviceEnv: s.serviceEnv, outputDir: tempDir() }),
    );
    const ran = outcome.results.executions.filter((e) => e.status === 'ran');
    const baseline = ran[0]?.duration_ms ?? 0;
    const faulted = ran.filter((e) => e.faults.length > 0);
    const delays = faulted.map((e) => Number(e.faults[0].forced_exception?.metadata.delay_ms));
    const waited = faulted.reduce((sum, e) => sum + Math.max(0, (e.duration_ms ?? 0) - baseline), 0);
    const bound = delays.reduce((sum, d) => sum + Math.min(d, s.tightestTimeoutMs), 0);
    rows.push([s.name, ran.length, faulted.length, delays.join(', '), waited, bound, faulted.length * s.fixedSleepMs, outcome.results.wall_ms]);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  console.log('Latency faults: time spent waiting per faulted execution, against the timeouts involved');
  console.log('(waited = test time beyond the fault-free execution; bound = Σ min(delay, tightest timeout above the call);');
  console.log(' fixed sleep = what sleeping the faulted call\'s own timeout + 1 ms would cost; wall includes service start-up)');
  console.log(table(LATENCY_HEADERS, await latencyWaiting()));
}

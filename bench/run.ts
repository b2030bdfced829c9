/**
 * `npm run bench`: prints one table per benchmark, with the machine noted. The only place where speed is
 * claimed. Run with `node --expose-gc` for steadier heap figures.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore, withDefaults } from '../orchestrator/run/exploration.js';
import { analysisTimes } from './analysis.js';
import { DEFAULT_APPS, MODES, printCorpusBench } from './corpus.js';
import { ENGINE_HEADERS, engineRowCells, engineScaling } from './engine.js';
import { instrumentationOverhead, machine, OVERHEAD_HEADERS } from './overhead.js';
import { PRELOAD_HEADERS, preloadCost } from './preload.js';
import { spawnCost, SPAWN_HEADERS } from './spawn-cost.js';
import { latencyWaiting, LATENCY_HEADERS } from './latency.js';
import { table } from './table.js';
import { USER_APP_HEADERS, userApps } from './user-apps.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { CHROMIUM, reportBench } from './report.js';
import { tmpdir } from 'node:os';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function tutorial(): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const test = join(ROOT, 'dist/functional-tests/foo-bar-baz.js');
  for (const [mode, spec] of [
    ['test module', { kind: 'module' as const, value: test }],
    ['spawn', { kind: 'command' as const, value: `"${process.execPath}" "${test}"` }],
  ] as const) {
    const outcome = await explore(
      withDefaults({
        test: spec,
        servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
        outputDir: mkdtempSync(join(tmpdir(), 'filibuster-bench-')),
        serviceEnv: { TUTORIAL_FIXED: '1' },
      }),
    );
    const ran = outcome.results.executions.filter((e) => e.status === 'ran');
    const testMs = ran.reduce((s, e) => s + (e.duration_ms ?? 0), 0);
    rows.push([mode, ran.length, outcome.results.counts.pruned, outcome.results.wall_ms, testMs / ran.length]);
  }
  return rows;
}

async function main(): Promise<void> {
  console.log(`${machine()}\n`);
  console.log('Tutorial exploration (foo → bar → baz, fixed variant; wall time includes service start-up)');
  console.log(table(['mode', 'ran', 'pruned', 'wall ms', 'test ms/execution'], await tutorial()));
  console.log('\nStatic analysis of the corpus (one ts-morph Project per application)');
  console.log(table(['app', 'services', 'call sites', 'ms'], analysisTimes(ROOT)));
  console.log('\nLatency faults: time spent waiting per faulted execution, against the timeouts involved');
  console.log(table(LATENCY_HEADERS, await latencyWaiting()));
  console.log('\nInstrumentation overhead: one request through a → b → c (2 instrumented calls), loopback, round-robin over modes');
  console.log(table(OVERHEAD_HEADERS, await instrumentationOverhead()));
  console.log('\nPreload cost: CPU ms of `node -e ""` (median of 20), and above no preload');
  console.log(table(PRELOAD_HEADERS, preloadCost()));
  console.log('\nA fresh Node process doing one loopback request (spawn mode pays this per execution)');
  console.log(table(SPAWN_HEADERS, await spawnCost()));
  console.log();
  // Spawn mode against the test module, 1/2/4 workers; a count mismatch between modes fails the run.
  if (!(await printCorpusBench(DEFAULT_APPS, MODES))) process.exitCode = 1;
  console.log('\nUser-written applications: a plain run with --conditions all, single faults (corpus/gateway, event-bus, fallback-chain, breaker)');
  console.log(table(USER_APP_HEADERS, await userApps()));
  console.log('\nEngine scaling (explorer alone, simulated 10-call fan-out app, dynamic reduction on; heap after GC)');
  const rows = engineScaling(10, [100, 1_000, 10_000, 100_000]);
  console.log(table(ENGINE_HEADERS, rows.map(engineRowCells)));
  console.log('\nreport.html: page weight and first render in headless Chromium (netflix explored, then 10,000 executions of its shape)');
  console.log(existsSync(CHROMIUM) ? await reportBench() : `skipped: needs Debian's chromium at ${CHROMIUM}`);
}

void main();

/**
 * (a) The corpus: each application explored (static catalogue, dynamic reduction, no triage: as
 * `filibuster corpus` does) with the test run four ways:
 *   - spawn: a fresh process per execution (`--functional-test CMD`, test.kind "command"), the app's test
 *     module called once by call-test-module.js;
 *   - test module with 1, 2 and 4 workers (`ExplorationOptions.workers`; the same run as 1 worker until
 *     parallel exploration lands).
 * Per mode: executions run, wall time (services' start and stop included), and ms per execution over the
 * exploration loop (from the start of the fault-free execution to the end of the last one). Beside the
 * spawn column, the bare process: the same `node call-test-module.js` against the same services with no
 * orchestrator (their instrumentation idle, no preload), p50 of BARE_RUNS runs.
 *
 * The executed counts must not depend on the mode: a mismatch is printed loudly and exits 1.
 *
 * `npm run bench:corpus -- [app...] [--modes spawn,w1,w2,w4]`; no app: DEFAULT_APPS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORPUS_APPS, type CorpusApp, type CorpusTest } from '../corpus/apps.js';
import { staticCatalogue } from '../orchestrator/cli/corpus-catalogue.js';
import type { TestSpec } from '../orchestrator/results/counterexample.js';
import { explore, withDefaults } from '../orchestrator/run/exploration.js';
import { loadServicesConfig } from '../orchestrator/runner/service-config.js';
import { ServiceManager, type ServiceEndpoint } from '../orchestrator/runner/services.js';
import { machine } from './overhead.js';
import { spawnCost, SPAWN_HEADERS } from './spawn-cost.js';
import { table } from './table.js';
import type { TestContext } from '../orchestrator/runner/worker-protocol.js';
import { loopbackFloor } from './floor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNNER = fileURLToPath(new URL('./call-test-module.js', import.meta.url));
const BARE_RUNS = 40;

/** Finishes in a few minutes with spawn mode on this machine; netflix (1,603 executions) and the rest on demand. */
export const DEFAULT_APPS = ['cinema-1', 'cinema-2', 'cinema-3', 'cinema-4', 'cinema-5', 'cinema-6', 'cinema-7', 'cinema-8', 'audible', 'expedia'];

export type Mode = 'spawn' | 'w1' | 'w2' | 'w4';
export const MODES: Mode[] = ['spawn', 'w1', 'w2', 'w4'];

export interface ModeRun {
  ran: number;
  pruned: number;
  failing: number;
  wallMs: number;
  msPerExecution: number;
  /** HTTP requests that reached the orchestrator per instrumented call (every kind: decisions, reports). */
  requestsPerCall: number;
}

export interface CorpusBenchRow {
  app: string;
  test: string;
  runs: Partial<Record<Mode, ModeRun>>;
  /** p50 ms of the test as a bare process (only measured with spawn mode). */
  bareMs?: number;
  /** p50 ms of the same test function called in this process, no orchestrator, no instrumentation (with w1). */
  bareInProcessMs?: number;
}

function testFile(app: CorpusApp): string {
  return join(ROOT, 'dist/functional-tests', `${app.name}.js`);
}

function testSpec(app: CorpusApp, test: CorpusTest, mode: Mode): TestSpec {
  const file = testFile(app);
  if (mode === 'spawn') return { kind: 'command', value: `"${process.execPath}" "${RUNNER}" "${file}" ${test.export ?? 'default'}` };
  return { kind: 'module', value: test.export ? `${file}#${test.export}` : file };
}

async function exploreIn(app: CorpusApp, test: CorpusTest, mode: Mode): Promise<ModeRun> {
  // The exploration loop: from the fault-free execution's start to the last execution's end.
  let loopStart: number | undefined;
  let loopEnd = 0;
  const outcome = await explore(
    withDefaults({
      test: testSpec(app, test, mode),
      servicesConfig: join(ROOT, 'corpus', app.name, 'services.json'),
      catalogue: staticCatalogue(ROOT, app.name),
      outputDir: mkdtempSync(join(tmpdir(), 'filibuster-bench-corpus-')),
      triage: false,
      order: 'dfs',
      workers: mode === 'spawn' ? 1 : Number(mode.slice(1)),
      onExecution: (result) => {
        const now = performance.now();
        loopStart ??= now - (result.duration_ms ?? 0);
        loopEnd = now;
      },
    }),
  );
  const c = outcome.results.counts;
  return {
    ran: c.ran,
    pruned: c.pruned,
    failing: c.failed + c.crashed + c.hung + c.inconclusive,
    wallMs: outcome.results.wall_ms,
    msPerExecution: (loopEnd - (loopStart ?? loopEnd)) / Math.max(1, c.ran),
    requestsPerCall: outcome.traffic.requests / Math.max(1, outcome.traffic.calls),
  };
}

/** The environment the spawn runner gives the test, minus the orchestrator: service URLs only. */
function bareEnv(endpoints: Record<string, ServiceEndpoint>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FILIBUSTER_SERVICES: JSON.stringify(endpoints), NODE_OPTIONS: '' };
  delete env.FILIBUSTER_URL;
  delete env.FILIBUSTER_EXECUTION_ID;
  for (const s of Object.values(endpoints)) env[`FILIBUSTER_SERVICE_${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`] = s.url;
  return env;
}

function runBare(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`the bare test exited ${code}: ${stderr.trim()}`))));
  });
}

/**
 * The app's services started without an orchestrator (no preload work: their instrumentation idle), and
 * `once` timed BARE_RUNS times after a warm-up, a state reset before each as between executions: p50 ms.
 */
async function bareRuns(app: CorpusApp, once: (endpoints: Record<string, ServiceEndpoint>) => Promise<unknown>): Promise<number> {
  const services = new ServiceManager(loadServicesConfig(join(ROOT, 'corpus', app.name, 'services.json')), {
    orchestratorUrl: '',
    logDir: mkdtempSync(join(tmpdir(), 'filibuster-bench-bare-')),
    eiCompat: false,
  });
  await services.start();
  try {
    const samples: number[] = [];
    for (let i = 0; i < BARE_RUNS + 1; i++) {
      await services.beforeExecution(); // not timed
      const started = performance.now();
      await once(services.endpoints());
      if (i > 0) samples.push(performance.now() - started); // the first warms the services and the caches
    }
    return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  } finally {
    await services.stop();
  }
}

/** `node call-test-module.js` against the app's services started without an orchestrator: p50 ms. */
function bareProcess(app: CorpusApp, test: CorpusTest): Promise<number> {
  return bareRuns(app, (endpoints) => runBare([RUNNER, testFile(app), test.export ?? 'default'], bareEnv(endpoints)));
}

/** The same test function called in this process, as the module runner calls it, without an execution: p50 ms. */
async function bareInProcess(app: CorpusApp, test: CorpusTest): Promise<number> {
  const mod = (await import(pathToFileURL(testFile(app)).href)) as Record<string, (ctx: TestContext) => Promise<unknown>>;
  const fn = mod[test.export ?? 'default'];
  return bareRuns(app, (services) => fn({ executionId: '', services, orchestratorUrl: '' }));
}

export async function corpusBench(names: string[], modes: Mode[], onRow: (row: CorpusBenchRow) => void = () => {}): Promise<CorpusBenchRow[]> {
  const unknown = names.filter((n) => !CORPUS_APPS.some((a) => a.name === n));
  if (unknown.length) throw new Error(`unknown corpus application(s): ${unknown.join(', ')} (known: ${CORPUS_APPS.map((a) => a.name).join(', ')})`);
  const rows: CorpusBenchRow[] = [];
  for (const app of CORPUS_APPS.filter((a) => names.includes(a.name))) {
    for (const test of app.tests) {
      const row: CorpusBenchRow = { app: app.name, test: test.label, runs: {} };
      for (const mode of modes) {
        row.runs[mode] = await exploreIn(app, test, mode);
        // Right after the spawn run, so both see the machine in the same state.
        if (mode === 'spawn') row.bareMs = await bareProcess(app, test);
        if (mode === 'w1') row.bareInProcessMs = await bareInProcess(app, test);
      }
      rows.push(row);
      onRow(row);
    }
  }
  return rows;
}

/** "" when every mode ran and pruned the same executions, else what differs. */
export function countMismatch(row: CorpusBenchRow): string {
  const runs = Object.entries(row.runs);
  const counts = new Set(runs.map(([, r]) => `${r.ran}/${r.pruned}`));
  return counts.size <= 1 ? '' : runs.map(([mode, r]) => `${mode} ${r.ran} ran ${r.pruned} pruned`).join(', ');
}

export function corpusHeaders(modes: Mode[]): string[] {
  const headers = ['app', 'test', 'ran', 'pruned', 'failing'];
  for (const mode of modes) {
    headers.push(`${mode} s`, `${mode} ms/exec`);
    if (mode === 'spawn') headers.push('bare ms', 'spawn/bare');
    if (mode === 'w1') headers.push('bare in-process ms', 'w1/bare', 'requests/call');
  }
  return [...headers, 'counts'];
}

export function corpusCells(row: CorpusBenchRow, modes: Mode[]): (string | number)[] {
  const first = Object.values(row.runs)[0]!;
  const cells: (string | number)[] = [row.app, row.test, first.ran, first.pruned, first.failing];
  for (const mode of modes) {
    const r = row.runs[mode]!;
    cells.push((r.wallMs / 1000).toFixed(1), r.msPerExecution);
    if (mode === 'spawn') cells.push(row.bareMs ?? '–', row.bareMs ? r.msPerExecution / row.bareMs : '–');
    if (mode === 'w1') cells.push(row.bareInProcessMs ?? '–', row.bareInProcessMs ? r.msPerExecution / row.bareInProcessMs : '–', r.requestsPerCall);
  }
  return [...cells, countMismatch(row) ? 'MISMATCH' : 'same'];
}

/** Prints the tables; false when the executed counts differ between modes. */
export async function printCorpusBench(names: string[], modes: Mode[]): Promise<boolean> {
  const floor = await loopbackFloor();
  console.log(`The floor: one loopback round trip in this process (fetch, keep-alive), p50 ${floor.fetchMs.toFixed(2)} ms; node:http ${floor.httpMs.toFixed(2)} ms\n`);
  if (modes.includes('spawn')) {
    console.log('A fresh Node process doing one loopback request (the floor of a spawn-mode execution)');
    console.log(table(SPAWN_HEADERS, await spawnCost(10)));
    console.log();
  }
  console.log(`Corpus (static catalogue, dynamic reduction, no triage): ${names.join(', ')}`);
  console.log('s = wall time with service start and stop; ms/exec = the exploration loop per execution run; bare = the test alone as a process (p50)');
  const progress = (row: CorpusBenchRow) =>
    console.error(`  ${row.app} (${row.test}): ${Object.entries(row.runs).map(([mode, r]) => `${mode} ${r.ran} ran in ${(r.wallMs / 1000).toFixed(1)} s`).join(', ')}`);
  const rows = await corpusBench(names, modes, progress);
  console.log(table(corpusHeaders(modes), rows.map((r) => corpusCells(r, modes))));
  const mismatched = rows.filter((r) => countMismatch(r));
  for (const r of mismatched) console.log(`\n!!! EXECUTED COUNTS DIFFER BETWEEN MODES for ${r.app} (${r.test}): ${countMismatch(r)} !!!`);
  return mismatched.length === 0;
}

function parseArgs(args: string[]): { names: string[]; modes: Mode[] } {
  const names: string[] = [];
  let modes = MODES;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--modes' || a.startsWith('--modes=')) {
      const value = a === '--modes' ? args[++i] : a.slice('--modes='.length);
      modes = (value ?? '').split(',').filter(Boolean) as Mode[];
      const bad = modes.filter((m) => !MODES.includes(m));
      if (bad.length || modes.length === 0) throw new Error(`--modes takes a comma-separated list of ${MODES.join(', ')} (got ${value})`);
    } else names.push(a);
  }
  return { names: names.length ? names : DEFAULT_APPS, modes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { names, modes } = parseArgs(process.argv.slice(2));
  console.log(`${machine()}\n`);
  const same = await printCorpusBench(names, modes);
  process.exit(same ? 0 : 1);
}

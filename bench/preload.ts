/**
 * Preload cost: the CPU time (user + system, process.cpuUsage at exit) of `node -e ''` with the
 * zero-code preload, median of N child processes per mode, round-robin so a shared machine's noise falls
 * on every mode alike:
 *
 * - no preload;
 * - `--import filibuster/register`, no FILIBUSTER_URL (the preload does nothing);
 * - the same with FILIBUSTER_URL (the instrumentation is switched on; nothing listens there, and no call
 *   is made, so no connection is attempted);
 * - the same with FILIBUSTER_TRACES=console (standalone tracing: OpenTelemetry loads), when given.
 *
 * `node dist/bench/preload.js [N] [register.js ...]` (N default 20): extra register paths are measured
 * too (to compare builds).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGISTER = join(ROOT, 'dist/instrumentation/register.js');
const SCRIPT = 'process.on("exit", () => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); })';

interface Mode {
  name: string;
  args: string[];
  env: Record<string, string>;
}

function cpuMs(mode: Mode): number {
  const env = { ...process.env, NODE_OPTIONS: '', FILIBUSTER_URL: '', FILIBUSTER_TRACES: '', ...mode.env };
  return Number(execFileSync(process.execPath, [...mode.args, '-e', SCRIPT], { env, encoding: 'utf8' }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function preloadModes(register: string, label = ''): Mode[] {
  const url = { FILIBUSTER_URL: 'http://127.0.0.1:9' };
  return [
    { name: `register${label}, no FILIBUSTER_URL`, args: ['--import', register], env: {} },
    { name: `register${label}, FILIBUSTER_URL`, args: ['--import', register], env: url },
    { name: `register${label}, FILIBUSTER_URL, FILIBUSTER_TRACES=console`, args: ['--import', register], env: { ...url, FILIBUSTER_TRACES: 'console' } },
  ];
}

export const PRELOAD_HEADERS = ['mode', 'runs', 'CPU ms', '+ms'];

export function preloadCost(n = 20, registers: string[] = [REGISTER]): (string | number)[][] {
  const modes: Mode[] = [{ name: 'no preload', args: [], env: {} }, ...registers.flatMap((r, i) => preloadModes(r, i === 0 ? '' : ` (${r})`))];
  const samples = modes.map(() => [] as number[]);
  for (let i = 0; i < n; i++) modes.forEach((m, j) => samples[j].push(cpuMs(m)));
  const base = median(samples[0]);
  return modes.map((m, j) => [m.name, n, median(samples[j]), median(samples[j]) - base]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [n, ...registers] = process.argv.slice(2);
  console.log('Preload cost: CPU ms of `node -e ""` (median), and above no preload');
  console.log(table(PRELOAD_HEADERS, preloadCost(Number(n) || 20, [REGISTER, ...registers])));
}

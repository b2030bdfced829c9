/**
 * `npm run bench:user-apps`: the four user-written applications (corpus/gateway, event-bus,
 * fallback-chain, breaker) explored as a new user would: `filibuster run --conditions all` with the
 * services file as it is, single faults (`--max-faults 1`), the CLI as a child process. Per application:
 * how many single faults, how long until the first finding and until every listed bug was found (as
 * test/user-app-bugs.ts reads them), the whole run, and false findings (the breaker is the negative
 * control). Times are from the CLI's start to the line `--verbose` prints as each execution ends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionResult, RunResults } from '../orchestrator/results/run-results.js';
import { USER_APPS, type UserApp } from '../test/user-app-bugs.js';
import { machine } from './overhead.js';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const USER_APP_HEADERS = ['app', 'single faults', 'ran', 'first finding s', 'all listed bugs s', 'executions to all', 'whole run s', 'bugs found', 'false findings'];

const FAILING = new Set(['fail', 'crash', 'hang', 'leak']);

/** Runs one application; watches the journal to time each execution's end. */
async function measure({ app, bugs, falseFinding }: UserApp): Promise<(string | number)[]> {
  const out = mkdtempSync(join(tmpdir(), `filibuster-bench-${app}-`));
  const started = performance.now();
  const endedAt = new Map<number, number>();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/orchestrator/cli/main.js'), 'run', '--services', join(ROOT, 'corpus', app, 'services.json'), '--test-module', join(ROOT, 'dist/functional-tests', `${app}.js`), '--conditions', 'all', '--max-faults', '1', '--verbose', '--output-dir', out],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Each "execution N:" line is printed as execution N ends: its time is taken then.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    for (const m of chunk.matchAll(/^execution (\d+):/gm)) endedAt.set(Number(m[1]), (performance.now() - started) / 1000);
  });
  await new Promise((resolve) => child.once('exit', resolve));
  const whole = (performance.now() - started) / 1000;
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
  const ran = results.executions.filter((e) => e.status === 'ran');
  const firstWith = (p: (e: ExecutionResult) => boolean) => ran.find(p)?.number;
  const first = firstWith((e) => FAILING.has(e.verdict ?? ''));
  const perBug = bugs.map((b) => firstWith((e) => b.shows(e)));
  const allFound = perBug.every((n) => n !== undefined);
  const last = allFound ? Math.max(...(perBug as number[])) : undefined;
  const at = (n: number | undefined) => (n === undefined ? '—' : (endedAt.get(n) ?? NaN));
  return [app, results.plan?.single_faults ?? '?', ran.length, at(first), at(last), last ?? '—', whole, `${perBug.filter((n) => n !== undefined).length}/${bugs.length}`, falseFinding ? ran.filter(falseFinding).length : '—'];
}

export async function userApps(names?: readonly string[]): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const app of USER_APPS.filter((a) => !names?.length || names.includes(a.app))) rows.push(await measure(app));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# user-written applications: a plain run with --conditions all, single faults (${machine()})`);
  console.log(table(USER_APP_HEADERS, await userApps(process.argv.slice(2))));
}

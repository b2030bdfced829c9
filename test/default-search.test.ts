/**
 * The default search of a user's run (DESIGN §14): a plain `filibuster run` explores by size (every single
 * fault before any pair) within a default time budget it prints, prints its plan after the fault-free
 * execution and records it in results.json; `--exhaustive` lifts the budget and conflicts with
 * `--time-budget`; `--order dfs` and the Python profile keep the original's order without a budget; a run
 * stopped before triage groups its failures by signature, never one per fault set.
 *
 * The fixture: a → b with a retry (two attempts), and a test that wants 200 from a whatever fails. A single
 * fault on the first attempt is retried and passes; each one discovers the second attempt, and a fault on
 * both fails: 1 fault-free execution, 5 single faults, 25 pairs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { builtInCatalogue, cli, CLI, DIST, run, tempDir, writeJson } from './helpers.js';

const RETRY = chainConfig({ a: [{ to: 'b', attempts: 2, onFailure: 'propagate' }], b: [] });
const args = (dir: string, test = 'resilient') => ['--test-module', `${TEST_MODULE}#${test}`, '--services', RETRY, '--replays', '0', '--port', '0', '--output-dir', dir];
const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
const sizes = (r: RunResults) => r.executions.map((e) => e.faults.length);
const sets = (r: RunResults) => r.executions.map((e) => e.faults.map((f) => f.description).sort().join(' + ')).sort();

let plain: { dir: string; stderr: string; results: RunResults } | undefined;

test('a plain run: every single fault before any pair, the plan printed and recorded, the default budget announced', async () => {
  const dir = tempDir();
  const r = await cli(args(dir));
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = read(dir);
  plain = { dir, stderr: r.stderr, results };
  assert.deepEqual(sizes(results), [0, 1, 1, 1, 1, 1, ...Array(25).fill(2)], 'by size: the fault-free execution, the 5 single faults, then the pairs');
  assert.deepEqual([results.counts.ran, results.counts.failed, results.complete], [31, 25, true]);
  assert.deepEqual(results.plan, {
    calls: 1,
    single_faults: 5,
    order: 'by-size',
    order_source: 'default',
    max_faults: null,
    max_tests: null,
    budget: { time_ms: 600_000, search_ms: 450_000, triage_ms: 150_000, source: 'default' },
  });
  assert.equal(results.options.order, 'by-size');
  assert.equal(results.options.time_budget_ms, 600_000);
  assert.match(r.stderr, /^exploring single faults first \(--order by-size\), within the default time budget of 10m \(--exhaustive lifts it, --time-budget sets it\)$/m);
  assert.match(
    r.stderr,
    /^fault-free execution passed: 1 call\(s\), 5 single fault\(s\); plan: every single fault first, then pairs, then larger sets, within the default time budget of 10m \(--exhaustive lifts it\); once failures are found the search stops at 7m30s and triage has the rest$/m,
  );
  // The plan comes after the fault-free execution, before any fault.
  assert.ok(r.stderr.indexOf('fault-free execution passed') < r.stderr.indexOf('execution 2:'), r.stderr);
});

test('--exhaustive: no time budget, everything explored, the same fault sets', async () => {
  const dir = tempDir();
  const r = await cli([...args(dir), '--exhaustive']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = read(dir);
  assert.equal(results.plan?.budget, null);
  assert.equal(results.options.time_budget_ms, null);
  assert.equal(results.options.exhaustive, true);
  assert.equal(results.complete, true);
  assert.deepEqual(sizes(results), [0, 1, 1, 1, 1, 1, ...Array(25).fill(2)]);
  assert.match(r.stderr, /^exploring single faults first \(--order by-size\), without a time budget$/m);
  assert.match(r.stderr, /plan: every single fault first, then pairs, then larger sets, no time budget \(everything reachable is explored\)/);
  assert.ok(plain, 'the plain run ran first');
  assert.deepEqual(sets(results), sets(plain.results));
});

test('--exhaustive --time-budget 5m: refused, exit 2, nothing run', async () => {
  const dir = tempDir();
  const r = await cli([...args(dir), '--exhaustive', '--time-budget', '5m']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--exhaustive explores everything reachable, without a time budget: it cannot be combined with --time-budget \(give one of them\)/);
  assert.equal(existsSync(join(dir, 'results.json')), false);
});

test('an explicit --time-budget wins over the default, and is split the same way', async () => {
  const dir = tempDir();
  const r = await cli([...args(dir), '--time-budget', '20m']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.deepEqual(read(dir).plan?.budget, { time_ms: 1_200_000, search_ms: 900_000, triage_ms: 300_000, source: 'given' });
  assert.doesNotMatch(r.stderr, /default time budget/);
});

test('--order dfs: the original order (a pair right after its single), no budget, nothing announced at start', async () => {
  const dir = tempDir();
  const r = await cli([...args(dir), '--order', 'dfs']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = read(dir);
  // Depth-first: the last single fault pushed runs first, then its 5 pairs, then the next single.
  assert.deepEqual(sizes(results).slice(0, 8), [0, 1, 2, 2, 2, 2, 2, 1]);
  assert.deepEqual([results.plan?.order, results.plan?.order_source, results.plan?.budget, results.options.time_budget_ms], ['dfs', 'given', null, null]);
  assert.doesNotMatch(r.stderr, /^exploring /m);
  assert.match(r.stderr, /plan: depth-first, in the original's order \(each fault followed by its combinations\), no time budget/);
  assert.ok(plain);
  assert.deepEqual(sets(results), sets(plain.results), 'the same fault sets, in another order');
});

test('--profile python: depth-first, no default budget', async () => {
  const dir = tempDir();
  const r = await cli([...args(dir), '--profile', 'python']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = read(dir);
  assert.deepEqual(sizes(results).slice(0, 8), [0, 1, 2, 2, 2, 2, 2, 1]);
  assert.deepEqual([results.plan?.order, results.plan?.budget, results.options.time_budget_ms, results.options.profile], ['dfs', null, null, 'python']);
});

test('a user-default run that meets Python services switches to depth-first without a budget, and says so', { timeout: 120_000 }, async () => {
  const config = writeJson(tempDir(), 'services.json', {
    services: { users: { command: `"${process.execPath}" "${join(DIST, 'test/fixtures/python-like/service.js')}"`, instrument: false, env: { ORCHESTRATOR_URL: '${orchestrator.url}' } } },
  });
  const test = { kind: 'module' as const, value: join(DIST, 'test/fixtures/python-like/test-module.js') };
  const said: string[] = [];
  const switched = await run({ test, servicesConfig: config, userDefaults: true, log: (m) => said.push(m) });
  const told = await run({ test, servicesConfig: config, profile: 'python' });
  assert.ok(said.some((m) => /switching to the Python profile \(--profile python\): the original call identity, one execution at a time, depth-first order, no default time budget$/.test(m)), said.join('\n'));
  const r = switched.results;
  assert.deepEqual([r.options.profile, r.options.order, r.options.time_budget_ms, r.plan?.order, r.plan?.budget], ['python', 'dfs', null, 'dfs', null]);
  const executed = (o: ExplorationOutcome) => o.results.executions.map((e) => `${e.status}:${e.faults.map((f) => f.description).join(' + ')}`);
  assert.deepEqual(executed(switched), executed(told));
});

test('a run stopped before triage: its failures grouped by signature (entry point, verdict, error, edges), never one per fault set', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [CLI, ...builtInCatalogue(args(dir, 'resilientUntilInterrupted'))]);
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', () => {});
  // The test's third failure never ends: interrupt once the first two are journaled.
  const journal = join(dir, 'journal.jsonl');
  const failures = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"verdict":"fail"')).length : 0);
  while (failures() < 2) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stdout);
  const results = read(dir);
  assert.equal(results.counts.failed, 2);
  const triage = results.triage!;
  assert.equal(triage.stopped, 'interrupted');
  assert.deepEqual([triage.minimisation_runs, triage.confirmation_runs], [0, 0]);
  assert.equal(triage.groups.length, 1, JSON.stringify(triage.groups));
  const [group] = triage.groups;
  const failing = results.executions.filter((e) => e.verdict === 'fail').map((e) => e.number);
  assert.equal(group.minimal, false);
  assert.deepEqual(group.executions, failing);
  assert.deepEqual(group.signature, {
    entry: 'GET /work on a',
    verdict: 'fail',
    error: 'AssertionError: Expected values to be strictly equal: 503 !== 200',
    edges: ['a → b'],
    words: 'fail at GET /work on a: AssertionError: Expected values to be strictly equal: 503 !== 200 (faults on a → b)',
    example: failing[0],
  });
  assert.equal(group.faults.length, 2, 'the example is a pair');
  assert.equal(group.counterexample, `counterexamples/execution-${failing[0]}.json`);
  assert.match(stdout, /1 distinct failure\(s\) among 2 failing execution\(s\), 0 reduced to a minimal fault set, 1 grouped by signature/);
  assert.match(stdout, new RegExp(`\\[1\\] fail at GET /work on a \\(not minimised: grouped by signature\\)\\n\\s+error: AssertionError.*\\n\\s+faulted edges: a → b\\n\\s+2 failing execution\\(s\\): #${failing[0]}, #${failing[1]}\\n\\s+for example #${failing[0]}: `));
  // No hash names a failure: no execution index in the summary.
  assert.doesNotMatch(stdout, /\[\["/);
});

test('--help says the defaults of --order, --time-budget and --exhaustive', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  const help = r.stdout.replace(/\s+/g, ' ');
  assert.match(help, /--order by-size \(the default\): every single fault, then every pair, \.\.\.; dfs \(the default with --profile python/);
  assert.match(help, /--time-budget .*Default: 10m in by-size order \(the default order\), none in dfs order or with --profile python\. Once there are failures, the search stops at 75% of it and triage has the rest/);
  assert.match(help, /--exhaustive no time budget: explore everything reachable \(lifts the default 10m of a by-size run; not with --time-budget\)/);
});

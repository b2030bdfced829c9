/**
 * `run --shard i/n` and `filibuster merge` end to end, on real services: without dynamic reduction the
 * merged shards are the unsharded run exactly (every execution's number, status, verdict and faults), on
 * the tutorial (from the CLI, its counterexample carried over and replayed), cinema-3 and netflix
 * (`--max-faults 1`: the full netflix run, ≈1,600 executions per shard, is in bench/shard.ts); with it,
 * the same failure groups. And the refusals: bad --shard values, options a shard cannot honour, shards
 * of different runs.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { mergeShards } from '../orchestrator/results/merge.js';
import { readShard, writeMerged } from '../orchestrator/results/merge-files.js';
import type { RunResults } from '../orchestrator/results/run-results.js';
import type { ExplorationOptions } from '../orchestrator/run/exploration.js';
import { catalogueFor } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object);

function schemaValid(results: unknown, what: string): void {
  assert.ok(validate(results), `${what}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;

/** Every execution as one line: what "the merged shards equal the unsharded run" compares. */
function executions(r: RunResults): string[] {
  return r.executions.map((e) => `${e.number} ${e.status} ${e.verdict ?? ''} ${e.faults.map((f) => f.description).join(' + ') || 'no fault'}`);
}

/** The failure groups by fault set and verdict (their numbers aside). */
function groups(r: RunResults): string[] {
  return (r.triage?.groups ?? []).map((g) => `${g.verdict}: ${g.faults.map((f) => f.description).join(' + ')}`).sort();
}

const TUTORIAL = ['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--no-analysis', '--port', '0'];
const EXACT = ['--order', 'dfs', '--disable-dynamic-reduction'];

/** n shards of one exploration, each in its own directory, then merged in memory and written. */
async function shardAndMerge(
  options: Partial<ExplorationOptions> & Pick<ExplorationOptions, 'test'>,
  count: number,
  perShard: (index: number) => Partial<ExplorationOptions> = () => ({}),
): Promise<{ merged: RunResults; shards: RunResults[] }> {
  const dirs: string[] = [];
  for (let index = 1; index <= count; index++) {
    const outputDir = tempDir();
    await run({ ...options, ...perShard(index), outputDir, shard: { index, count } });
    dirs.push(outputDir);
  }
  const shards = dirs.map(readShard);
  const { results, renumbering } = mergeShards(shards);
  writeMerged(tempDir(), shards, results, renumbering);
  return { merged: results, shards: shards.map((s) => s.results) };
}

test('tutorial from the CLI: 3 shards merged are the unsharded run, and the merged counterexample replays', async () => {
  const all = tempDir();
  assert.equal((await cli([...TUTORIAL, ...EXACT, '--output-dir', all])).code, 1);
  const dirs = [tempDir(), tempDir(), tempDir()];
  for (const [i, dir] of dirs.entries()) {
    const r = await cli([...TUTORIAL, ...EXACT, '--shard', `${i + 1}/3`, '--output-dir', dir]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stdout, new RegExp(`Shard ${i + 1}/3: reported its \\d+ own fault set\\(s\\); ran \\d+ of the other shards' only to discover its own`));
    schemaValid(read(dir), `shard ${i + 1}`);
  }
  const out = tempDir();
  const merge = await cli(['merge', ...dirs, '--output-dir', out]);
  assert.equal(merge.code, 1, merge.stdout + merge.stderr);
  assert.match(merge.stdout, /Merged 3 shards: 11 executions \(11 ran, 0 pruned\), 1 failing in 1 group\(s\)/);
  const merged = read(out);
  schemaValid(merged, 'merged');
  assert.deepEqual(executions(merged), executions(read(all)));
  assert.deepEqual(merged.counts, read(all).counts);
  assert.deepEqual(groups(merged), groups(read(all)));
  assert.ok(existsSync(join(out, 'report.html')) && readFileSync(join(out, 'junit.xml'), 'utf8').includes('<testsuite'));
  const failing = merged.executions.find((e) => e.verdict === 'fail')!;
  assert.equal(failing.counterexample, `counterexamples/execution-${failing.number}.json`);
  const replay = await cli(['--counterexample-file', join(out, failing.counterexample!), '--port', '0', '--output-dir', tempDir()]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);

  // Shards of different runs, a missing or a duplicate shard: refused, saying which.
  const refused = async (dirsGiven: string[], message: RegExp) => {
    const r = await cli(['merge', ...dirsGiven, '--output-dir', tempDir()]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
  };
  await refused([dirs[0], dirs[1]], /shard 3\/3 missing \(given: 1, 2\)/);
  await refused([dirs[0], dirs[1], dirs[1]], /are both shard 2\/3/);
  await refused([all, dirs[1]], /not the results of a shard \(run with --shard i\/n\)/);
  await refused([tempDir()], /no results\.json/);
  const other = tempDir();
  cpSync(dirs[2], other, { recursive: true });
  const changed = read(other);
  changed.options.max_faults = 2;
  writeFileSync(join(other, 'results.json'), JSON.stringify(changed));
  await refused([dirs[0], dirs[1], other], /not shards of one run: option max_faults is null in one and 2 in the other/);
  changed.options.max_faults = null;
  changed.shard!.fingerprint.catalogue = 'x';
  writeFileSync(join(other, 'results.json'), JSON.stringify(changed));
  await refused([dirs[0], dirs[1], other], /not shards of one run: different fault catalogues/);
  const four = await cli([...TUTORIAL, ...EXACT, '--shard', '4/4', '--output-dir', other]);
  assert.ok(four.code === 0 || four.code === 1, four.stderr);
  await refused([dirs[0], dirs[1], other], /is shard 4\/4, .* is shard 1\/3: not the same shard count/);
});

test('--shard refuses 0/3, 4/3, x, and options a shard cannot honour, with exit 2', async () => {
  for (const [value, message] of [
    ['0/3', /--shard 0\/3: the shard must be from 1 to 3/],
    ['4/3', /--shard 4\/3: the shard must be from 1 to 3/],
    ['x', /--shard must be i\/n/],
  ] as const) {
    const r = await cli([...TUTORIAL, '--shard', value, '--output-dir', tempDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const failFast = await cli([...TUTORIAL, '--shard', '1/2', '--fail-fast', '--output-dir', tempDir()]);
  assert.equal(failFast.code, 2);
  assert.match(failFast.stderr, /--shard 1\/2: --fail-fast stops at the first failure in one-worker order/);
  const resume = await cli([...TUTORIAL, '--shard', '1/2', '--resume', '--output-dir', tempDir()]);
  assert.equal(resume.code, 2);
  assert.match(resume.stderr, /--resume cannot continue a shard/);
});

const CINEMA_3 = {
  test: { kind: 'module' as const, value: join(DIST, 'functional-tests/cinema-3.js') },
  servicesConfig: join(ROOT, 'corpus/cinema-3/services.json'),
  catalogue: catalogueFor('cinema-3', 'static'),
  dynamicReduction: false,
};

test('cinema-3, static catalogue without dynamic reduction: 3 shards merged are the unsharded run (91 ran), shard 2 with 2 workers', async () => {
  const options = { ...CINEMA_3, order: 'dfs' as const };
  const unsharded = (await run(options)).results;
  assert.equal(unsharded.counts.ran, 91);
  const { merged, shards } = await shardAndMerge(options, 3, (index) => (index === 2 ? { workers: 2 } : {}));
  schemaValid(merged, 'merged');
  assert.deepEqual(executions(merged), executions(unsharded));
  assert.equal(shards.reduce((n, s) => n + s.shard!.own, 0), 90, 'every scheduled set is owned once');
  // Without --max-faults any set may discover others: each shard runs every one, reports its own.
  for (const s of shards) assert.equal(s.shard!.own + s.shard!.discovery, 90);
});

test('cinema-3 in by-size order (templated identity, calibrated), without dynamic reduction: 2 shards merged are the unsharded run', async () => {
  const options = { ...CINEMA_3, order: 'by-size' as const };
  const unsharded = (await run(options)).results;
  const { merged } = await shardAndMerge(options, 2);
  assert.equal(merged.options.order, 'by-size');
  assert.deepEqual(executions(merged), executions(unsharded));
  assert.ok(unsharded.executions.some((e) => e.faults.length === 2), 'pairs are explored after the single faults');
});

test('netflix --max-faults 1 without dynamic reduction: 3 shards merged are the unsharded run; others\' sets are skipped, not run', async () => {
  const options = {
    test: { kind: 'module' as const, value: join(DIST, 'functional-tests/netflix.js') },
    servicesConfig: join(ROOT, 'corpus/netflix/services.json'),
    catalogue: catalogueFor('netflix', 'static'),
    dynamicReduction: false,
    order: 'dfs' as const,
    maxFaults: 1,
  };
  const unsharded = (await run(options)).results;
  const { merged, shards } = await shardAndMerge(options, 3);
  assert.deepEqual(executions(merged), executions(unsharded));
  assert.equal(merged.counts.beyond_max_faults, unsharded.counts.beyond_max_faults);
  for (const s of shards) {
    assert.equal(s.shard!.discovery, 0, 'a single fault at --max-faults 1 discovers nothing');
    assert.equal(s.shard!.own + s.shard!.skipped, 25);
    assert.equal(s.counts.ran, s.shard!.own + 1);
  }
});

test('mailchimp, default catalogue with dynamic reduction (--max-faults 2): the merged shards find every failure group of the unsharded run', async (t) => {
  // Unbounded, each shard runs all 256 executions of this run (nothing is at a --max-faults level to
  // skip): ≈25 s each here, so the unbounded comparison is in bench/shard.ts (`mailchimp --reduction`).
  const options = {
    test: { kind: 'module' as const, value: `${join(DIST, 'functional-tests/mailchimp.js')}#getUrl` },
    servicesConfig: join(ROOT, 'corpus/mailchimp/services.json'),
    catalogue: catalogueFor('mailchimp', 'default'),
    dynamicReduction: true,
    order: 'dfs' as const,
    maxFaults: 2,
  };
  const unsharded = (await run(options)).results;
  assert.ok(groups(unsharded).length > 0, 'the unsharded run finds failures');
  const { merged, shards } = await shardAndMerge(options, 3);
  schemaValid(merged, 'merged');
  for (const g of groups(unsharded)) assert.ok(groups(merged).includes(g), `${g} is found by the shards`);
  // Pruning rests on the executions a shard ran; a shard that ran fewer prunes less, never more wrongly.
  const extra = merged.executions.length - unsharded.executions.length;
  assert.equal(merged.merged!.discovery, shards.reduce((n, s) => n + s.shard!.discovery, 0));
  t.diagnostic(`unsharded ${unsharded.counts.ran} ran + ${unsharded.counts.pruned} pruned; merged ${merged.counts.ran} ran + ${merged.counts.pruned} pruned (${extra} extra) and ${merged.merged!.discovery} discovery runs`);
});

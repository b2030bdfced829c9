/**
 * Sharding (`--shard i/n`, search/shard.ts) on a corpus app (netflix by default): the unsharded run, then
 * each of n shards one after the other (as n CI jobs would run side by side), merged; depth-first order
 * (the corpus's), static catalogue and no dynamic reduction unless told. Per shard: its own sets, its
 * discovery runs, the others' sets it skipped, its wall time; then the largest shard's own sets over the
 * smallest's, whether the merge equals the unsharded run (number, status, verdict and faults of every
 * execution) and, with reduction, whether it found every failure group, and how many executions it added.
 *
 *   node dist/bench/shard.js [app[#export]] [--shards 3] [--max-faults K] [--reduction] [--default-catalogue]
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { staticCatalogue } from '../orchestrator/cli/corpus-catalogue.js';
import { mergeShards } from '../orchestrator/results/merge.js';
import { readShard } from '../orchestrator/results/merge-files.js';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { explore, withDefaults, type ExplorationOptions } from '../orchestrator/run/exploration.js';
import { machine } from './overhead.js';
import { table } from './table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ShardBench {
  rows: (string | number)[][];
  ratio: number;
  equal: boolean;
  unshardedExecutions: number;
  unshardedWallS: number;
  /** Failure groups of the unsharded run the merge did not find. */
  missedGroups: string[];
  /** Executions of the merge beyond the unsharded run's (dynamic reduction prunes less in a shard). */
  extra: number;
}

export interface ShardBenchOptions {
  /** `app` or `app#export` (the functional test's export). */
  app: string;
  shards: number;
  maxFaults?: number;
  reduction?: boolean;
  defaultCatalogue?: boolean;
}

function groupsOf(r: RunResults): string[] {
  return (r.triage?.groups ?? []).map((g) => `${g.verdict}: ${g.faults.map((f) => f.description).join(' + ')}`);
}

function executionsOf(r: RunResults): string[] {
  return r.executions.map((e) => `${e.number} ${e.status} ${e.verdict ?? ''} ${e.faults.map((f) => f.description).join(' + ')}`);
}

export async function shardBench(o: ShardBenchOptions): Promise<ShardBench> {
  const [app, testExport] = o.app.split('#');
  const { shards } = o;
  const base = (outputDir: string): ExplorationOptions =>
    withDefaults({
      test: { kind: 'module', value: join(ROOT, 'dist/functional-tests', `${app}.js`) + (testExport ? `#${testExport}` : '') },
      servicesConfig: join(ROOT, 'corpus', app, 'services.json'),
      catalogue: o.defaultCatalogue ? FaultCatalogue.default() : staticCatalogue(ROOT, app),
      dynamicReduction: o.reduction ?? false,
      order: 'dfs',
      maxFaults: o.maxFaults,
      // Failure groups are only compared with reduction (without it, every execution is).
      triage: o.reduction ?? false,
      outputDir,
    });
  const temp = () => mkdtempSync(join(tmpdir(), 'filibuster-bench-shard-'));
  const unsharded = (await explore(base(temp()))).results;
  const dirs: string[] = [];
  for (let index = 1; index <= shards; index++) {
    const dir = temp();
    await explore({ ...base(dir), shard: { index, count: shards } });
    dirs.push(dir);
  }
  const read = dirs.map(readShard);
  const merged = mergeShards(read).results;
  const own = read.map((s) => s.results.shard!.own);
  const rows = read.map((s) => {
    const sh = s.results.shard!;
    return [`${sh.index}/${sh.count}`, sh.own, sh.discovery, sh.skipped, s.results.counts.ran + sh.discovery, s.results.wall_ms / 1000];
  });
  return {
    rows,
    ratio: Math.max(...own) / Math.min(...own),
    equal: JSON.stringify(executionsOf(merged)) === JSON.stringify(executionsOf(unsharded)),
    unshardedExecutions: unsharded.executions.length,
    unshardedWallS: unsharded.wall_ms / 1000,
    missedGroups: groupsOf(unsharded).filter((g) => !groupsOf(merged).includes(g)),
    extra: merged.executions.length - unsharded.executions.length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const o: ShardBenchOptions = {
    app: process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'netflix',
    shards: arg('--shards') ?? 3,
    maxFaults: arg('--max-faults'),
    reduction: process.argv.includes('--reduction'),
    defaultCatalogue: process.argv.includes('--default-catalogue'),
  };
  console.log(`${machine()}\n`);
  const b = await shardBench(o);
  const how = [o.defaultCatalogue ? 'default catalogue' : 'static catalogue', o.reduction ? 'dynamic reduction' : 'no dynamic reduction', 'dfs', ...(o.maxFaults ? [`--max-faults ${o.maxFaults}`] : [])];
  console.log(`${o.app}, ${how.join(', ')}: unsharded ${b.unshardedExecutions} executions in ${b.unshardedWallS.toFixed(1)} s`);
  console.log(table(['shard', 'own', 'discovery', 'skipped', 'ran in all', 'wall s'], b.rows));
  console.log(`largest / smallest own: ${b.ratio.toFixed(2)}; merged equals unsharded: ${b.equal ? 'yes' : 'no'}; failure groups missed: ${b.missedGroups.length ? b.missedGroups.join(', ') : 'none'}; extra executions: ${b.extra}`);
  if ((!o.reduction && !b.equal) || b.missedGroups.length > 0) process.exitCode = 1;
}

/**
 * Sharding (`--shard i/n`, search/shard.ts) on netflix: the unsharded run, then each of n shards one after
 * the other (as n CI jobs would run side by side), merged; static catalogue, no dynamic reduction,
 * depth-first order (the corpus's). Per shard: its own sets, its discovery runs, the others' sets it
 * skipped, its wall time; then the largest shard's own sets over the smallest's, and whether the merge
 * equals the unsharded run (number, status, verdict and faults of every execution).
 *
 *   node dist/bench/shard.js [--shards 3] [--max-faults K]
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
}

function executionsOf(r: RunResults): string[] {
  return r.executions.map((e) => `${e.number} ${e.status} ${e.verdict ?? ''} ${e.faults.map((f) => f.description).join(' + ')}`);
}

export async function shardBench(app: string, shards: number, maxFaults?: number): Promise<ShardBench> {
  const base = (outputDir: string): ExplorationOptions =>
    withDefaults({
      test: { kind: 'module', value: join(ROOT, 'dist/functional-tests', `${app}.js`) },
      servicesConfig: join(ROOT, 'corpus', app, 'services.json'),
      catalogue: staticCatalogue(ROOT, app),
      dynamicReduction: false,
      order: 'dfs',
      maxFaults,
      triage: false,
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
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const shards = arg('--shards') ?? 3;
  const maxFaults = arg('--max-faults');
  console.log(`${machine()}\n`);
  const b = await shardBench('netflix', shards, maxFaults);
  console.log(`netflix, static catalogue, no dynamic reduction, dfs${maxFaults ? `, --max-faults ${maxFaults}` : ''}: unsharded ${b.unshardedExecutions} executions in ${b.unshardedWallS.toFixed(1)} s`);
  console.log(table(['shard', 'own', 'discovery', 'skipped', 'ran in all', 'wall s'], b.rows));
  console.log(`largest / smallest own: ${b.ratio.toFixed(2)}; merged equals unsharded: ${b.equal ? 'yes' : 'NO'}`);
  if (!b.equal) process.exitCode = 1;
}

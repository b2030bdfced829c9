/**
 * Sharding an exploration across a CI's parallel jobs (`--shard i/n`, the convention of Playwright and
 * Jest; i is 1-based).
 *
 * Ownership: a fault set belongs to shard `1 + (h mod n)`, where h is the first four bytes of the SHA-1 of
 * its fault-set id, read as a big-endian unsigned integer. The fault-set id (`faultSetId`) is the set's
 * (execution index, fault) pairs, sorted by execution index (`sortFailures`, as everywhere), each the
 * canonical JSON (model.ts `stableJson`) of `[execution_index, forced_exception, failure_metadata]`
 * (null where absent), joined by `|`. It is `faultSetKey` without the call's args: with the original
 * identity the args hold the callee's port, which differs from one job to the next when services take
 * any free port, while the execution index names the callee by its service name (call-identity.ts).
 *
 * Every shard runs the same search. A scheduled execution the shard owns is run (or pruned) and reported
 * as the shard's own. One it does not own is still run when it may discover owned sets ("discovery run":
 * its calls go to the explorer, its verdict is not reported: it belongs to its owner), except when it can
 * discover nothing: a set already at `--max-faults` has no child to schedule, so it is skipped. Whether any
 * other set has children is only known by running it, so without `--max-faults` a shard runs every
 * execution and reports a third of them; sharding pays at the deepest level of a bounded search.
 *
 * The fault-free execution belongs to every shard: every shard needs it (calibration, the plan, the
 * first children), and every shard reports it as execution 1; the merge keeps one.
 *
 * One-worker order: each scheduled execution carries its path from the fault-free execution (the
 * position of each ancestor among its parent's candidate children, explorer.ts). The one-worker order is
 * a function of the paths and the exploration order (`compareInOrder`), so the merge can number the
 * shards' executions as one worker would have, without a shard knowing the others.
 */
import { hash } from 'node:crypto';
import { InvalidOptionError } from '../option-error.js';
import type { ExplorationOrder } from './frontier.js';
import { sortFailures, stableJson, type Failure } from './model.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** `--shard i/n`: whole numbers, 1 ≤ i ≤ n. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InvalidOptionError(`--shard must be i/n, this job's shard and the number of shards, e.g. 2/3 (got ${JSON.stringify(text)})`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new InvalidOptionError(`--shard ${text}: the number of shards must be at least 1`);
  if (index < 1 || index > count) throw new InvalidOptionError(`--shard ${text}: the shard must be from 1 to ${count} (shards are numbered from 1, as in Playwright and Jest)`);
  return { index, count };
}

/** The same text for the same (execution index, fault) pairs, in any order and whatever port a callee had. */
export function faultSetId(failures: readonly Failure[]): string {
  return sortFailures([...failures])
    .map((f) => stableJson([f.execution_index, f.forced_exception ?? null, f.failure_metadata ?? null]))
    .join('|');
}

/** The shard (1-based) a fault set belongs to. */
export function shardOf(failures: readonly Failure[], count: number): number {
  const digest = hash('sha1', faultSetId(failures), 'hex');
  return 1 + (parseInt(digest.slice(0, 8), 16) % count);
}

/** What a shard does with a scheduled execution. */
export type ShardRole = 'own' | 'discover' | 'skip';

export function roleOf(failures: readonly Failure[], shard: ShardSpec, maxFaults: number | undefined): ShardRole {
  if (shardOf(failures, shard.count) === shard.index) return 'own';
  return maxFaults !== undefined && failures.length >= maxFaults ? 'skip' : 'discover';
}

/**
 * Negative when `a` runs before `b` with one worker, in this order. Paths are the candidate positions
 * from the fault-free execution (the empty path) down.
 *
 * - dfs, a last-pushed-first stack: an ancestor runs before its descendants; where two paths first differ,
 *   the later candidate (higher position) runs first, its whole subtree with it.
 * - by-size: fewer faults first (a path's length is its number of faults). Within one size the bucket is
 *   a stack filled by the previous size's executions in their run order: children of the parent that ran
 *   last come first, and siblings last-pushed-first. So where two equal-length paths first differ, at
 *   depth d of length L, the higher position comes first when L − d is even, the lower when it is odd.
 */
export function compareInOrder(a: readonly number[], b: readonly number[], order: ExplorationOrder): number {
  if (order === 'by-size' && a.length !== b.length) return a.length - b.length;
  const n = Math.min(a.length, b.length);
  for (let d = 0; d < n; d++) {
    if (a[d] === b[d]) continue;
    const later = b[d] - a[d];
    if (order === 'dfs') return later;
    return (a.length - 1 - d) % 2 === 0 ? later : -later;
  }
  return a.length - b.length;
}

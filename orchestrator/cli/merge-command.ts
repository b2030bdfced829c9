/**
 * `filibuster merge DIR... [--output-dir OUT]`: the output directories of every shard of one run
 * (`--shard i/n`) as one run's results (results/merge.ts). Exit codes as `run`'s: 0 every execution
 * passed, 1 failures found, 2 usage error (shards of different runs, a missing or duplicate shard),
 * 3 inconclusive executions.
 */
import { mergeShards, MergeError } from '../results/merge.js';
import { readShard, writeMerged } from '../results/merge-files.js';
import { EXIT, UsageError } from './run-command.js';

export function runMerge(dirs: readonly string[], outputDir: string, out: (text: string) => void): number {
  try {
    const shards = dirs.map(readShard);
    const { results, renumbering } = mergeShards(shards);
    const path = writeMerged(outputDir, shards, results, renumbering);
    const c = results.counts;
    const failing = c.failed + c.crashed + c.hung + c.leaked;
    out(
      `Merged ${results.merged!.count} shards: ${results.executions.length} executions (${c.ran} ran, ${c.pruned} pruned), ${failing} failing` +
        `${results.triage ? ` in ${results.triage.groups.length} group(s)` : ''}; ${results.merged!.discovery} discovery runs besides.\n` +
        `${results.complete ? 'Complete' : `Incomplete: ${results.stop_reason}`}.\nResults: ${path}\n`,
    );
    if (failing > 0 || results.properties?.some((p) => !p.satisfied)) return EXIT.failures;
    return c.inconclusive > 0 ? EXIT.infrastructure : EXIT.ok;
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * One shard's side of a sharded exploration (`--shard i/n`; the algorithm is in search/shard.ts): what it
 * does with each scheduled execution, what it counts, and the `shard` section of its results.json.
 *
 * The shard's own executions are numbered 1, 2, ... in its results.json as any run's are (the fault-free
 * one is 1); each carries its path, from which `filibuster merge` renumbers them in one-worker order.
 * Budgets count in one-worker numbers (`numbered`): every execution the search hands out, whoever owns
 * it, so `--max-tests N` on every shard covers together the first N executions of the unsharded run.
 */
import { createHash } from 'node:crypto';
import { sha256OfFile } from '../results/counterexample.js';
import type { ExecutionResult, ShardSection } from '../results/run-results.js';
import { InvalidOptionError } from '../option-error.js';
import type { Explorer } from '../search/explorer.js';
import type { ScheduledExecution } from '../search/model.js';
import { roleOf, type ShardRole, type ShardSpec } from '../search/shard.js';
import type { ExplorationOptions } from './exploration-options.js';

/** The options a shard cannot honour, refused before anything starts. */
export function refuseWithShard(options: ExplorationOptions): void {
  const at = `--shard ${options.shard!.index}/${options.shard!.count}`;
  if (options.counterexample) throw new InvalidOptionError(`${at} splits an exploration; a counterexample replay is one execution: drop --shard`);
  if (options.resume) throw new InvalidOptionError(`${at}: --resume cannot continue a shard (its discovery runs are not journaled): run the shard again`);
  if (options.failFast) throw new InvalidOptionError(`${at}: --fail-fast stops at the first failure in one-worker order, which no shard sees alone: drop one of them`);
  if (options.coverage) throw new InvalidOptionError(`${at}: --coverage is recorded per run and \`filibuster merge\` does not combine it: drop one of them`);
}

export class ShardRun {
  readonly spec: ShardSpec;
  private readonly maxFaults?: number;
  private readonly fingerprint: ShardSection['fingerprint'];
  /** Executions handed out so far in one-worker order, the fault-free one included. */
  numbered = 0;
  own = 0;
  discovery = 0;
  skipped = 0;
  /** Fault sets left unscheduled by the own executions' completions (each set counted by its parent's owner). */
  beyondMaxFaults = 0;
  filteredOut = 0;
  /** The path of each own execution, by its number in this shard. */
  private readonly paths = new Map<number, readonly number[]>();

  constructor(options: ExplorationOptions, maxFaults: number | undefined) {
    refuseWithShard(options);
    this.spec = options.shard!;
    this.maxFaults = maxFaults;
    this.fingerprint = {
      catalogue: structuralDigest(options.catalogue),
      services: options.servicesConfig ? (sha256OfFile(options.servicesConfig) ?? null) : null,
      service_env: structuralDigest(options.serviceEnv ?? {}),
    };
  }

  /** The search handed out an execution: its role here. */
  handOut(execution: ScheduledExecution): ShardRole {
    this.numbered++;
    return roleOf(execution.failures, this.spec, this.maxFaults);
  }

  /** Whether a run ahead of its turn (parallel.ts) would be thrown away: others' sets at --max-faults. */
  skips(execution: ScheduledExecution): boolean {
    return roleOf(execution.failures, this.spec, this.maxFaults) === 'skip';
  }

  /** An own execution took this number in the shard. */
  recordOwn(number: number, path: readonly number[]): void {
    if (path.length > 0) this.own++;
    this.paths.set(number, path);
  }

  /**
   * Completes an execution in the explorer and counts what its completion left unscheduled, when it is
   * this shard's to count: an own execution, or the fault-free one on shard 1 (every shard runs it).
   */
  complete(explorer: Explorer, number: number, execution: ScheduledExecution | undefined, calls: Parameters<Explorer['complete']>[2], own: boolean): void {
    const beyond = explorer.beyondMaxFaults;
    const filtered = explorer.filteredOut;
    explorer.complete(number, execution, calls);
    if (!own || (!execution && this.spec.index !== 1)) return;
    this.beyondMaxFaults += explorer.beyondMaxFaults - beyond;
    this.filteredOut += explorer.filteredOut - filtered;
  }

  /** What is left on the frontier that this shard owns (not explored, if the run stopped). */
  pendingOwn(explorer: Explorer): number {
    let n = 0;
    for (const e of explorer.upcoming()) if (roleOf(e.failures, this.spec, this.maxFaults) === 'own') n++;
    return n;
  }

  /** The executions with their paths, for the merge. */
  withPaths(executions: ExecutionResult[]): ExecutionResult[] {
    return executions.map((e) => ({ ...e, path: [...(this.paths.get(e.number) ?? [])] }));
  }

  section(): ShardSection {
    return { index: this.spec.index, count: this.spec.count, own: this.own, discovery: this.discovery, skipped: this.skipped, fingerprint: this.fingerprint };
  }
}

/**
 * A digest of a value's structure (a fault catalogue is a class holding patterns and maps): equal for
 * catalogues read from equal files, different when any entry, pattern or code differs.
 */
function structuralDigest(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
    if (v instanceof Map) return { map: [...v.entries()] };
    if (v instanceof Set) return { set: [...v] };
    return v;
  });
  return createHash('md5').update(text ?? '').digest('hex');
}

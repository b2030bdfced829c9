/**
 * Budgets: when an exploration stops before its frontier is empty.
 *
 * - maxTests: the original's NUM_TESTS. It counts executions by their number, so the fault-free execution
 *   and pruned executions count (a pruned one costs no test run but takes a number, as in the original);
 *   triage replays do not count. `--max-tests 50` ends the run once execution 50 has been run or pruned.
 * - timeBudgetMs: wall time from the start of the run. Checked before each scheduled execution (the one in
 *   flight always finishes, so the run may overshoot by one execution) and before each triage replay. The
 *   fault-free execution always runs: nothing can be explored without it.
 * A run that stops for a budget says so: `complete` is false and the executions left on the frontier are
 * counted as not explored.
 */
import { InvalidOptionError } from '../option-error.js';

export interface BudgetOptions {
  maxTests?: number;
  timeBudgetMs?: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "5m", "1.5h", "500ms", or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(text));
  if (!m) throw new InvalidOptionError(`--time-budget: ${JSON.stringify(text)} is not a duration (e.g. 90s, 5m, 1h, 500ms; a bare number is seconds)`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's'];
  if (!(ms > 0)) throw new InvalidOptionError(`--time-budget: ${JSON.stringify(text)} must be more than zero`);
  return ms;
}

/** A positive whole number, or a clear complaint naming the flag. */
export function positiveInteger(flag: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(`${flag} must be a whole number of at least 1 (got ${JSON.stringify(value)})`);
  }
  return value;
}

export class Budget {
  private readonly maxTests?: number;
  private readonly deadline?: number;
  private readonly timeText?: string;

  constructor(options: BudgetOptions, startedAt: number) {
    if (options.maxTests !== undefined) this.maxTests = positiveInteger('--max-tests', options.maxTests);
    if (options.timeBudgetMs !== undefined) {
      if (!(options.timeBudgetMs > 0)) throw new InvalidOptionError(`--time-budget must be more than zero (got ${options.timeBudgetMs} ms)`);
      this.deadline = startedAt + options.timeBudgetMs;
      this.timeText = formatDuration(options.timeBudgetMs);
    }
  }

  /** Why no further execution may start after execution `numbered` (run or pruned), or undefined. */
  exhaustedAfter(numbered: number): string | undefined {
    if (this.maxTests !== undefined && numbered >= this.maxTests) return `--max-tests ${this.maxTests} reached`;
    return this.timeUp();
  }

  /** How many more executions may be numbered after execution `numbered` (Infinity without --max-tests). */
  remainingAfter(numbered: number): number {
    if (this.timeUp()) return 0;
    return this.maxTests === undefined ? Infinity : Math.max(0, this.maxTests - numbered);
  }

  /** Why no further run (of any kind) may start, counting time only. */
  timeUp(): string | undefined {
    if (this.deadline !== undefined && Date.now() >= this.deadline) return `--time-budget ${this.timeText} used up`;
    return undefined;
  }
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

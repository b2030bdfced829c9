/**
 * Budgets: when an exploration stops before its frontier is empty.
 *
 * - maxTests: the original's NUM_TESTS. It counts executions by their number, so the fault-free execution
 *   and pruned executions count (a pruned one costs no test run but takes a number, as in the original);
 *   triage replays do not count. `--max-tests 50` ends the run once execution 50 has been run or pruned.
 * - timeBudgetMs: wall time from the start of the run. Checked before each scheduled execution (the one in
 *   flight always finishes, so the run may overshoot by one execution) and before each triage replay. The
 *   fault-free execution always runs: nothing can be explored without it.
 * - The time budget is shared with triage: once the search has failures to triage, it stops starting
 *   executions at SEARCH_SHARE of the budget, and triage has the rest (it stops at the full budget). A
 *   search with nothing to triage (no failure yet, or triage off) may use the whole budget.
 * A run that stops for a budget says so: `complete` is false and the executions left on the frontier are
 * counted as not explored.
 */
import { InvalidOptionError } from '../option-error.js';

export interface BudgetOptions {
  maxTests?: number;
  timeBudgetMs?: number;
  /** 'default': the time budget is the run's default (stop reasons say so, and how to lift it); 'given' otherwise. */
  timeSource?: 'given' | 'default';
}

/**
 * The search's share of a time budget once there are failures to triage. Without a share, a search that
 * finds failures runs to the deadline and leaves triage no time: the report then lists every failing
 * execution unminimised. Minimising a failure costs a few replays (most probes are answered by executions
 * already run), so a quarter of the budget reduces many groups, while three quarters still cover the
 * single faults of a typical application first (by-size order).
 */
export const SEARCH_SHARE = 0.75;

/** How a time budget is split between the search and triage (results.json → plan.budget). */
export interface BudgetSplit {
  time_ms: number;
  /** When the search stops starting executions, from the start, once there are failures to triage. */
  search_ms: number;
  triage_ms: number;
  source: 'given' | 'default';
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
  private readonly options: BudgetOptions;
  private readonly startedAt: number;
  readonly maxTests?: number;
  private readonly deadline?: number;
  private readonly searchDeadline?: number;
  /** "--time-budget 5m", or "the default time budget of 10m". */
  private readonly timeText?: string;

  constructor(options: BudgetOptions, startedAt: number) {
    this.options = options;
    this.startedAt = startedAt;
    if (options.maxTests !== undefined) this.maxTests = positiveInteger('--max-tests', options.maxTests);
    if (options.timeBudgetMs !== undefined) {
      if (!(options.timeBudgetMs > 0)) throw new InvalidOptionError(`--time-budget must be more than zero (got ${options.timeBudgetMs} ms)`);
      this.deadline = startedAt + options.timeBudgetMs;
      this.searchDeadline = startedAt + searchShareOf(options.timeBudgetMs);
      const text = formatDuration(options.timeBudgetMs);
      this.timeText = options.timeSource === 'default' ? `the default time budget of ${text}` : `--time-budget ${text}`;
    }
  }

  /** The time budget in ms, if any. */
  get timeMs(): number | undefined {
    return this.options.timeBudgetMs;
  }

  /** The same budget without its time bound (the run left the profile whose default it was). */
  withoutTime(): Budget {
    return new Budget({ maxTests: this.maxTests }, this.startedAt);
  }

  /** How the time budget is shared between the search and triage (triage off: the search has it all). */
  split(triage: boolean): BudgetSplit | undefined {
    const time = this.options.timeBudgetMs;
    if (time === undefined) return undefined;
    const search = triage ? searchShareOf(time) : time;
    return { time_ms: time, search_ms: search, triage_ms: time - search, source: this.options.timeSource ?? 'given' };
  }

  /**
   * Why no further execution may start after execution `numbered` (run or pruned), or undefined.
   * `reserveForTriage`: there are failures to triage, so the search keeps to its share of the time.
   */
  exhaustedAfter(numbered: number, reserveForTriage = false): string | undefined {
    if (this.maxTests !== undefined && numbered >= this.maxTests) return `--max-tests ${this.maxTests} reached`;
    return reserveForTriage ? this.searchTimeUp() : this.timeUp();
  }

  /** How many more executions may be numbered after execution `numbered` (Infinity without --max-tests). */
  remainingAfter(numbered: number, reserveForTriage = false): number {
    if (reserveForTriage ? this.searchTimeUp() : this.timeUp()) return 0;
    return this.maxTests === undefined ? Infinity : Math.max(0, this.maxTests - numbered);
  }

  /** Why no further run (of any kind) may start, counting time only. */
  timeUp(): string | undefined {
    if (this.deadline !== undefined && Date.now() >= this.deadline) return `${this.timeText} used up${this.options.timeSource === 'default' ? ' (--exhaustive lifts it)' : ''}`;
    return undefined;
  }

  /** Why the search may start no further execution when the rest of the time is kept for triage. */
  private searchTimeUp(): string | undefined {
    if (this.searchDeadline === undefined || Date.now() < this.searchDeadline) return undefined;
    const share = formatDuration(this.searchDeadline - this.startedAt);
    return `the search's share of ${this.timeText} (${share}) used up; the rest is kept for triage`;
  }
}

/** The search's share of a time budget, in whole ms. */
function searchShareOf(timeMs: number): number {
  return Math.round(timeMs * SEARCH_SHARE);
}

/** "10m", "7m30s", "90s" → "1m30s", "1500ms" → "1.5s", "750ms". */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 60_000 && ms % 1000 === 0) return `${Math.floor(ms / 60_000)}m${(ms % 60_000) / 1000}s`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms > 1000 && ms % 100 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * Inconclusive executions are re-run (DESIGN §6, §8). An execution is inconclusive when the orchestrator
 * cannot vouch for what it ran: a decision that did not arrive in time, a planned fault that was never
 * injected, calls still open after the test ended, or a scheduled prefix that was not reproduced. Such an
 * outcome says nothing about the application, so the same fault set is run again, each attempt under a
 * fresh execution id (late messages from an abandoned attempt are then recognised as late), up to
 * `retries` more times. The first definite verdict replaces the inconclusive ones; if every attempt is
 * inconclusive, the execution is reported inconclusive — never "passed" with a fault missing.
 */
import type { Verdict } from '../results/run-results.js';

export const DEFAULT_INCONCLUSIVE_RETRIES = 2;

/** What the retry loop needs of one attempt's outcome. */
export interface Judged {
  judgement: { verdict: Verdict; detail?: string };
}

export interface Attempts<R extends Judged> {
  /** The attempt that counts: the first definite one, else the last. */
  run: R;
  /** How many attempts were made (1 = no re-run). */
  attempts: number;
  /** Why each discarded attempt was inconclusive, in order. */
  discarded: string[];
}

/**
 * Runs `attempt(1)`, and while the verdict is inconclusive, `attempt(2)`, ... up to `1 + retries` in all.
 * `stop()` (an interruption, a budget) ends the loop early with the last attempt's outcome.
 */
export async function runUntilDefinite<R extends Judged>(
  attempt: (n: number) => Promise<R>,
  retries: number,
  stop: () => boolean = () => false,
  beforeRetry: (inconclusive: R) => Promise<void> | void = () => {},
): Promise<Attempts<R>> {
  const discarded: string[] = [];
  let n = 1;
  let run = await attempt(n);
  while (run.judgement.verdict === 'inconclusive' && n <= retries && !stop()) {
    discarded.push(run.judgement.detail ?? 'inconclusive');
    await beforeRetry(run);
    n++;
    run = await attempt(n);
  }
  return { run, attempts: n, discarded };
}

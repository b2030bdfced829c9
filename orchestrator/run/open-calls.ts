/**
 * Calls left open: calls with no outcome (no response, no error) once the test has ended and the grace
 * period has run out. They are findings, never a reason to call the execution a tool problem (DESIGN §15):
 *
 *  - **never returned**: the test failed or hung, or ended without the answer to its own request, while
 *    its entry request still waited and calls stayed open past the bound below. No timer the
 *    instrumentation can see would end them: the caller has no timeout, or one of its own that we cannot
 *    see (a breaker's setTimeout or Promise.race). Verdict `hang`, finding `never-returned`;
 *  - **leak**: the entry requests were answered and the test ended, yet a call is still open: its caller
 *    gave up on it without aborting it, and the socket stays open until the callee answers (verdict `leak`,
 *    confirmed by a replay before it is reported: leak-confirmation.ts).
 */
import { callInWords, faultInWords, type Call } from '../search/model.js';

/**
 * The margin above the longest visible caller timeout: a visible timer fires within its timeout (plus
 * scheduling slack), so a call open that much longer is one no visible timer ends; the margin also spares
 * a callee that is slow but answers. It is below the 10 s by which the test's default timeout exceeds the
 * same longest timeout (execution-runs.ts): with the default, a test that hangs has its calls past the bound.
 */
export const NEVER_RETURNED_MARGIN_MS = 1_000;

/**
 * The longest caller timeout the run has seen, over every call of every execution so far (in the
 * fault-free execution first): what bounds how long a call may stay open before it "never returned".
 */
export class TimeoutsSeen {
  private longestMs = 0;

  note(calls: readonly Call[]): void {
    for (const c of calls) {
      const seconds = Number(c.metadata.timeout);
      if (Number.isFinite(seconds) && seconds > 0) this.longestMs = Math.max(this.longestMs, seconds * 1000);
    }
  }

  /**
   * How long a call must have been open to have never returned: the longest visible timeout plus the
   * margin, and never more than the execution's own timeout (a call open as long as the whole test was
   * allowed to run is past anything the user waits for).
   */
  boundMs(testTimeoutMs: number): number {
    return Math.min(testTimeoutMs, this.longestMs + NEVER_RETURNED_MARGIN_MS);
  }
}

/** Frames in an execution index: a call made while serving another is one deeper. */
function depth(c: Call): number {
  return c.ei.match(/\["/g)?.length ?? 0;
}

/**
 * The calls still open, nearest the cause first: a faulted call, then the deepest (its caller waits on
 * it, and that caller's own caller on that one), then in canonical order.
 */
export function openCallsOf(calls: readonly Call[], open: ReadonlyMap<number, unknown>): Call[] {
  return calls
    .filter((c) => open.has(c.generatedId))
    .sort((a, b) => Number(!!b.failure) - Number(!!a.failure) || depth(b) - depth(a) || a.position - b.position);
}

function faultOn(c: Call): string {
  return c.failure ? `fault: ${faultInWords(c.failure)}` : '';
}

/**
 * Why a call never returned, one line per open call: "call a → b (GET /work) never returned: no timeout
 * visible (fault: black hole)"; a caller with a visible timeout that did not end the call is said so.
 */
export function neverReturned(open: readonly Call[]): string[] {
  return open.map((c) => {
    const timeout = Number(c.metadata.timeout);
    const fault = faultOn(c) ? ` (${faultOn(c)})` : '';
    const why = Number.isFinite(timeout) && timeout > 0 ? ` although the caller has a timeout of ${timeout} s` : ': no timeout visible';
    return `call ${callInWords(c)} never returned${why}${fault}`;
  });
}

/** One line per call abandoned by its caller after the test ended. */
export function leaked(open: readonly Call[]): string[] {
  return open.map((c) => {
    const fault = faultOn(c) ? `; ${faultOn(c)}` : '';
    return `call ${callInWords(c)} was still open after the test ended: its caller abandoned it without aborting it (a socket leak${fault})`;
  });
}

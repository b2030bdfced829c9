/**
 * A test hook, used only by the kill -9 tests (test/kill9-crash-points.test.ts): it places a SIGKILL
 * exactly inside a results write, which a kill from outside at a random moment practically never hits.
 *
 *   FILIBUSTER_TEST_SIGKILL_AT=<point>:<n>
 *
 * with <point> `journal-append` or `counterexample-write` and <n> a count from 1: the n-th write at that
 * point in this process writes the first half of its bytes, then the process sends itself SIGKILL. The
 * variable is read once, when this module loads, and removed from the environment so that nothing this
 * process starts inherits it. Any other value (or none) does nothing.
 */

export const CRASH_HOOK_VAR = 'FILIBUSTER_TEST_SIGKILL_AT';

export type CrashPoint = 'journal-append' | 'counterexample-write';

const armed = /^(journal-append|counterexample-write):([1-9][0-9]{0,5})$/.exec(process.env[CRASH_HOOK_VAR] ?? '');
delete process.env[CRASH_HOOK_VAR];
const point = armed?.[1] as CrashPoint | undefined;
let countdown = armed ? Number(armed[2]) : 0;

/**
 * Called before each write at `at`. Unarmed (always, outside the kill -9 tests) it returns at once. At the
 * armed write it hands the first half of `bytes` to `writePart` and kills this process: it never returns.
 */
export function crashPoint(at: CrashPoint, bytes: Buffer, writePart: (part: Buffer) => void): void {
  if (point !== at || --countdown !== 0) return;
  writePart(bytes.subarray(0, Math.floor(bytes.length / 2)));
  process.kill(process.pid, 'SIGKILL');
}

/**
 * What a reader needs to understand a failing execution, kept on its result line and in its counterexample
 * (failing executions only: passing ones would make results.json grow with every execution for nothing):
 *   - `output`: what the test printed and threw (command: `stdout`, `stderr`; module: `error` with its
 *     stack and causes, `console`: what the test function wrote while it ran);
 *   - `entry`: the responses the entry services sent the test, with their headers and a body excerpt;
 *   - `logs`: what each service the runner started wrote while the execution ran, and `logs_note`: what
 *     those lines cannot say (other executions' lines under --workers, services given by url).
 * Every text is bounded (head and tail, "… N bytes cut …" between) and our X-Filibuster-* headers are
 * left out (runner/bounded-text.ts).
 */
import type { TestOutput } from '../runner/test-runner.js';
import type { EntryResponse } from '../server/execution.js';

export type { TestOutput };

export interface ReadableFailure {
  output?: TestOutput;
  entry?: EntryResponse[];
  logs?: Record<string, string>;
  logs_note?: string;
}

/** An entry response as every execution keeps it: what the resiliency matrix compares, without the texts. */
export function entrySummary(e: EntryResponse): EntryResponse {
  const { headers: _headers, body_excerpt: _excerpt, body_bytes: _bytes, ...summary } = e;
  return summary;
}

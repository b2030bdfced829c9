/**
 * A leak is confirmed before it is reported (DESIGN §15): the same fault set runs once more, unnumbered
 * (as triage's replays are: not an execution of the search), and the execution's verdict is "leak" only
 * when that replay leaks too. A call left open once may be something slow that happened to overlap the
 * end of the test; left open again under the same faults, it is the application's doing. A replay that
 * does not leak makes the execution "inconclusive", re-run like any other (inconclusive-retry.ts); a
 * confirmed leak is a definite verdict, never re-run as a tool problem.
 */
import type { Run } from './test-bed.js';

export async function confirmLeak<R extends Run>(run: R, replay: () => Promise<Run>): Promise<R> {
  if (run.judgement.verdict !== 'leak') return run;
  const again = await replay();
  const detail = run.judgement.detail ?? 'a call was still open after the test ended';
  if (again.judgement.verdict === 'leak') return { ...run, judgement: { ...run.judgement, detail: `${detail} (confirmed by a replay of the same faults)` } };
  const said = again.judgement.verdict === 'pass' ? 'left no call open' : `was ${again.judgement.verdict}${again.judgement.detail ? ` (${again.judgement.detail.split('\n')[0]})` : ''}`;
  return { ...run, judgement: { verdict: 'inconclusive', detail: `${detail}; not confirmed: a replay of the same faults ${said}` } };
}

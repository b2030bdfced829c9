/**
 * Services that keep state between executions (a circuit breaker left open, a cache, a counter) make an
 * execution depend on the ones before it: a call of the scheduled prefix is not made at all, and no fault
 * explains it. When that happens, the service that did not make the call is restarted before every
 * execution from then on (as `"betweenExecutions": "restart"` in the services config would), and the run
 * says so; the inconclusive attempt is then re-run on the fresh service (inconclusive-retry.ts). Only when
 * executions run one at a time: under --workers a restart would cut the executions in flight, and the
 * advice in the inconclusive verdict says what to configure.
 */
import { callInWords } from '../search/model.js';
import type { TestBed } from './test-bed.js';
import type { Judgement } from './verdict.js';

export class KeptState {
  private readonly bed: TestBed;
  private readonly log: (message: string) => void;
  private readonly oneAtATime: () => boolean;
  /** Services already considered (restarted from now on, or not restartable). */
  private readonly seen = new Set<string>();

  constructor(bed: TestBed, log: (message: string) => void, oneAtATime: () => boolean) {
    this.bed = bed;
    this.log = log;
    this.oneAtATime = oneAtATime;
  }

  /** Called before an inconclusive attempt is re-run. */
  beforeRetry(judgement: Judgement): void {
    const why = judgement.notReproduced;
    const missing = why?.diverged;
    if (!missing || !why.advice?.key.startsWith('absent ') || !this.oneAtATime()) return;
    if (this.seen.has(missing.source)) return;
    this.seen.add(missing.source);
    if (!this.bed.restartBeforeEachExecution(missing.source)) return;
    this.log(
      `service ${missing.source} keeps state between executions: the call ${callInWords(missing)} was not made at all, and no fault explains it ` +
        `(a circuit breaker left open, a cache?); it is restarted before every execution from now on ` +
        `(give it "betweenExecutions": "restart", or { "reset": "/path" }, in the services config to start that way)`,
    );
  }
}

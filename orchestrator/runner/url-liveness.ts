/**
 * Is a service the runner did not start (a `url` service: a container, a pod) still up? Its process is not
 * ours to watch (liveness.ts reads /proc for those the runner started), so after each execution it gets one
 * health probe, the check it passed at start. A failed probe is confirmed by a second before the service
 * is called down: one slow answer is not a crash.
 */
import { describeProbe, probeOnce, type Probe } from './health.js';

/** The longest one probe may take. */
const PROBE_MS = 2_000;

/** Undefined when the service answers its health check; else how it is down, in the words of a crash. */
export async function downAfterExecution(probe: Probe): Promise<string | undefined> {
  let attempt = await probeOnce(probe, PROBE_MS);
  if (attempt.up) return undefined;
  attempt = await probeOnce(probe, PROBE_MS);
  if (attempt.up) return undefined;
  return `is down: its health check failed after the execution, twice (${describeProbe(probe)}; ${attempt.saw})`;
}

/** What stands for the log tail of a `url` service in a crash's detail. */
export const NOT_OUR_LOG = '(not collected: the service was given by url, the runner did not start it)';

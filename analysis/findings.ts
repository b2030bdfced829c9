/**
 * Findings: failures of an outbound call that the service does not handle, listed before any run.
 * A connection refused that is not (or not always) handled; a timeout, where the call has a timeout
 * the instrumentation can fault, that is not handled; a response whose status is never looked at; and a
 * call with no timeout at all (or maybe none): a callee that never answers hangs it, and the request it
 * serves. A timeout the instrumentation cannot see (got's own timers) is a timeout all the same, so no
 * finding; a black hole (`--with-conditions`, `run --conditions blackhole`) is how to test it.
 */
import { callSiteInWords } from './call-names.js';
import type { CallSite, Finding, ServiceAnalysis } from './model.js';

function outcome(answers: number[]): string {
  return answers.length ? ` → ${answers.join('/')}` : '';
}

/** Why a call without a timeout matters, naming the request it serves when the analysis knows it. */
function hangs(site: CallSite): string {
  const serving = site.route ? ` (${site.route})` : '';
  const lead = site.timeout.set === 'no' ? 'no timeout visible' : `no timeout visible (one may be set${site.timeout.how ? `: ${site.timeout.how}` : ''})`;
  return `${lead}: a callee that never answers hangs this call, and the request serving it${serving}`;
}

export function findingsOf(service: Pick<ServiceAnalysis, 'name' | 'callSites'>): Finding[] {
  const out: Finding[] = [];
  for (const site of service.callSites) {
    const at = { service: service.name, file: site.file, line: site.line };
    const call = callSiteInWords(service.name, site);
    const refused = site.failures.ECONNREFUSED;
    if (refused.handled !== 'yes') {
      const how = refused.handled === 'no' ? 'is not handled' : 'may not be handled';
      out.push({ ...at, failure: 'ECONNREFUSED', message: `${call}: a connection refused (ECONNREFUSED) ${how}${outcome(refused.answers)}` });
    }
    if (site.timeout.set !== 'yes') out.push({ ...at, failure: 'no-timeout', message: `${call}: ${hangs(site)}` });
    const timeout = site.failures.Timeout;
    if (site.timeout.visible !== 'no' && timeout.handled !== 'yes') {
      const how = timeout.handled === 'no' ? 'is not handled' : 'may not be handled';
      out.push({ ...at, failure: 'Timeout', message: `${call}: a timeout ${how}${outcome(timeout.answers)}` });
    }
    // axios and got reject on an error status; node:http hands the response to a callback.
    const statusIsRead = site.client === 'fetch' || site.client === 'undici' || site.client === 'node-fetch';
    if (statusIsRead && site.statusChecks.length === 0) {
      out.push({ ...at, failure: 'status', message: `${call}: the response's status is never checked (an error answer is used as a success)` });
    }
  }
  return out;
}

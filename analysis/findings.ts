/**
 * Findings: failures of an outbound call that the service does not handle, listed before any run.
 * A connection refused that is not (or not always) handled; a timeout, where the call has a timeout
 * the instrumentation can fault, that is not handled; a response whose status is never looked at.
 */
import type { CallSite, Finding, ServiceAnalysis } from './model.js';

function describe(site: CallSite): string {
  return `${site.file}:${site.line} ${site.method ?? '?'} ${site.target}`;
}

function outcome(answers: number[]): string {
  return answers.length ? ` → ${answers.join('/')}` : '';
}

export function findingsOf(service: Pick<ServiceAnalysis, 'name' | 'callSites'>): Finding[] {
  const out: Finding[] = [];
  for (const site of service.callSites) {
    const refused = site.failures.ECONNREFUSED;
    if (refused.handled !== 'yes') {
      const how = refused.handled === 'no' ? 'is not handled' : 'may not be handled';
      out.push({ service: service.name, file: site.file, line: site.line, failure: 'ECONNREFUSED', message: `${describe(site)}: a connection refused (ECONNREFUSED) ${how}${outcome(refused.answers)}` });
    }
    const timeout = site.failures.Timeout;
    if (site.timeout.visible !== 'no' && timeout.handled !== 'yes') {
      const how = timeout.handled === 'no' ? 'is not handled' : 'may not be handled';
      out.push({ service: service.name, file: site.file, line: site.line, failure: 'Timeout', message: `${describe(site)}: a timeout ${how}${outcome(timeout.answers)}` });
    }
    // axios and got reject on an error status; node:http hands the response to a callback.
    const statusIsRead = site.client === 'fetch' || site.client === 'undici' || site.client === 'node-fetch';
    if (statusIsRead && site.statusChecks.length === 0) {
      out.push({ service: service.name, file: site.file, line: site.line, failure: 'status', message: `${describe(site)}: the response's status is never checked (an error answer is used as a success)` });
    }
  }
  return out;
}

/**
 * The two output formats (both documented in analysis/README.md; both read by `--analysis-file`).
 *
 * Compat: the original's analysis-file format, as `FaultCatalogue.fromFile` reads it: a
 * `node.exceptions` entry (connection refused always, a timeout where the call has a visible one) and
 * an `http` entry whose `errors` list, per service, its error codes (400–599) as strings: 500 first, then
 * in discovery order, as the original's union. `service_name` is the plain service name, matched as the
 * original does (a regex anchored at the start only).
 *
 * Extended: `format` names the version; per service its routes and codes, its call sites keyed by
 * stack-signature frame plus file:line, each with its client, timeout, handled failures and the
 * exceptions to inject there; the findings and warnings of the run; `fallback`, the exceptions for a
 * runtime call that matches no analysed site.
 */
import type { AnalysisResult, CallSite, ServiceAnalysis } from './model.js';

export const EXTENDED_FORMAT = 'filibuster-analysis/extended-1';
export const NODE_PATTERN = 'node\\.(http|fetch|undici)\\.[A-Z]+$';

export interface ExceptionFault {
  name: string;
  restrictions?: string;
}

const CONNECTION_REFUSED: ExceptionFault = { name: 'node.ECONNREFUSED' };
const TIMEOUT: ExceptionFault = { name: 'node.Timeout', restrictions: 'timeout' };

/** The codes worth injecting: error statuses, 500 first (as the original's union puts it). */
export function errorCodes(service: ServiceAnalysis): number[] {
  const errors = service.codes.filter((c) => c >= 400 && c < 600);
  return errors.includes(500) ? [500, ...errors.filter((c) => c !== 500)] : errors;
}

export function compatCatalogue(result: AnalysisResult): Record<string, unknown> {
  return {
    'node.exceptions': { pattern: NODE_PATTERN, exceptions: [CONNECTION_REFUSED, TIMEOUT] },
    http: {
      pattern: NODE_PATTERN,
      errors: result.services.map((s) => ({ service_name: s.name, types: errorCodes(s).map((c) => ({ return_value: { status_code: String(c) } })) })),
    },
  };
}

/**
 * The exceptions to inject at a site: connection refused always; a timeout unless the analysis is sure
 * the instrumentation sees none (the `timeout` restriction still asks the runtime call for one).
 */
export function siteFaults(site: CallSite): ExceptionFault[] {
  return site.timeout.visible === 'no' ? [CONNECTION_REFUSED] : [CONNECTION_REFUSED, TIMEOUT];
}

export function siteKey(site: Pick<CallSite, 'frame' | 'file' | 'line'>): string {
  return `${site.frame} ${site.file}:${site.line}`;
}

export function extendedCatalogue(result: AnalysisResult): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const s of result.services) {
    services[s.name] = {
      entry: s.entry,
      files: s.files,
      frameworks: s.frameworks,
      codes: s.codes,
      errors: errorCodes(s),
      routes: s.routes.map((r) => ({ route: `${r.method} ${r.path}`, file: r.file, line: r.line, codes: r.codes })),
      origins: s.origins.map((o) => ({ code: o.code, at: `${o.file}:${o.line}`, how: o.how, ...(o.route ? { route: o.route } : {}) })),
      callSites: Object.fromEntries(
        s.callSites.map((c) => [
          siteKey(c),
          {
            frame: c.frame,
            file: c.file,
            line: c.line,
            endLine: c.endLine,
            client: c.client,
            via: c.via,
            method: c.method ?? null,
            target: c.target,
            route: c.route ?? null,
            timeout: c.timeout,
            handles: c.failures,
            statusChecks: c.statusChecks,
            faults: { exceptions: siteFaults(c) },
          },
        ]),
      ),
    };
  }
  return {
    format: EXTENDED_FORMAT,
    pattern: NODE_PATTERN,
    fallback: { exceptions: [CONNECTION_REFUSED, TIMEOUT] },
    services,
    findings: result.services.flatMap((s) => s.findings),
    skipped: result.skipped,
    warnings: result.warnings,
  };
}

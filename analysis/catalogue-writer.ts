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
 * exceptions to inject there (and the network conditions its code suggests: injected too with
 * `withConditions`); the findings and warnings of the run; `fallback`, the exceptions for a runtime call
 * that matches no analysed site.
 */
import type { AnalysisResult, CallSite, ServiceAnalysis } from './model.js';

export const EXTENDED_FORMAT = 'filibuster-analysis/extended-1';
export const NODE_PATTERN = 'node\\.(http|fetch|undici)\\.[A-Z]+$';

export interface ExceptionFault {
  name: string;
  restrictions?: string;
  metadata?: Record<string, unknown>;
}

/** A network condition worth exploring at a call site, and why (instrumentation/conditions.ts injects it). */
export interface SuggestedCondition extends ExceptionFault {
  why: string;
}

/**
 * Network conditions the call site's code gives a reason to explore (the default catalogue never has
 * them): where the caller has no visible timeout, a black hole (a callee that never answers: how a missing
 * timeout shows, or whether a timeout the instrumentation cannot fault fires); where it has a timeout, a
 * response just after it (the timeout itself is node.Timeout's); where it reads the body, a truncated and
 * a corrupted body.
 */
export function suggestedConditions(site: CallSite): SuggestedCondition[] {
  const out: SuggestedCondition[] = [];
  if (site.timeout.set !== 'no') {
    out.push({ name: 'node.Latency', metadata: { relative_to: 'timeout', offset_ms: 100 }, restrictions: 'timeout', why: 'the caller has a timeout: the answer comes 100 ms after it' });
  }
  if (site.timeout.visible !== 'yes') out.push({ name: 'node.BlackHole', why: blackHoleWhy(site) });
  if (site.parsesBody) {
    out.push({ name: 'node.TruncatedBody', why: 'the caller reads the body: it is cut short' });
    out.push({ name: 'node.CorruptBody', why: 'the caller reads the body: it arrives corrupted' });
  }
  return out;
}

function blackHoleWhy(site: CallSite): string {
  if (site.timeout.set === 'no') return 'no timeout visible: nothing ever comes back, and the call waits for good';
  if (site.timeout.set === 'maybe') return 'maybe no timeout: nothing ever comes back, and the call may wait for good';
  return `its timeout is not visible (${site.timeout.how ?? 'its own timers'}): nothing ever comes back, and it must fire`;
}

const withoutWhy = ({ why: _why, ...fault }: SuggestedCondition): ExceptionFault => fault;

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

/** `withConditions`: each site's suggested network conditions are also injected there. */
export function extendedCatalogue(result: AnalysisResult, options: { withConditions?: boolean } = {}): Record<string, unknown> {
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
        s.callSites.map((c) => {
          const suggested = suggestedConditions(c);
          return [
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
              ...(c.url ? { url: c.url } : {}),
              callee: c.callee ?? null,
              route: c.route ?? null,
              timeout: c.timeout,
              handles: c.failures,
              statusChecks: c.statusChecks,
              parsesBody: c.parsesBody,
              suggested,
              faults: { exceptions: [...siteFaults(c), ...(options.withConditions ? suggested.map(withoutWhy) : [])] },
            },
          ];
        }),
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

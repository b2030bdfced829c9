/**
 * The extended analysis format (analysis/README.md): per service, the codes it answers and its analysed
 * call sites, each with the exceptions to inject there.
 *
 * Matching a runtime call to an analysed call site (the call's own service first, then any service):
 *   1. by location: walking the call's stack frames innermost first (`stack_frames` from our
 *      instrumentation; other clients give only `callsite_file`/`callsite_line`), the first frame whose
 *      file is a site's file and whose line lies within the site's lines (a call written over several
 *      lines) picks that site. Frames inside a wrapper (the corpus's requests.ts) match nothing, so the
 *      wrapper's caller is found, as the analyser attributes such calls;
 *   2. by function: else the first frame whose `file:function` is the frame of exactly one site (lines
 *      moved since the analysis, the function did not);
 *   3. no match: the call gets the file's `fallback` exceptions (the service-level faults, as the compat
 *      format gives every call), and the place is reported once on stderr and counted (`unmatched()`).
 * Error faults (status codes) are the callee's codes, as in the compat format, with the service name
 * matched exactly.
 */
import { EXTENDED_FORMAT } from '../../analysis/catalogue-writer.js';
import type { StackFrame } from '../../instrumentation/protocol.js';

export { EXTENDED_FORMAT };

export interface ExceptionSpecLike {
  name: string;
  metadata?: Record<string, unknown>;
  restrictions?: string;
}

interface Site {
  service: string;
  file: string;
  line: number;
  endLine: number;
  frame: string;
  exceptions: ExceptionSpecLike[];
}

export interface LocatedCall {
  source?: string;
  callsiteFile?: string;
  callsiteLine?: string;
  stackFrames?: StackFrame[];
}

export class ExtendedFormatError extends Error {}

/**
 * The error statuses a service can answer: all of them, and, when the analyser saw its routes, per route
 * (`routes[].codes`) plus those it can answer on any route (`origins` without a route: a framework's
 * default 500, a global guard's 401). A call that matches one of its routes gets only what that route can
 * answer: a 409 the service only sends from POST /orders is no fault of GET /orders/:id.
 */
export interface ServiceErrors {
  service: string;
  codes: string[];
  routes?: { method: string; path: string; codes: string[] }[];
  anyRoute?: string[];
}

const isError = (code: unknown): code is number => Number.isInteger(code) && (code as number) >= 400 && (code as number) <= 599;

function routeErrors(raw: Record<string, unknown>, where: string): Pick<ServiceErrors, 'routes' | 'anyRoute'> {
  if (raw.routes === undefined) return {};
  if (!Array.isArray(raw.routes)) throw new ExtendedFormatError(`${where}.routes: must be a list`);
  const routes: NonNullable<ServiceErrors['routes']> = [];
  raw.routes.forEach((r, i) => {
    if (!isObject(r) || typeof r.route !== 'string' || !Array.isArray(r.codes)) throw new ExtendedFormatError(`${where}.routes[${i}]: needs "route" ("GET /path") and "codes"`);
    // Entries that are not a method and a path (an error handler, "ERROR ") answer on any route: their
    // codes are in `origins` without a route.
    const m = /^([A-Z]+|\*) (\/.*)$/.exec(r.route);
    if (m) routes.push({ method: m[1], path: m[2], codes: r.codes.filter(isError).map(String) });
  });
  const origins = Array.isArray(raw.origins) ? raw.origins.filter(isObject) : [];
  const onAnyRoute = (o: Record<string, unknown>) => typeof o.route !== 'string' || !/^([A-Z]+|\*) \//.test(o.route);
  const anyRoute = [...new Set(origins.filter((o) => onAnyRoute(o) && isError(o.code)).map((o) => String(o.code)))];
  return { routes, anyRoute };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exceptionsOf(v: unknown, where: string): ExceptionSpecLike[] {
  if (!Array.isArray(v) || v.some((e) => !isObject(e) || typeof e.name !== 'string')) throw new ExtendedFormatError(`${where}: "exceptions" must be a list of { name[, restrictions] }`);
  return v as ExceptionSpecLike[];
}

export class CallSiteIndex {
  readonly fallback: ExceptionSpecLike[];
  private readonly byFile = new Map<string, Site[]>();
  private readonly byFrame = new Map<string, Site[]>();
  private readonly missed = new Map<string, number>();
  private matchedCount = 0;
  private readonly report: (line: string) => void;

  constructor(sites: Site[], fallback: ExceptionSpecLike[], report: (line: string) => void = (l) => process.stderr.write(l + '\n')) {
    this.fallback = fallback;
    this.report = report;
    for (const s of sites) {
      this.byFile.set(s.file, [...(this.byFile.get(s.file) ?? []), s]);
      this.byFrame.set(s.frame, [...(this.byFrame.get(s.frame) ?? []), s]);
    }
  }

  static fromJson(json: Record<string, unknown>, source: string): { index: CallSiteIndex; errors: ServiceErrors[] } {
    if (!isObject(json.services)) throw new ExtendedFormatError(`${source}: "services" must be an object keyed by service name`);
    const fallback = exceptionsOf(isObject(json.fallback) ? json.fallback.exceptions : undefined, `${source}: fallback`);
    const sites: Site[] = [];
    const errors: ServiceErrors[] = [];
    for (const [service, raw] of Object.entries(json.services)) {
      const where = `${source}: services.${service}`;
      if (!isObject(raw)) throw new ExtendedFormatError(`${where}: must be an object`);
      if (!Array.isArray(raw.errors) || raw.errors.some((c) => !Number.isInteger(c) || c < 100 || c > 599)) {
        throw new ExtendedFormatError(`${where}.errors: must be a list of status codes (integers from 100 to 599)`);
      }
      errors.push({ service, codes: (raw.errors as number[]).map(String), ...routeErrors(raw, where) });
      if (!isObject(raw.callSites)) throw new ExtendedFormatError(`${where}.callSites: must be an object keyed by call site`);
      for (const [key, site] of Object.entries(raw.callSites)) {
        const at = `${where}.callSites[${JSON.stringify(key)}]`;
        if (!isObject(site) || typeof site.file !== 'string' || !Number.isInteger(site.line) || typeof site.frame !== 'string') {
          throw new ExtendedFormatError(`${at}: needs "file", "line" and "frame"`);
        }
        const faults = isObject(site.faults) ? site.faults.exceptions : undefined;
        sites.push({
          service,
          file: site.file,
          line: site.line as number,
          endLine: Number.isInteger(site.endLine) ? (site.endLine as number) : (site.line as number),
          frame: site.frame,
          exceptions: exceptionsOf(faults, `${at}.faults`),
        });
      }
    }
    return { index: new CallSiteIndex(sites, fallback), errors };
  }

  private framesOf(call: LocatedCall): StackFrame[] {
    if (call.stackFrames?.length) return call.stackFrames;
    return call.callsiteFile ? [{ file: call.callsiteFile, line: Number(call.callsiteLine), function: '' }] : [];
  }

  /** The analysed site of a runtime call, by the documented rule; undefined when none matches. */
  match(call: LocatedCall): Site | undefined {
    const frames = this.framesOf(call);
    const prefer = (sites: Site[]) => {
      const own = sites.filter((s) => s.service === call.source);
      return own.length ? own : sites;
    };
    for (const f of frames) {
      const hit = prefer((this.byFile.get(f.file) ?? []).filter((s) => s.line <= f.line && f.line <= s.endLine))[0];
      if (hit) return hit;
    }
    for (const f of frames) {
      const candidates = prefer(this.byFrame.get(`${f.file}:${f.function}`) ?? []);
      if (candidates.length === 1) return candidates[0];
    }
    return undefined;
  }

  /** The exceptions for a runtime call: its site's, or the fallback (counted and reported once per place). */
  exceptionsFor(call: LocatedCall): ExceptionSpecLike[] {
    const site = this.match(call);
    if (site) {
      this.matchedCount++;
      return site.exceptions;
    }
    const place = `${call.source ?? '?'} ${call.callsiteFile ?? '?'}:${call.callsiteLine ?? '?'}`;
    const seen = this.missed.get(place) ?? 0;
    this.missed.set(place, seen + 1);
    if (seen === 0) this.report(`filibuster: the call of ${place} matches no analysed call site; it gets the fallback faults (${this.fallback.map((e) => e.name).join(', ')})`);
    return this.fallback;
  }

  /** Calls looked up that matched a site. */
  matched(): number {
    return this.matchedCount;
  }

  /** Places of calls that matched no site, with how many lookups each. */
  unmatched(): { place: string; count: number }[] {
    return [...this.missed].map(([place, count]) => ({ place, count }));
  }
}

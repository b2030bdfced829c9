/**
 * FaultCatalogue: which faults apply to a call, from an analysis file in the original's format.
 *
 * Each top-level entry has a `pattern` (a regex matched at the start of `<module>.<method>`, as Python's
 * re.match), `exceptions` (injected at the caller; `restrictions` names a metadata key the call must
 * have, e.g. "timeout") and/or `errors` (responses injected for calls to instrumented callees whose name
 * matches `service_name`). Entries apply in file order; per call, every exception fault comes before
 * every error fault.
 *
 * A file whose top level has `"format": "filibuster-analysis/extended-1"` is the analyser's extended
 * format (call-site-catalogue.ts documents it and how a runtime call is matched to an analysed site).
 *
 * `withConditions(names)` adds network conditions (conditions.ts) to any catalogue: after a Node call's own
 * exceptions, before its error faults. A fault the call already has from the file is not offered twice
 * (the explorer drops identical children).
 */
import { readFileSync } from 'node:fs';
import type { FailureMetadata, ForcedException } from '../../instrumentation/protocol.js';
import type { StackFrame } from '../../instrumentation/protocol.js';
import { CallSiteIndex, EXTENDED_FORMAT, ExtendedFormatError } from './call-site-catalogue.js';
import { conditionSpecs, type ConditionName, type ConditionSpec } from './conditions.js';
import { DEFAULT_CATALOGUE } from './default-catalogue.js';
import { RouteErrors } from './route-errors.js';
import { exceptionProblem, isNetworkFault, isNodeFaultName, resolveNetworkFault, returnValueProblem, type CallOnPath } from './network-faults.js';

export class CatalogueError extends Error {}

interface ExceptionSpec {
  name: string;
  metadata?: Record<string, unknown>;
  restrictions?: string;
}

interface Entry {
  name: string;
  pattern: RegExp;
  exceptions: ExceptionSpec[];
  errors: { serviceName: RegExp; types: FailureMetadata[]; routes?: RouteErrors }[];
}

export interface CallShape extends CallOnPath {
  module: string;
  method: string;
  metadata: Record<string, unknown>;
  /** The host-stripped URL first (extended catalogues match it against the callee's routes). */
  args?: readonly unknown[];
  /** Where the call was made (used by extended catalogues to find its analysed call site). */
  source?: string;
  callsiteFile?: string;
  callsiteLine?: string;
  stackFrames?: StackFrame[];
}

/** The only `@expr` forms the original evaluates. */
const EXPRESSIONS: Record<string, (timeout: number) => number> = {
  "@expr(metadata['timeout']-1)": (t) => t - 1,
  "@expr(metadata['timeout']+1)": (t) => t + 1,
  "@expr(metadata['timeout'])": (t) => t,
};

const NODE_SAMPLES = ['node.http.GET', 'node.fetch.GET', 'node.undici.GET'];

/** The calls of the Node instrumentation, the ones network conditions apply to. */
const NODE_CALL = /^node\.(http|fetch|undici)\.[A-Z]+$/;

function fail(source: string, place: string, problem: string): never {
  throw new CatalogueError(`${source}: ${place}: ${problem}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses keys the format does not have (a misspelt "restriction" would otherwise silently widen a fault). */
function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], source: string, place: string): void {
  const extra = Object.keys(v).filter((k) => !allowed.includes(k));
  if (extra.length > 0) fail(source, place, `unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ')})`);
}

/**
 * A status code as the original writes it: a string of three digits from 100 to 599 ("503"). A number is
 * refused rather than converted: the original compares codes as strings, so 503 and "503" differ there.
 */
function statusCodeProblem(code: unknown): string | undefined {
  if (typeof code !== 'string') return `return_value.status_code must be a string of three digits, as in the original ("503"), not ${JSON.stringify(code)}`;
  if (!/^[1-5][0-9][0-9]$/.test(code)) return `return_value.status_code ${JSON.stringify(code)} is not a status code (three digits from 100 to 599)`;
  return undefined;
}

const ENTRY_KEYS = ['pattern', 'exceptions', 'errors'];
const EXCEPTION_KEYS = ['name', 'metadata', 'restrictions'];
const ERROR_KEYS = ['service_name', 'types'];
const TYPE_KEYS = ['return_value', 'exception'];
/** What a return value may give besides its status: the body, its content type, headers (Retry-After ...). */
const RETURN_VALUE_KEYS = ['status_code', 'body', 'content_type', 'headers'];
const ERROR_EXCEPTION_KEYS = ['name', 'metadata'];

/** Python's re syntax, as far as analysis files use it, is JavaScript's; anchored at the start only. */
function compile(pattern: unknown, source: string, place: string): RegExp {
  if (typeof pattern !== 'string') fail(source, place, 'pattern must be a string');
  try {
    return new RegExp(`^(?:${pattern})`);
  } catch (err) {
    fail(source, place, `pattern is not a valid regular expression (${(err as Error).message})`);
  }
}

/** One entry of an analysis file in the original's format: a module pattern, its exceptions, its error groups. */
function parseEntry(name: string, raw: unknown, source: string): Entry {
  const place = `entry ${JSON.stringify(name)}`;
  if (!isObject(raw)) fail(source, place, 'must be an object');
  onlyKeys(raw, ENTRY_KEYS, source, place);
  const pattern = compile(raw.pattern, source, place);
  const appliesToNode = NODE_SAMPLES.some((s) => pattern.test(s));
  const exceptions: ExceptionSpec[] = [];
  if (raw.exceptions !== undefined) {
    if (!Array.isArray(raw.exceptions)) fail(source, place, '"exceptions" must be a list');
    raw.exceptions.forEach((e, i) => exceptions.push(parseException(e, `${place}, exceptions[${i}]`, appliesToNode, source)));
  }
  const errors: Entry['errors'] = [];
  if (raw.errors !== undefined) {
    if (!Array.isArray(raw.errors)) fail(source, place, '"errors" must be a list');
    raw.errors.forEach((e, i) => errors.push(parseErrorGroup(e, `${place}, errors[${i}]`, source)));
  }
  return { name, pattern, exceptions, errors };
}

/** An exception fault; one that Node calls would be offered must be one the Node instrumentation can deliver. */
function parseException(e: unknown, where: string, appliesToNode: boolean, source: string): ExceptionSpec {
  if (!isObject(e) || typeof e.name !== 'string') fail(source, where, 'must be an object with a string "name"');
  onlyKeys(e, EXCEPTION_KEYS, source, where);
  if (appliesToNode && !e.name.startsWith('node.') && !isNodeFaultName(e.name)) {
    fail(source, where, `${JSON.stringify(e.name)} is not a Node fault, and the pattern applies to Node calls (node.http/fetch/undici): use a node.* fault, or restrict the pattern to the modules the name belongs to`);
  }
  if (e.metadata !== undefined && !isObject(e.metadata)) fail(source, where, '"metadata" must be an object');
  if (e.restrictions !== undefined && typeof e.restrictions !== 'string') fail(source, where, '"restrictions" must be a string');
  for (const [k, v] of Object.entries(e.metadata ?? {})) {
    if (typeof v === 'string' && v.startsWith('@expr') && !(v in EXPRESSIONS)) {
      fail(source, `${where}, metadata.${k}`, `unsupported expression ${JSON.stringify(v)} (supported: ${Object.keys(EXPRESSIONS).join(', ')})`);
    }
  }
  const md = (e.metadata ?? {}) as Record<string, unknown>;
  const problem = exceptionProblem(e.name, md);
  if (problem) fail(source, where, `${e.name}: ${problem}`);
  if (appliesToNode && (md.abort === false || md.sleep !== undefined)) {
    fail(source, where, 'abort:false and sleep are not supported for Node clients (node.http/fetch/undici); restrict the pattern to Python modules');
  }
  return { name: e.name, metadata: e.metadata as Record<string, unknown> | undefined, restrictions: e.restrictions as string | undefined };
}

/** An error group: the callees it applies to (service_name) and the responses or exceptions they may give. */
function parseErrorGroup(e: unknown, where: string, source: string): Entry['errors'][number] {
  if (!isObject(e)) fail(source, where, 'must be an object');
  onlyKeys(e, ERROR_KEYS, source, where);
  if (!Array.isArray(e.types)) fail(source, where, '"types" must be a list');
  e.types.forEach((t, j) => {
    const at = `${where}, types[${j}]`;
    if (!isObject(t) || (!isObject(t.return_value) && !isObject(t.exception))) fail(source, at, 'must have a "return_value" or an "exception" object');
    onlyKeys(t, TYPE_KEYS, source, at);
    if (isObject(t.return_value)) {
      onlyKeys(t.return_value, RETURN_VALUE_KEYS, source, `${at}.return_value`);
      const problem = statusCodeProblem(t.return_value.status_code) ?? returnValueProblem(t.return_value);
      if (problem) fail(source, at, problem);
    }
    if (isObject(t.exception)) onlyKeys(t.exception, ERROR_EXCEPTION_KEYS, source, `${at}.exception`);
  });
  return { serviceName: compile(e.service_name, source, `${where}, service_name`), types: e.types as FailureMetadata[] };
}

export class FaultCatalogue {
  private readonly entries: Entry[];
  private readonly byCall = new Map<string, Entry[]>();
  private readonly richByCall = new Map<string, boolean>();
  /** Extended catalogues: the analysed call sites, and the calls they apply to. */
  readonly sites: CallSiteIndex | undefined;
  private readonly sitePattern: RegExp | undefined;
  /** Network conditions switched on for the run (`withConditions`), offered to every Node call. */
  private readonly conditions: readonly ConditionSpec[];

  /** Error faults for callees this catalogue does not name (withErrorsElsewhere). */
  private readonly elsewhere: FaultCatalogue | undefined;

  private constructor(entries: Entry[], sites?: { index: CallSiteIndex; pattern: RegExp }, conditions: readonly ConditionSpec[] = [], elsewhere?: FaultCatalogue) {
    this.entries = entries;
    this.sites = sites?.index;
    this.sitePattern = sites?.pattern;
    this.conditions = conditions;
    this.elsewhere = elsewhere;
  }

  /**
   * This catalogue, with `other`'s error faults for callees none of its error groups names: a catalogue
   * derived from the services the analyser could read, and the built-in statuses for the rest.
   */
  withErrorsElsewhere(other: FaultCatalogue): FaultCatalogue {
    const sites = this.sites ? { index: this.sites, pattern: this.sitePattern! } : undefined;
    return new FaultCatalogue(this.entries, sites, this.conditions, other);
  }

  /** This catalogue with these network conditions switched on too (conditions.ts); itself when there are none. */
  withConditions(names: readonly ConditionName[] | undefined): FaultCatalogue {
    if (!names?.length) return this;
    const sites = this.sites ? { index: this.sites, pattern: this.sitePattern! } : undefined;
    return new FaultCatalogue(this.entries, sites, [...this.conditions, ...conditionSpecs(names)], this.elsewhere);
  }

  private static fromExtended(json: Record<string, unknown>, source: string): FaultCatalogue {
    if (json.format !== EXTENDED_FORMAT) fail(source, '"format"', `unknown format ${JSON.stringify(json.format)} (this version reads ${EXTENDED_FORMAT})`);
    const pattern = compile(json.pattern, source, '"pattern"');
    try {
      const { index, errors } = CallSiteIndex.fromJson(json, source);
      const entry: Entry = {
        name: 'http',
        pattern,
        exceptions: [],
        errors: errors.map((e) => ({
          serviceName: new RegExp(`^${escapeRegExp(e.service)}$`),
          types: e.codes.map((c) => ({ return_value: { status_code: c } })),
          ...(e.routes ? { routes: new RouteErrors(e.routes, e.anyRoute ?? []) } : {}),
        })),
      };
      return new FaultCatalogue([entry], { index, pattern });
    } catch (err) {
      if (err instanceof ExtendedFormatError) throw new CatalogueError(err.message);
      throw err;
    }
  }

  static default(): FaultCatalogue {
    return FaultCatalogue.fromJson(DEFAULT_CATALOGUE, 'default catalogue');
  }

  static fromFile(path: string): FaultCatalogue {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CatalogueError(`${path}: cannot read the analysis file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new CatalogueError(`${path}: not valid JSON (${(err as Error).message})`);
    }
    return FaultCatalogue.fromJson(json, path);
  }

  static fromJson(json: unknown, source: string): FaultCatalogue {
    if (!isObject(json)) fail(source, 'top level', 'must be an object of entries');
    if (typeof json.format === 'string') return FaultCatalogue.fromExtended(json, source);
    const entries = Object.entries(json).map(([name, raw]) => parseEntry(name, raw, source));
    return new FaultCatalogue(entries);
  }

  private matching(module: string, method: string): Entry[] {
    const key = `${module}.${method}`;
    let found = this.byCall.get(key);
    if (!found) {
      found = this.entries.filter((e) => e.pattern.test(key));
      this.byCall.set(key, found);
    }
    return found;
  }

  /** Exception faults for a call, in file order, honouring restrictions and evaluating `@expr`. */
  exceptionFaults(call: CallShape): ForcedException[] {
    const out: ForcedException[] = [];
    const specs =
      this.sites && this.sitePattern!.test(`${call.module}.${call.method}`)
        ? this.sites.exceptionsFor(call)
        : this.matching(call.module, call.method).flatMap((e) => e.exceptions);
    for (const spec of specs) {
      if (spec.restrictions !== undefined && call.metadata[spec.restrictions] == null) continue;
      if (isNetworkFault(spec.name)) {
        // Resolved against the call and its path; skipped where it does not apply (network-faults.ts).
        const resolved = resolveNetworkFault(spec.name, spec.metadata ?? {}, call);
        if (resolved) out.push({ name: spec.name, metadata: resolved });
        continue;
      }
      const metadata: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec.metadata ?? {})) {
        const expr = typeof v === 'string' ? EXPRESSIONS[v] : undefined;
        metadata[k] = expr ? expr(Number(call.metadata.timeout)) : v;
      }
      out.push({ name: spec.name, metadata });
    }
    if (this.conditions.length > 0 && NODE_CALL.test(`${call.module}.${call.method}`)) {
      for (const c of this.conditions) {
        if (c.when && !c.when(call)) continue;
        const resolved = resolveNetworkFault(c.name, c.metadata ?? {}, call);
        if (resolved) out.push({ name: c.name, metadata: resolved });
      }
    }
    return out;
  }

  /**
   * True when some error fault that may apply to this call compares more than a status code (extra
   * return_value keys, or a gRPC-style exception): dynamic reduction then needs the calls' full outcomes.
   */
  hasRichErrors(call: Pick<CallShape, 'module' | 'method'>): boolean {
    // Asked for every recorded call: remembered per module and method, as `matching` is.
    const key = `${call.module}.${call.method}`;
    let rich = this.richByCall.get(key);
    if (rich === undefined) {
      rich = this.matching(call.module, call.method).some((e) =>
        e.errors.some((g) => g.types.some((t) => t.exception !== undefined || Object.keys(t.return_value ?? {}).some((k) => k !== 'status_code'))),
      );
      rich ||= this.elsewhere?.hasRichErrors(call) ?? false;
      this.richByCall.set(key, rich);
    }
    return rich;
  }

  /** Error faults for a call to the instrumented callee `target`, in file order. */
  errorFaults(call: CallShape, target: string): FailureMetadata[] {
    const out: FailureMetadata[] = [];
    let named = false;
    for (const entry of this.matching(call.module, call.method)) {
      for (const group of entry.errors) {
        if (!group.serviceName.test(target)) continue;
        named = true;
        const types = group.routes?.typesFor(call, group.types) ?? group.types;
        for (const t of types) out.push(structuredClone(t));
      }
    }
    if (!named && this.elsewhere) return this.elsewhere.errorFaults(call, target);
    return out;
  }
}

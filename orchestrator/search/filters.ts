/**
 * Fault filters: which of the catalogue's faults may be injected at all. A fault the filters reject is
 * never scheduled, so it is never injected and nothing that would extend it is explored either.
 *
 * Dimensions (each a list of patterns; `*` matches any run of characters):
 *   services — the callee, i.e. the service whose failure the fault simulates (for a callee that is not
 *              instrumented: its logical name from the services config, else host:port);
 *   edges    — "caller -> callee" (also "caller → callee"); either side may be `*`;
 *   methods  — the HTTP method (case-insensitive);
 *   paths    — the request path, query included ("/users/*");
 *   faults   — the fault type: an exception name ("node.ECONNREFUSED", "node.Timeout") or a status code
 *              ("503", "5*").
 * A fault is allowed when, for every dimension that has `include` patterns, it matches one of them, and it
 * matches no `exclude` pattern of any dimension.
 */
import { callPath, faultTypeName, type Call, type Failure } from './model.js';
import { InvalidOptionError } from '../option-error.js';

export interface FilterRule {
  services?: string[];
  edges?: string[];
  methods?: string[];
  paths?: string[];
  faults?: string[];
}

export interface FaultFilterSpec {
  include?: FilterRule;
  exclude?: FilterRule;
}

export class FilterError extends InvalidOptionError {}

type Dimension = keyof FilterRule;
const DIMENSIONS: readonly Dimension[] = ['services', 'edges', 'methods', 'paths', 'faults'];

interface Subject {
  services: string;
  edges: [string, string];
  methods: string;
  paths: string;
  faults: string;
}

type Matcher = (s: Subject) => boolean;

function glob(pattern: string, flags = ''): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, flags);
}

function edgeMatcher(pattern: string): Matcher {
  const parts = pattern.split(/\s*(?:->|→)\s*/);
  if (parts.length !== 2 || parts[0].trim() === '' || parts[1].trim() === '') {
    throw new FilterError(`edge filter ${JSON.stringify(pattern)} must read "caller -> callee" (either side may be *)`);
  }
  const caller = glob(parts[0].trim());
  const callee = glob(parts[1].trim());
  return (s) => caller.test(s.edges[0]) && callee.test(s.edges[1]);
}

function matcher(dimension: Dimension, pattern: string): Matcher {
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new FilterError(`an empty ${dimension} filter pattern matches nothing useful`);
  if (dimension === 'edges') return edgeMatcher(pattern);
  const re = glob(pattern.trim(), dimension === 'methods' ? 'i' : '');
  return (s) => re.test(s[dimension]);
}

function compileRule(rule: FilterRule | undefined): Map<Dimension, Matcher[]> {
  const out = new Map<Dimension, Matcher[]>();
  for (const d of DIMENSIONS) {
    const patterns = rule?.[d];
    if (patterns === undefined || patterns.length === 0) continue;
    if (!Array.isArray(patterns)) throw new FilterError(`filter "${d}" must be a list of patterns`);
    out.set(d, patterns.map((p) => matcher(d, p)));
  }
  return out;
}

/** The callee of a call, as filters and fault descriptions name it. */
export function calleeName(call: Pick<Call, 'target' | 'callee' | 'args'>): string {
  if (call.target) return call.target;
  if (call.callee) return call.callee;
  const url = String(call.args[0] ?? '');
  const slash = url.indexOf('/', url.startsWith('//') ? 2 : 0);
  return (slash >= 0 ? url.slice(0, slash) : url).replace(/^\/\//, '');
}

export class FaultFilter {
  private readonly include: Map<Dimension, Matcher[]>;
  private readonly exclude: Map<Dimension, Matcher[]>;
  readonly active: boolean;

  constructor(spec: FaultFilterSpec = {}) {
    this.include = compileRule(spec.include);
    this.exclude = compileRule(spec.exclude);
    this.active = this.include.size > 0 || this.exclude.size > 0;
  }

  /** Whether this fault may be injected on this call. */
  allows(call: Call, fault: Pick<Failure, 'forced_exception' | 'failure_metadata'>): boolean {
    if (!this.active) return true;
    const callee = calleeName(call);
    const subject: Subject = {
      services: callee,
      edges: [call.source, callee],
      methods: call.method,
      paths: callPath(call),
      faults: faultTypeName(fault),
    };
    for (const matchers of this.include.values()) if (!matchers.some((m) => m(subject))) return false;
    for (const matchers of this.exclude.values()) if (matchers.some((m) => m(subject))) return false;
    return true;
  }
}

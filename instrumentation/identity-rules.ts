/**
 * How a call's URL becomes part of its identity (DESIGN §13): which service it names, and which parts of
 * its path and query are values that change from run to run. Pure functions; the rules in force are set
 * once per run by the orchestrator (identity-control.ts) and never change during a search.
 *
 * Two modes:
 *   - `original` (the Python profile, the corpus, `--order dfs`, and the default until the orchestrator
 *     says otherwise): the original's identity. `args` is the host-stripped URL (`5001/movies/42`); only
 *     the configured route templates and ignored query parameters normalise the path.
 *   - `templated`: the form that survives real deployments. The callee is named by service whatever the
 *     URL spells (host:port, a service name or alias, any port of a runner-started service); `args` is
 *     `<callee><templated path>`, without a port; path segments and query values that have the shape of an
 *     id become slots (`:id`), and so do those the calibration saw change between two fault-free runs
 *     (its templates and slotted query parameters).
 */

import type { IdentityRules } from './protocol.js';

export { ORIGINAL_RULES, checkRules, IDENTITY_VERSION, type IdentityMode, type IdentityRules } from './protocol.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const HEX = /^[0-9a-f]{8,}$/i;
const BASE64ISH = /^[A-Za-z0-9_-]{16,}={0,2}$/;
const PREFIXED = /^[A-Za-z]{1,12}[_-](.+)$/;

/**
 * Whether a path segment or query value looks like an identifier rather than a word of the API: a
 * number, a UUID, hex of 8 digits or more (with a digit in it), a base64-like token of 16 characters or
 * more mixing letters and digits, or any of those behind a short prefix (`usr_8f3a9c2d`, `order-1042`).
 */
export function idShaped(value: string): boolean {
  const v = safeDecode(value);
  if (v === '') return false;
  if (NUMBER.test(v) || UUID.test(v)) return true;
  if (HEX.test(v) && /\d/.test(v)) return true;
  if (BASE64ISH.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v)) return true;
  const prefixed = PREFIXED.exec(v);
  return prefixed !== null && prefixed[1] !== v && idShaped(prefixed[1]);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `/movies/:id` → a RegExp matching `/movies/<anything but a slash>`. */
export function templateToRegExp(template: string): RegExp {
  const pattern = template
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`);
}

/** The rules compiled once for every call. */
export class CompiledRules {
  readonly rules: IdentityRules;
  private readonly templates: RegExp[];
  private readonly ignored: Set<string>;
  private readonly slotted: Set<string>;

  constructor(rules: IdentityRules) {
    this.rules = rules;
    this.templates = rules.templates.map(templateToRegExp);
    this.ignored = new Set(rules.ignoredQuery);
    this.slotted = new Set(rules.slottedQuery);
  }

  get templated(): boolean {
    return this.rules.mode === 'templated';
  }

  /**
   * An entry path for display: a configured template, else id-shaped segments as ":id" (in every mode:
   * it names an entry point in the report, it never enters a call's identity).
   */
  entryPath(pathname: string): string {
    const template = this.templates.findIndex((t) => t.test(pathname));
    if (template >= 0) return this.rules.templates[template];
    return pathname.split('/').map((seg) => (idShaped(seg) ? ':id' : seg)).join('/');
  }

  /** The path and query as identity sees them. */
  path(path: string): string {
    const q = path.indexOf('?');
    let pathname = q >= 0 ? path.slice(0, q) : path;
    const query = q >= 0 ? path.slice(q + 1) : '';
    const template = this.templates.findIndex((t) => t.test(pathname));
    if (template >= 0) pathname = this.rules.templates[template];
    else if (this.templated) pathname = pathname.split('/').map((seg) => (idShaped(seg) ? ':id' : seg)).join('/');
    const kept: string[] = [];
    if (query) {
      for (const pair of query.split('&')) {
        const eq = pair.indexOf('=');
        const name = safeDecode(eq >= 0 ? pair.slice(0, eq) : pair);
        if (this.ignored.has(name)) continue;
        const value = eq >= 0 ? pair.slice(eq + 1) : undefined;
        const slot = value !== undefined && (this.slotted.has(name) || (this.templated && idShaped(value)));
        kept.push(slot ? `${pair.slice(0, eq)}=:v` : pair);
      }
    }
    return kept.length ? `${pathname}?${kept.join('&')}` : pathname;
  }
}

/**
 * The logical name of the service a call goes to, or undefined when the map does not know it. Looked up
 * as `host:port` (an address the runner or the config gave), then `host` alone (a service's name or one of
 * its aliases, on any port: docker compose and Kubernetes call services by name), then `*:port` (a port
 * a runner-started service listens on, whatever host name reaches this machine).
 */
export function calleeName(host: string, port: number, map: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!map) return undefined;
  return map[`${host}:${port}`] ?? map[host] ?? map[`*:${port}`];
}

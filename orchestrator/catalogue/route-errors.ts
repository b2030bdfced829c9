/**
 * Error faults per route, for extended catalogues whose services list their routes: a call that matches
 * one of the callee's routes is offered the error statuses that route can answer, and those the service
 * can answer on any route; a call that matches none of them (a route the analyser did not see) is offered
 * every error status of the service, as the original does.
 */
import type { FailureMetadata } from '../../instrumentation/protocol.js';

interface Route {
  method: string;
  segments: string[];
  codes: Set<string>;
}

export class RouteErrors {
  private readonly routes: Route[];
  private readonly anyRoute: Set<string>;
  private readonly byRoute = new Map<string, FailureMetadata[]>();

  constructor(routes: readonly { method: string; path: string; codes: string[] }[], anyRoute: readonly string[]) {
    this.routes = routes.map((r) => ({ method: r.method, segments: segmentsOf(r.path), codes: new Set(r.codes) }));
    this.anyRoute = new Set(anyRoute);
  }

  /** The error faults for this call, or undefined when it matches none of the routes (then all apply). */
  typesFor(call: { method: string; args?: readonly unknown[] }, all: readonly FailureMetadata[]): FailureMetadata[] | undefined {
    const path = segmentsOf(pathOf(String(call.args?.[0] ?? '')));
    const matched = this.routes.filter((r) => (r.method === '*' || r.method === call.method) && matches(r.segments, path));
    if (matched.length === 0) return undefined;
    const key = matched.map((r) => `${r.method} ${r.segments.join('/')}`).join('|');
    let types = this.byRoute.get(key);
    if (!types) {
      const allowed = new Set(this.anyRoute);
      for (const r of matched) for (const c of r.codes) allowed.add(c);
      types = all.filter((t) => allowed.has(String(t.return_value?.status_code)));
      this.byRoute.set(key, types);
    }
    return types;
  }
}

/** The request path of a call's host-stripped URL ("catalog/products/:id", "5001/products/7"), without its query. */
function pathOf(url: string): string {
  const slash = url.indexOf('/', url.startsWith('//') ? 2 : 0);
  const path = slash >= 0 ? url.slice(slash) : '/';
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** A route's `:param` (or `{param}`) matches any one segment, `*` the rest; other segments match themselves. */
function matches(route: readonly string[], path: readonly string[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const r = route[i];
    if (r === '*') return true;
    if (i >= path.length) return false;
    if (r.startsWith(':') || (r.startsWith('{') && r.endsWith('}'))) continue;
    if (r !== path[i]) return false;
  }
  return route.length === path.length;
}

/**
 * How `filibuster init` wires the services it found: an environment variable whose URL names another
 * service becomes `${name.url}` (so it follows the port the runner picks), who calls whom follows from
 * that, the services file lists callees before callers, and the entry point is the one service nobody
 * calls.
 */

/** One service of the file being written, as the planner builds it. */
export interface PlannedService {
  name: string;
  /** The services-file entry, as written (`orchestrator/runner/service-config.ts`). */
  entry: ServiceEntry;
  /** Where it came from, for the summary ("workspace services/orders, compose service orders"). */
  origin: string;
  /** The services it calls (its environment names their URLs, or compose's depends_on). */
  calls: string[];
  /** Infrastructure (a database, a cache: probed over TCP), never the entry point. */
  infrastructure: boolean;
  /** Its source, when read: where a route for the test skeleton is looked for. */
  source: string;
}

export interface ServiceEntry {
  command?: string;
  url?: string;
  cwd?: string;
  port?: number;
  env?: Record<string, string>;
  health?: string | { path: string; status: 'any' };
  restart?: string;
}

/** Variables the runner gives a started service itself: a value from compose would override them. */
const RUNNER_VARIABLES = /^(PORT|HOST|NODE_OPTIONS|FILIBUSTER_[A-Z0-9_]*)$/;

/** The variable a service's URL is conventionally read from: `user-profile` → `USER_PROFILE_URL`. */
export function urlVariableOf(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

/**
 * A started service's environment from compose's: the runner's own variables left out, URLs naming a
 * service of the file rewritten to `${name.url}`. Returns the environment, the services it names, and
 * what the user should know.
 */
export function wireEnvironment(
  service: string,
  composeEnv: Record<string, string>,
  names: ReadonlySet<string>,
  composeNames: ReadonlySet<string>,
): { env: Record<string, string>; calls: string[]; notes: string[] } {
  const env: Record<string, string> = {};
  const calls = new Set<string>();
  const notes: string[] = [];
  for (const [key, value] of Object.entries(composeEnv)) {
    if (RUNNER_VARIABLES.test(key)) continue;
    if (key === 'NODE_ENV' && value === 'production') {
      notes.push(`${service}: NODE_ENV=production left out (the instrumentation injects no fault in production)`);
      continue;
    }
    const url = /^(https?):\/\/([^/:?#]+)(?::\d+)?(.*)$/.exec(value);
    if (url && names.has(url[2])) {
      env[key] = `\${${url[2]}.url}${url[3]}`;
      calls.add(url[2]);
    } else if (url && composeNames.has(url[2])) {
      notes.push(`${service}: ${key}=${value} names compose service ${url[2]}, which is not in the services file: give it the URL this machine reaches it at`);
      env[key] = value;
    } else env[key] = value;
  }
  return { env, calls: [...calls], notes };
}

/** The `*_URL` variables a source reads that no environment sets: those naming a service are set, the rest reported. */
export function wireSourceVariables(service: string, read: readonly string[], env: Record<string, string>, names: readonly string[]): { calls: string[]; notes: string[] } {
  const calls: string[] = [];
  const notes: string[] = [];
  for (const variable of read) {
    if (variable in env) continue;
    const callee = names.find((n) => n !== service && urlVariableOf(n) === variable);
    if (callee) {
      env[variable] = `\${${callee}.url}`;
      calls.push(callee);
    } else notes.push(`${service} reads ${variable}, which names no service found: set it in its "env"`);
  }
  return { calls, notes };
}

/** Callees before callers (the runner starts services in the order listed), otherwise in the order found. */
export function startOrder(services: readonly PlannedService[]): PlannedService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const out: PlannedService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: PlannedService) => {
    if (state.has(s.name)) return; // done, or a cycle: kept where it was reached
    state.set(s.name, 'visiting');
    for (const c of s.calls) {
      const callee = byName.get(c);
      if (callee) visit(callee);
    }
    state.set(s.name, 'done');
    out.push(s);
  };
  services.forEach(visit);
  return out;
}

/** The entry point: the one application service no other service calls; otherwise a guess, said as one. */
export function entryPoint(services: readonly PlannedService[]): { name?: string; reason: string; decided: boolean } {
  const apps = services.filter((s) => !s.infrastructure);
  if (apps.length === 0) return { reason: 'no application service was found', decided: false };
  const called = new Set(services.flatMap((s) => s.calls));
  const roots = apps.filter((s) => !called.has(s.name));
  if (roots.length === 1) return { name: roots[0].name, reason: `no other service calls it`, decided: true };
  // Callers come after their callees: the last one is the likeliest front door.
  const among = roots.length > 0 ? roots : apps;
  const pick = among[among.length - 1];
  return {
    name: pick.name,
    reason: `could not tell which service the test calls: ${among.map((s) => s.name).join(', ')} ${roots.length > 0 ? 'are called by no other service' : 'all call each other'}; the test skeleton calls ${pick.name}`,
    decided: false,
  };
}

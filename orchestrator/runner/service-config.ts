/**
 * The services configuration file: how to start each service of the application under test.
 *
 * ```json
 * {
 *   "services": {
 *     "baz": { "command": "node baz.js", "port": 0 },
 *     "bar": { "command": "node bar.js", "env": { "BAZ_URL": "${baz.url}" }, "health": "/health-check" },
 *     "gateway": {
 *       "command": "node gateway.js",
 *       "env": { "API_TOKEN": "local-dev-token" },
 *       "health": { "path": "/health", "headers": { "authorization": "Bearer ${env.API_TOKEN}" } }
 *     }
 *   },
 *   "pathTemplates": ["/movies/:id"],
 *   "ignoredQueryParams": ["ts"]
 * }
 * ```
 * Services start in the order listed. `port` 0 or absent picks a free loopback port; the service gets it
 * as `PORT`, and the address to bind as `HOST`: `host`, 127.0.0.1 by default (another address when the
 * service runs on another host: a network namespace, a VM), which is also the address its URL names. `${name.url}`, `${name.port}` and `${orchestrator.url}` are replaced
 * in commands and env values. `cwd` defaults to the file's directory. `instrument: false` starts a service
 * without the preload (a stub of an outside host).
 *
 * `health` says when a service is up; the runner probes it until it is, or until `startTimeoutMs` (default
 * 15000) has passed, at start and after every restart:
 * - absent: any HTTP answer (any status, even 401 or 404) to `GET /`;
 * - `"/path"`: `GET /path` must answer 2xx;
 * - `{ "path", "method", "headers", "status" }`, every field optional: `path` (default `/`), `method` (GET,
 *   HEAD, OPTIONS, POST, PUT, PATCH or DELETE; default GET), `headers` (name → value; values take the
 *   substitutions above, and `${env.NAME}`: the variable NAME of the environment the service is given),
 *   `status` (an HTTP status, a list of them, or `"any"`; default: 2xx when `path` or `method` is given,
 *   else any answer);
 * - `"tcp"`: a TCP connection to the service's port is accepted (a service that speaks no HTTP).
 * The probe never carries the Filibuster headers.
 *
 * A service that keeps state across requests (a circuit
 * breaker, a request history) makes executions depend on each other; `betweenExecutions` restores it
 * before every execution: `"restart"` (stop, start, health-check) or `{ "reset": "/path" }` (a POST to
 * that path, which must answer 2xx). Such a service also keeps `--workers N` at one execution at a time,
 * and so does `"parallel": false` (state the config cannot restore, e.g. a shared database). `url` instead of `command` points at a service that is
 * already running (docker compose, Kubernetes): it is health-checked, never started or stopped. After
 * every execution it gets one health probe: a failed one (confirmed by a second) is a crash of that
 * execution, and `restart` (a shell command run in `cwd`, e.g. `"docker compose restart baz"`, with the
 * `${...}` substitutions above) brings it back, then its health check is waited for; without `restart` the
 * run stops there.
 * `aliases` lists other host names the service is called by (a service is always known by its own name as a
 * host name too: `http://bar:8080` names bar). `source` (optional, relative to `cwd`) names the service's entry source file for the static analyser
 * (`filibuster analyze --config`); without it the analyser maps the command's script to its source
 * through the `.js.map` beside it, or takes the script itself when it is source.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const HEALTH_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HealthMethod = (typeof HEALTH_METHODS)[number];

/** Which answers of an HTTP health probe mean "up": any answer at all, any 2xx, or these statuses. */
export type HealthStatus = 'any' | '2xx' | number[];

/** When a service is up (the `health` field, resolved to its defaults). */
export type HealthCheck =
  | {
      kind: 'http';
      /** Starts with "/" (not "//"); may carry a query. */
      path: string;
      method: HealthMethod;
      /** As written: values may hold `${...}` references, substituted when the service starts. */
      headers: Record<string, string>;
      status: HealthStatus;
    }
  | { kind: 'tcp' };

export interface ServiceSpec {
  name: string;
  command?: string;
  url?: string;
  port: number;
  health: HealthCheck;
  env: Record<string, string>;
  cwd: string;
  instrument: boolean;
  startTimeoutMs: number;
  betweenExecutions?: 'restart' | { reset: string };
  /** Whether executions may run at once against it (`--workers`): false when it keeps state. */
  parallel: boolean;
  /** The entry source file, absolute (for the static analyser), when the config names it. */
  source?: string;
  /** The address it binds and is reached at (HOST in its environment); 127.0.0.1 by default. */
  host: string;
  /** Other host names the service is called by (`bar.internal`, a Kubernetes DNS name): its calls are named by it. */
  aliases: string[];
  /** For a `url` service: the shell command that restarts it (the runner did not start it), as written. */
  restart?: string;
}

export interface ServicesConfig {
  file: string;
  services: ServiceSpec[];
  pathTemplates: string[];
  ignoredQueryParams: string[];
}

export class ConfigError extends Error {}

function fail(file: string, place: string, problem: string): never {
  throw new ConfigError(`${file}: ${place}: ${problem}`);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the services configuration (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

export function loadServicesConfig(file: string): ServicesConfig {
  const json = readJson(file);
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(file, 'top level', 'must be an object');
  const root = json as Record<string, unknown>;
  const raw = root.services;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, '"services"', 'must be an object keyed by service name');
  const base = dirname(resolve(file));
  const services = Object.entries(raw as Record<string, unknown>).map(([name, value]) => parseService(file, base, name, value));
  if (services.length === 0) fail(file, '"services"', 'lists no service');
  checkHealthReferences(file, services);
  checkRestartReferences(file, services);
  const strings = (key: string): string[] => {
    const v = root[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(file, `"${key}"`, 'must be a list of strings');
    return v as string[];
  };
  return { file, services, pathTemplates: strings('pathTemplates'), ignoredQueryParams: strings('ignoredQueryParams') };
}

/** One entry of "services", checked field by field in the order the errors are reported, with its defaults. */
function parseService(file: string, base: string, name: string, value: unknown): ServiceSpec {
  const place = `services.${name}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) fail(file, place, 'service names may use letters, digits, "_", "." and "-"');
  if (!value || typeof value !== 'object') fail(file, place, 'must be an object');
  const s = value as Record<string, unknown>;
  checkStartFields(file, place, s);
  const port = servicePort(file, place, s);
  checkRunFields(file, place, s);
  checkRestartField(file, place, name, s);
  const between = s.betweenExecutions;
  const cwd = typeof s.cwd === 'string' ? resolve(base, s.cwd) : base;
  return {
    name,
    command: s.command as string | undefined,
    url: s.url as string | undefined,
    port,
    health: parseHealth(file, `${place}.health`, s.health),
    env: (s.env as Record<string, string>) ?? {},
    cwd,
    instrument: s.instrument !== false,
    startTimeoutMs: (s.startTimeoutMs as number | undefined) ?? 15_000,
    betweenExecutions: between as ServiceSpec['betweenExecutions'],
    parallel: s.parallel !== false && between === undefined,
    source: typeof s.source === 'string' ? resolve(cwd, s.source) : undefined,
    aliases: (s.aliases as string[] | undefined) ?? [],
    host: (s.host as string | undefined) ?? '127.0.0.1',
    ...(s.restart !== undefined ? { restart: s.restart as string } : {}),
  };
}

/** How the service is started or reached: a command or a URL, its port, its environment. */
function checkStartFields(file: string, place: string, s: Record<string, unknown>): void {
  if ((s.command === undefined) === (s.url === undefined)) fail(file, place, 'needs exactly one of "command" (start it) or "url" (already running)');
  if (s.command !== undefined && typeof s.command !== 'string') fail(file, `${place}.command`, 'must be a string');
  if (s.url !== undefined && typeof s.url !== 'string') fail(file, `${place}.url`, 'must be a string');
  if (s.port !== undefined && !(Number.isInteger(s.port) && (s.port as number) >= 0 && (s.port as number) < 65536)) {
    fail(file, `${place}.port`, 'must be an integer port (0 = pick a free one)');
  }
  if (s.env !== undefined && (typeof s.env !== 'object' || s.env === null || Object.values(s.env).some((v) => typeof v !== 'string'))) {
    fail(file, `${place}.env`, 'must be an object of strings');
  }
}

/** A URL's port wins over "port" (0, pick a free one, when neither is given). */
function servicePort(file: string, place: string, s: Record<string, unknown>): number {
  if (s.url === undefined) return (s.port as number | undefined) ?? 0;
  try {
    const u = new URL(s.url as string);
    return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    fail(file, `${place}.url`, 'is not a URL');
  }
}

/** What the runner does with the service between and during executions, and how it is addressed. */
function checkRunFields(file: string, place: string, s: Record<string, unknown>): void {
  const between = s.betweenExecutions;
  if (
    between !== undefined &&
    between !== 'restart' &&
    !(between && typeof between === 'object' && typeof (between as { reset?: unknown }).reset === 'string')
  ) {
    fail(file, `${place}.betweenExecutions`, 'must be "restart" or { "reset": "/path" }');
  }
  if (s.startTimeoutMs !== undefined && !(typeof s.startTimeoutMs === 'number' && Number.isFinite(s.startTimeoutMs) && s.startTimeoutMs > 0)) {
    fail(file, `${place}.startTimeoutMs`, 'must be a positive number of milliseconds');
  }
  if (s.parallel !== undefined && typeof s.parallel !== 'boolean') fail(file, `${place}.parallel`, 'must be true or false');
  if (s.source !== undefined && typeof s.source !== 'string') fail(file, `${place}.source`, 'must be a string (a path relative to cwd)');
  if (s.host !== undefined && (typeof s.host !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(s.host))) fail(file, `${place}.host`, 'must be an address or host name to bind, e.g. "10.0.0.2"');
  if (s.aliases !== undefined && (!Array.isArray(s.aliases) || s.aliases.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(a)))) {
    fail(file, `${place}.aliases`, 'must be a list of host names');
  }
}

/** Only the runner can restart what it started; a service it did not start needs a command to restart it. */
function checkRestartField(file: string, place: string, name: string, s: Record<string, unknown>): void {
  if (s.restart !== undefined) {
    if (typeof s.restart !== 'string' || !s.restart.trim()) fail(file, `${place}.restart`, `must be a shell command, e.g. "docker compose restart ${name}"`);
    if (s.url === undefined) fail(file, `${place}.restart`, 'is for a service given by "url": the runner restarts a service it starts (its "command") itself');
  } else if (s.url !== undefined && s.betweenExecutions === 'restart') {
    fail(file, `${place}.betweenExecutions`, 'is "restart", but the runner did not start this service (it has a "url"): give it "restart", a command that restarts it, or { "reset": "/path" }');
  }
}

const HEALTH_KEYS = new Set(['path', 'method', 'headers', 'status']);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEALTH_FORMS = 'must be "/path" (GET, 2xx), "tcp", or an object { "path", "method", "headers", "status" }';

function checkPath(file: string, place: string, path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\s#]/.test(path)) {
    fail(file, place, 'must be a path starting with "/" (no host, no spaces, no "#")');
  }
  return path;
}

function isStatus(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;
}

/** The `health` field of a service, validated, with its defaults. */
function parseHealth(file: string, place: string, value: unknown): HealthCheck {
  if (value === undefined) return { kind: 'http', path: '/', method: 'GET', headers: {}, status: 'any' };
  if (value === 'tcp') return { kind: 'tcp' };
  if (typeof value === 'string') {
    if (!value.startsWith('/')) fail(file, place, HEALTH_FORMS);
    return { kind: 'http', path: checkPath(file, place, value), method: 'GET', headers: {}, status: '2xx' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(file, place, HEALTH_FORMS);
  const h = value as Record<string, unknown>;
  for (const key of Object.keys(h)) {
    if (!HEALTH_KEYS.has(key)) fail(file, `${place}.${key}`, `unknown key (known: ${[...HEALTH_KEYS].join(', ')}; a TCP check is "health": "tcp")`);
  }
  const path = h.path === undefined ? '/' : checkPath(file, `${place}.path`, h.path);
  let method: HealthMethod = 'GET';
  if (h.method !== undefined) {
    const m = typeof h.method === 'string' ? h.method.toUpperCase() : undefined;
    if (!m || !(HEALTH_METHODS as readonly string[]).includes(m)) fail(file, `${place}.method`, `must be one of ${HEALTH_METHODS.join(', ')}`);
    method = m as HealthMethod;
  }
  const headers: Record<string, string> = {};
  if (h.headers !== undefined) {
    if (!h.headers || typeof h.headers !== 'object' || Array.isArray(h.headers)) fail(file, `${place}.headers`, 'must be an object of header name → value');
    const seen = new Set<string>();
    for (const [name, v] of Object.entries(h.headers as Record<string, unknown>)) {
      const where = `${place}.headers.${name}`;
      if (!HEADER_NAME.test(name)) fail(file, where, 'is not a valid header name');
      const lower = name.toLowerCase();
      if (lower.startsWith('x-filibuster-')) fail(file, where, 'the health probe never sends Filibuster headers');
      if (seen.has(lower)) fail(file, where, 'is given twice (header names are case-insensitive)');
      seen.add(lower);
      if (typeof v !== 'string') fail(file, where, 'must be a string');
      if (/[\r\n\0]/.test(v)) fail(file, where, 'must not contain line breaks or NUL');
      headers[name] = v;
    }
  }
  let status: HealthStatus = h.path !== undefined || h.method !== undefined ? '2xx' : 'any';
  if (h.status !== undefined) {
    const problem = 'must be "any", an HTTP status (100 to 599) or a non-empty list of them';
    if (h.status === 'any') status = 'any';
    else if (isStatus(h.status)) status = [h.status];
    else if (Array.isArray(h.status) && h.status.length > 0) {
      h.status.forEach((v, i) => {
        if (!isStatus(v)) fail(file, `${place}.status[${i}]`, problem);
      });
      status = [...new Set(h.status as number[])];
    } else fail(file, `${place}.status`, problem);
  }
  return { kind: 'http', path, method, headers, status };
}

/**
 * The `${...}` references of health headers name something that exists: `orchestrator.url`, a configured
 * service's `url` or `port`, or `env.NAME` (looked up when the service starts: its environment is not
 * known before).
 */
function checkHealthReferences(file: string, services: readonly ServiceSpec[]): void {
  const known = new Set(['orchestrator.url', ...services.flatMap((s) => [`${s.name}.url`, `${s.name}.port`])]);
  for (const s of services) {
    if (s.health.kind !== 'http') continue;
    for (const [name, value] of Object.entries(s.health.headers)) {
      for (const [, ref] of value.matchAll(/\$\{([^}]*)\}/g)) {
        if (known.has(ref) || /^env\.[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) continue;
        fail(file, `services.${s.name}.health.headers.${name}`, `unknown variable \${${ref}} (known: orchestrator.url, <service>.url, <service>.port, env.NAME)`);
      }
    }
  }
}

/**
 * The `${...}` references of restart hooks name a configured service's `url` or `port`, or
 * `orchestrator.url`: the hook is a shell command, so the environment is read as `$NAME`, which the
 * runner leaves to the shell.
 */
function checkRestartReferences(file: string, services: readonly ServiceSpec[]): void {
  const known = new Set(['orchestrator.url', ...services.flatMap((s) => [`${s.name}.url`, `${s.name}.port`])]);
  for (const s of services) {
    for (const [, ref] of (s.restart ?? '').matchAll(/\$\{([^}]*)\}/g)) {
      if (!known.has(ref)) fail(file, `services.${s.name}.restart`, `unknown variable \${${ref}} (known: orchestrator.url, <service>.url, <service>.port; an environment variable is $NAME, read by the shell)`);
    }
  }
}

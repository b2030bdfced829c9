/**
 * The services configuration file: how to start each service of the application under test.
 *
 * ```json
 * {
 *   "services": {
 *     "baz": { "command": "node baz.js", "port": 0, "health": "/health-check" },
 *     "bar": { "command": "node bar.js", "env": { "BAZ_URL": "${baz.url}" } }
 *   },
 *   "pathTemplates": ["/movies/:id"],
 *   "ignoredQueryParams": ["ts"]
 * }
 * ```
 * Services start in the order listed. `port` 0 or absent picks a free loopback port; the service gets it
 * as `PORT` (and `HOST=127.0.0.1`). `${name.url}`, `${name.port}` and `${orchestrator.url}` are replaced
 * in commands and env values. `cwd` defaults to the file's directory. `instrument: false` starts a service
 * without the preload (a stub of an outside host). A service that keeps state across requests (a circuit
 * breaker, a request history) makes executions depend on each other; `betweenExecutions` restores it
 * before every execution: `"restart"` (stop, start, health-check) or `{ "reset": "/path" }` (a POST to
 * that path, which must answer 2xx). Such a service also keeps `--workers N` at one execution at a time,
 * and so does `"parallel": false` (state the config cannot restore, e.g. a shared database). `url` instead of `command` points at a service that is
 * already running (docker compose, Kubernetes): it is health-checked, never started or stopped.
 * `aliases` lists other host names the service is called by (a service is always known by its own name as a
 * host name too: `http://bar:8080` names bar). `source` (optional, relative to `cwd`) names the service's entry source file for the static analyser
 * (`filibuster analyze --config`); without it the analyser maps the command's script to its source
 * through the `.js.map` beside it, or takes the script itself when it is source.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ServiceSpec {
  name: string;
  command?: string;
  url?: string;
  port: number;
  health: string;
  env: Record<string, string>;
  cwd: string;
  instrument: boolean;
  startTimeoutMs: number;
  betweenExecutions?: 'restart' | { reset: string };
  /** Whether executions may run at once against it (`--workers`): false when it keeps state. */
  parallel: boolean;
  /** The entry source file, absolute (for the static analyser), when the config names it. */
  source?: string;
  /** Other host names the service is called by (`bar.internal`, a Kubernetes DNS name): its calls are named by it. */
  aliases: string[];
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

export function loadServicesConfig(file: string): ServicesConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the services configuration (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(file, 'top level', 'must be an object');
  const root = json as Record<string, unknown>;
  const raw = root.services;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, '"services"', 'must be an object keyed by service name');
  const base = dirname(resolve(file));
  const services: ServiceSpec[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const place = `services.${name}`;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) fail(file, place, 'service names may use letters, digits, "_", "." and "-"');
    if (!value || typeof value !== 'object') fail(file, place, 'must be an object');
    const s = value as Record<string, unknown>;
    if ((s.command === undefined) === (s.url === undefined)) fail(file, place, 'needs exactly one of "command" (start it) or "url" (already running)');
    if (s.command !== undefined && typeof s.command !== 'string') fail(file, `${place}.command`, 'must be a string');
    if (s.url !== undefined && typeof s.url !== 'string') fail(file, `${place}.url`, 'must be a string');
    if (s.port !== undefined && !(Number.isInteger(s.port) && (s.port as number) >= 0 && (s.port as number) < 65536)) {
      fail(file, `${place}.port`, 'must be an integer port (0 = pick a free one)');
    }
    if (s.env !== undefined && (typeof s.env !== 'object' || s.env === null || Object.values(s.env).some((v) => typeof v !== 'string'))) {
      fail(file, `${place}.env`, 'must be an object of strings');
    }
    let port = (s.port as number | undefined) ?? 0;
    if (s.url !== undefined) {
      try {
        const u = new URL(s.url as string);
        port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      } catch {
        fail(file, `${place}.url`, 'is not a URL');
      }
    }
    const between = s.betweenExecutions;
    if (
      between !== undefined &&
      between !== 'restart' &&
      !(between && typeof between === 'object' && typeof (between as { reset?: unknown }).reset === 'string')
    ) {
      fail(file, `${place}.betweenExecutions`, 'must be "restart" or { "reset": "/path" }');
    }
    if (s.parallel !== undefined && typeof s.parallel !== 'boolean') fail(file, `${place}.parallel`, 'must be true or false');
    if (s.source !== undefined && typeof s.source !== 'string') fail(file, `${place}.source`, 'must be a string (a path relative to cwd)');
    if (s.aliases !== undefined && (!Array.isArray(s.aliases) || s.aliases.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(a)))) {
      fail(file, `${place}.aliases`, 'must be a list of host names');
    }
    const cwd = typeof s.cwd === 'string' ? resolve(base, s.cwd) : base;
    services.push({
      name,
      command: s.command as string | undefined,
      url: s.url as string | undefined,
      port,
      health: typeof s.health === 'string' ? s.health : '/health-check',
      env: (s.env as Record<string, string>) ?? {},
      cwd,
      instrument: s.instrument !== false,
      startTimeoutMs: typeof s.startTimeoutMs === 'number' ? s.startTimeoutMs : 15_000,
      betweenExecutions: between as ServiceSpec['betweenExecutions'],
      parallel: s.parallel !== false && between === undefined,
      source: typeof s.source === 'string' ? resolve(cwd, s.source) : undefined,
      aliases: (s.aliases as string[] | undefined) ?? [],
    });
  }
  if (services.length === 0) fail(file, '"services"', 'lists no service');
  const strings = (key: string): string[] => {
    const v = root[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(file, `"${key}"`, 'must be a list of strings');
    return v as string[];
  };
  return { file, services, pathTemplates: strings('pathTemplates'), ignoredQueryParams: strings('ignoredQueryParams') };
}

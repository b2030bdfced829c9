/**
 * What `filibuster init` takes from a compose file: per service, how it is built or which image it runs,
 * its command, its ports, its environment, its health check and what it depends on. Only what a services
 * file can use is read; the rest of the file is ignored. Values are read as compose reads them
 * (`${VAR:-default}` takes its default; a variable without one comes from the shell of whoever runs
 * compose, so it is reported, never guessed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseYamlDocuments, YamlSubsetError, type Yaml } from './yaml-subset.js';

/** The names `docker compose` looks for, in its order. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** A port mapping: the port the container listens on and, when published, the one the host reaches it at. */
export interface ComposePort {
  container: number;
  host?: number;
}

/** What a compose health check says about when the service is up, in the services file's terms. */
export type ComposeHealth =
  | { kind: 'http'; path: string; anyStatus: boolean }
  | { kind: 'tcp' }
  | { kind: 'unreadable'; test: string }
  | { kind: 'none' };

export interface ComposeService {
  name: string;
  /** The build context, absolute, when the service is built from this project. */
  buildContext?: string;
  image?: string;
  /** The command's words (a string command split on spaces). */
  command: string[];
  ports: ComposePort[];
  /** Variables with a value, interpolated. */
  env: Record<string, string>;
  /** Variables whose value comes from the shell that runs compose (no value, or `${VAR}` without a default). */
  fromShell: string[];
  health: ComposeHealth;
  dependsOn: string[];
}

export interface ComposeFile {
  file: string;
  services: ComposeService[];
}

export class ComposeError extends Error {}

/** The compose file of `dir`, or undefined when it has none. */
export function findComposeFile(dir: string): string | undefined {
  return COMPOSE_FILE_NAMES.map((n) => join(dir, n)).find((f) => existsSync(f));
}

export function readComposeFile(file: string): ComposeFile {
  let docs: Yaml[];
  try {
    docs = parseYamlDocuments(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof YamlSubsetError) throw new ComposeError(`${file}: ${err.message} (filibuster init reads block YAML: no anchors, aliases, block scalars or flow mappings)`);
    throw err;
  }
  const root = docs[0];
  const services = isMap(root) ? root.services : undefined;
  if (!isMap(services)) throw new ComposeError(`${file}: no "services" mapping`);
  const base = dirname(resolve(file));
  return { file, services: Object.entries(services).map(([name, value]) => readService(file, base, name, value)) };
}

function isMap(v: Yaml | undefined): v is { [key: string]: Yaml } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readService(file: string, base: string, name: string, value: Yaml): ComposeService {
  if (!isMap(value)) throw new ComposeError(`${file}: services.${name}: must be a mapping`);
  const fromShell: string[] = [];
  // Outside the environment a variable without a default reads as empty, as compose reads it.
  const text = (v: Yaml | undefined): string => interpolate(String(v ?? ''), []);
  const build = value.build;
  const context = isMap(build) ? build.context : build;
  const env = readEnvironment(value.environment, fromShell);
  return {
    name,
    buildContext: typeof context === 'string' ? resolve(base, text(context)) : undefined,
    image: typeof value.image === 'string' ? text(value.image) : undefined,
    command: Array.isArray(value.command) ? value.command.map((w) => text(w)) : value.command != null ? text(value.command).split(/\s+/).filter(Boolean) : [],
    ports: Array.isArray(value.ports) ? value.ports.flatMap((p) => readPort(p, text)) : [],
    env,
    fromShell: [...new Set(fromShell)],
    health: readHealth(value.healthcheck, text),
    dependsOn: Array.isArray(value.depends_on) ? value.depends_on.map(String) : isMap(value.depends_on) ? Object.keys(value.depends_on) : [],
  };
}

/**
 * A value as compose interpolates it: `$$` is a `$`, `${VAR:-d}` / `${VAR-d}` take their default, and a
 * variable without one (`${VAR}`, `$VAR`, `${VAR:?message}`) is noted in `fromShell` and read as empty.
 */
export function interpolate(value: string, fromShell: string[]): string {
  return value.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, whole: string, name?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$') return '$';
    if (op === ':-' || op === '-') return arg ?? '';
    fromShell.push((name ?? bare) as string);
    return '';
  });
}

function readEnvironment(value: Yaml | undefined, fromShell: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (key: string, v: Yaml | undefined) => {
    if (v === null || v === undefined) fromShell.push(key);
    else {
      const unset: string[] = [];
      const resolved = interpolate(String(v), unset);
      // A value that needs a variable of the shell is not known here: it is reported, never half-written.
      if (unset.length > 0) fromShell.push(key);
      else env[key] = resolved;
    }
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = String(item);
      const i = s.indexOf('=');
      set(i < 0 ? s : s.slice(0, i), i < 0 ? null : s.slice(i + 1));
    }
  } else if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) set(k, v);
  }
  return env;
}

/** `"8080"`, `"8080:80"`, `"127.0.0.1:8080:80"`, `"8080:80/tcp"`, a number, or `{ target, published }`. */
function readPort(p: Yaml, text: (v: Yaml) => string): ComposePort[] {
  if (isMap(p)) {
    const container = Number(text(p.target));
    const host = p.published === undefined ? undefined : Number(text(p.published));
    return Number.isInteger(container) ? [{ container, ...(Number.isInteger(host) ? { host } : {}) }] : [];
  }
  const parts = text(p).replace(/\/(tcp|udp)$/, '').split(':');
  const container = Number(parts[parts.length - 1]);
  if (!Number.isInteger(container)) return []; // a range ("3000-3005") says nothing about which one
  const host = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
  return [{ container, ...(host !== undefined && Number.isInteger(host) && host > 0 ? { host } : {}) }];
}

/** The health check's test as the services file's `health`: the path of an HTTP probe, a TCP probe, or unreadable. */
function readHealth(value: Yaml | undefined, text: (v: Yaml) => string): ComposeHealth {
  if (!isMap(value) || value.disable === true) return { kind: 'none' };
  const test = value.test;
  const words = Array.isArray(test) ? test.map((w) => text(w)) : test != null ? ['CMD-SHELL', text(test)] : [];
  if (words.length === 0 || words[0] === 'NONE') return { kind: 'none' };
  const command = (words[0] === 'CMD' || words[0] === 'CMD-SHELL' ? words.slice(1) : words).join(' ');
  const url = /https?:\/\/[^/\s"'`]+(\/[^\s"'`|;&)]*)?/.exec(command);
  if (url) {
    // curl without --fail (-f) succeeds on any answer; wget, `curl -f` and a script checking `ok` want 2xx.
    const anyStatus = /\bcurl\b/.test(command) && !/(^|\s)(-[a-zA-Z]*f[a-zA-Z]*|--fail)\b/.test(command);
    return { kind: 'http', path: url[1] || '/', anyStatus };
  }
  if (/\b(nc|netcat)\b.*\s-[a-z]*z/.test(command) || /\bpg_isready\b|\bredis-cli\b.*\bping\b|\bmysqladmin\b.*\bping\b/.test(command)) return { kind: 'tcp' };
  return { kind: 'unreadable', test: command };
}

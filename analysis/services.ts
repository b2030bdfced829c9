/**
 * Which services to analyse, and each one's entry source files.
 *
 * - `--services-directory DIR` (the original's layout): one service per immediate subdirectory, named
 *   after it. Its entries: the package.json `main` (mapped to source), else the first of
 *   index/app/server/main/<dir name> with a source extension, else every source file directly in it.
 * - `--config services.json`: the services of an application's config, parsed by the caller (the CLI
 *   loads the file; the analyser only reads the specs it is given). A service's entry is its
 *   `source` field, else the script of its `command` mapped to TypeScript through the `.js.map` beside
 *   it (its first source), else a sibling `.ts` of the script, else the script itself. Services with
 *   `instrument: false` (stubs of outside hosts: no fault is ever injected into or from them) and
 *   services given only by `url` without `source` are skipped, with the reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

export class AnalysisInputError extends Error {}

export interface ServiceInput {
  name: string;
  entries: string[];
  /** The config's environment for the service (literal values; templates such as ${x.url} included). */
  env?: Record<string, string>;
}

/**
 * What the analyser needs of a service in an application's config (the services config loader's spec
 * has these fields): how it is started, or where its source is.
 */
export interface ServiceSpecInput {
  name: string;
  command?: string;
  /** Absolute directory the command runs in (its script is relative to it). */
  cwd: string;
  /** The entry source file, absolute, when the config names it. */
  source?: string;
  /** false: a stub of an outside host, never analysed. */
  instrument?: boolean;
  env?: Record<string, string>;
}

export interface ServiceDiscovery {
  services: ServiceInput[];
  skipped: { name: string; reason: string }[];
}

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const NOT_SOURCE = /\.d\.(ts|mts|cts)$|\.test\.|\.spec\./;
const IGNORED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'data', 'test', 'tests', '__tests__']);
const CONVENTIONAL_ENTRIES = ['index', 'app', 'server', 'main'];

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sourceFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => SOURCE.test(f) && !NOT_SOURCE.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** A compiled script's source: its source map's first source, else a sibling .ts, else itself. */
export function sourceOfScript(script: string): string | undefined {
  const mapFile = `${script}.map`;
  if (existsSync(mapFile)) {
    try {
      const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources?: string[]; sourceRoot?: string };
      const first = map.sources?.[0];
      if (first) {
        const mapped = resolve(dirname(mapFile), map.sourceRoot ?? '', first.replace(/^file:\/\//, ''));
        if (existsSync(mapped)) return mapped;
      }
    } catch {
      /* an unreadable map: try the other ways */
    }
  }
  const ext = extname(script);
  if (['.js', '.mjs', '.cjs'].includes(ext)) {
    const sibling = script.slice(0, -ext.length) + { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' }[ext];
    if (existsSync(sibling)) return sibling;
  }
  return existsSync(script) && SOURCE.test(script) ? script : undefined;
}

function entriesOfDirectory(dir: string): string[] {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const main = (JSON.parse(readFileSync(pkg, 'utf8')) as { main?: string }).main;
      const source = main ? sourceOfScript(resolve(dir, main)) : undefined;
      if (source) return [source];
    } catch {
      /* fall through to the conventions */
    }
  }
  const files = sourceFilesIn(dir);
  for (const stem of [...CONVENTIONAL_ENTRIES, basename(dir)]) {
    const found = files.find((f) => basename(f).replace(SOURCE, '') === stem);
    if (found) return [found];
  }
  return files;
}

export function servicesOfDirectory(directory: string): ServiceDiscovery {
  const dir = resolve(directory);
  if (!existsSync(dir)) throw new AnalysisInputError(`${directory}: no such directory`);
  if (!isDirectory(dir)) throw new AnalysisInputError(`${directory}: not a directory`);
  const services: ServiceInput[] = [];
  const skipped: ServiceDiscovery['skipped'] = [];
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (name.startsWith('.') || IGNORED_DIRS.has(name) || !isDirectory(sub)) continue;
    const entries = entriesOfDirectory(sub);
    if (entries.length === 0) skipped.push({ name, reason: `${join(directory, name)} holds no TypeScript or JavaScript source file` });
    else services.push({ name, entries });
  }
  if (services.length === 0) {
    const hint = existsSync(join(dir, 'services.json')) ? ` (it has a services.json: try --config ${join(directory, 'services.json')})` : '';
    const why = skipped.length ? `: ${skipped.map((s) => s.reason).join('; ')}` : '';
    throw new AnalysisInputError(`${directory}: no services found (one service per subdirectory with source files)${hint}${why}`);
  }
  return { services, skipped };
}

/** Splits a command line on blanks, honouring simple quotes. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const OPTIONS_WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--env-file', '--conditions', '-C']);

/** The script a command runs: the first argument that is not an option (or an option's value). */
export function scriptOfCommand(command: string): string | undefined {
  const [, ...args] = words(command);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

/** `origin` names where the specs came from (the config file), for messages. */
export function servicesOfSpecs(specs: readonly ServiceSpecInput[], origin: string): ServiceDiscovery {
  const services: ServiceInput[] = [];
  const skipped: ServiceDiscovery['skipped'] = [];
  for (const spec of specs) {
    if (spec.instrument === false) {
      skipped.push({ name: spec.name, reason: 'not instrumented ("instrument": false): no fault is injected into or from it' });
      continue;
    }
    if (spec.source) {
      if (!existsSync(spec.source)) throw new AnalysisInputError(`${origin}: services.${spec.name}.source: ${spec.source} does not exist`);
      services.push({ name: spec.name, entries: [spec.source], env: spec.env });
      continue;
    }
    if (!spec.command) {
      skipped.push({ name: spec.name, reason: 'given by "url" only; add "source" to analyse it' });
      continue;
    }
    const script = scriptOfCommand(spec.command);
    const source = script ? sourceOfScript(resolve(spec.cwd, script)) : undefined;
    if (!source) {
      skipped.push({ name: spec.name, reason: `cannot find the source of ${JSON.stringify(spec.command)} (build it so its .js.map exists, or add "source")` });
      continue;
    }
    services.push({ name: spec.name, entries: [source], env: spec.env });
  }
  if (services.length === 0) {
    throw new AnalysisInputError(`${origin}: no service to analyse (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
  }
  return { services, skipped };
}

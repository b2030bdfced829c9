/**
 * What `filibuster init` takes from a project's npm workspaces: each workspace's folder, package name, how
 * it starts (`scripts.start`, else `node <main>`) and the source of the file it starts, which says whether
 * it reads PORT, listens at all, and which `*_URL` variables it reads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export interface WorkspaceStart {
  /** The shell command, run in the workspace's folder. */
  command: string;
  from: 'scripts.start' | 'main';
}

export interface Workspace {
  dir: string;
  /** The folder relative to the project, with "/" (what the services file's `cwd` says). */
  rel: string;
  packageName?: string;
  start?: WorkspaceStart;
  /** The file the start command runs, absolute, when it can be told. */
  entryFile?: string;
  /** That file's text ('' when unknown or unreadable). */
  source: string;
  /** What could not be decided about it, for the user. */
  notes: string[];
}

export interface ProjectPackage {
  file: string;
  /** As written in package.json (`workspaces`, or `workspaces.packages`); undefined when it has none. */
  patterns?: string[];
  workspaces: Workspace[];
  /** Patterns that matched no folder with a package.json. */
  unmatched: string[];
}

interface PackageJson {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The project's package.json and its workspaces; undefined when there is no package.json. */
export function readProject(root: string): ProjectPackage | undefined {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = readJson(file) ?? {};
  const patterns = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
  if (!patterns) return { file, workspaces: [], unmatched: [] };
  const dirs = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    const found = expand(root, pattern.replace(/\/+$/, '').split('/')).filter((d) => existsSync(join(d, 'package.json')));
    if (found.length === 0) unmatched.push(pattern);
    for (const d of found) dirs.add(d);
  }
  const excluded = patterns.filter((p) => p.startsWith('!')).flatMap((p) => expand(root, p.slice(1).split('/')));
  const workspaces = [...dirs].filter((d) => !excluded.includes(d)).map((d) => readWorkspace(root, d));
  return { file, patterns, workspaces, unmatched };
}

/** The folders a workspace pattern names: literal segments, `*` (any one folder) and `**` (any depth, at most 4). */
function expand(base: string, segments: string[], depth = 0): string[] {
  if (segments.length === 0) return [base];
  const [head, ...rest] = segments;
  if (head === '' || head === '.') return expand(base, rest, depth);
  const children = (): string[] => {
    try {
      return readdirSync(base, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
        .map((e) => join(base, e.name));
    } catch {
      return [];
    }
  };
  if (head === '**') return depth >= 4 ? [] : [...expand(base, rest, depth), ...children().flatMap((c) => expand(c, segments, depth + 1))];
  if (head.includes('*')) {
    const re = new RegExp(`^${head.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    return children().filter((c) => re.test(c.slice(base.length + 1))).flatMap((c) => expand(c, rest, depth));
  }
  const next = resolve(base, head);
  return existsSync(next) && statSync(next).isDirectory() ? expand(next, rest, depth) : [];
}

function readWorkspace(root: string, dir: string): Workspace {
  const pkg = readJson(join(dir, 'package.json')) ?? {};
  const rel = relative(root, dir).split('\\').join('/');
  const notes: string[] = [];
  let start: WorkspaceStart | undefined;
  let entry: string | undefined;
  const script = pkg.scripts?.start?.trim();
  if (script) {
    const words = script.split(/\s+/);
    const bin = words[0];
    if (/&&|\|\||;|\|/.test(script) || /^(npm|npx|yarn|pnpm)$/.test(bin)) {
      notes.push(`its start script does more than start the server (${JSON.stringify(script)}): the services file runs it as is; a command that starts the server alone starts faster`);
    } else if (bin !== 'node' && !bin.includes('/')) {
      const local = [join(dir, 'node_modules/.bin', bin), join(root, 'node_modules/.bin', bin)].find((f) => existsSync(f));
      // npm puts node_modules/.bin on the PATH of a script; the runner's shell does not.
      if (local) words[0] = relative(dir, local).split('\\').join('/');
      else notes.push(`its start script runs ${bin}, which is not in node_modules/.bin: it must be on the PATH filibuster runs with`);
    }
    start = { command: words.join(' '), from: 'scripts.start' };
    entry = scriptFile(words.slice(1));
  } else if (pkg.main) {
    start = { command: `node ${pkg.main}`, from: 'main' };
    entry = pkg.main;
  }
  const entryFile = entry ? resolve(dir, entry) : undefined;
  let source = '';
  try {
    if (entryFile) source = readFileSync(entryFile, 'utf8');
  } catch {
    // A start file that is built (dist/) may not exist yet: nothing is read from it.
  }
  return { dir, rel, packageName: pkg.name, ...(start ? { start } : {}), ...(entryFile ? { entryFile } : {}), source, notes };
}

/** The script a command's arguments run: the first word that is not an option or an option's value. */
function scriptFile(args: string[]): string | undefined {
  const withValue = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--watch-path', '--conditions', '-C']);
  for (let i = 0; i < args.length; i++) {
    if (withValue.has(args[i])) i++;
    else if (!args[i].startsWith('-') && /\.[cm]?[jt]sx?$/.test(args[i])) return args[i];
  }
  return undefined;
}

/** Whether the source reads PORT from its environment. */
export function readsPort(source: string): boolean {
  return /\benv\.PORT\b|\benv\[\s*['"]PORT['"]\s*\]|\{[^}]*\bPORT\b[^}]*\}\s*=\s*process\.env/.test(source);
}

/** Whether the source starts a server (`.listen(`). */
export function listens(source: string): boolean {
  return /\.listen\s*\(/.test(source);
}

/** The `*_URL` variables the source reads from its environment. */
export function urlVariables(source: string): string[] {
  const names = [...source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*_URL)\b|\[\s*['"]([A-Z][A-Z0-9_]*_URL)['"]\s*\])/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(names)];
}


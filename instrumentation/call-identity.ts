/**
 * Call identity: what makes two calls "the same call" across executions.
 *
 * An execution index (EI) is the parent call's EI plus one frame `[hash(identity), occurrence]`.
 * The identity of a call is:
 *   - the source service name;
 *   - the HTTP method;
 *   - the callee: its logical service name when the service map knows it (by host:port, by name or alias,
 *     or by the port of a runner-started service: identity-rules.ts), otherwise the URL without scheme and
 *     host (`5001/movies/42`) as the original does, or `host:port` in the templated mode;
 *   - the path, normalised (identity-rules.ts): route templates (`/movies/:id`) replace matching paths,
 *     ignored query parameters are dropped, and in the templated mode id-shaped segments and values, and
 *     those a calibration saw change, become slots;
 *   - the application stack signature (below).
 *
 * Stack signature rules: the frames of the stack at the moment the call starts, innermost first, keeping
 * only application frames. Each kept frame is `relative/file.ts:functionName`, where the file is
 * source-mapped when a source map is loaded and made relative to the nearest directory holding a
 * package.json; anonymous functions are named by the position where they are defined (`<anonymous>@line:column`). Dropped:
 * line numbers of named functions (so edits elsewhere in a file do not change identities), frames in
 * node_modules (but for the service's own package when the service itself runs from node_modules, as the
 * tutorial of an installed filibuster does: its files are the application, its dependencies are not),
 * Node's own frames (`node:`), native frames, this instrumentation's frames, and V8's
 * `async Promise.all (index n)` frames (the index is a timing artefact, not an identity). Clients that
 * break the async stack before calling http.request (axios runs its adapter from a promise chain) leave
 * only the frames that remain; their calls are then told apart by method, callee, path and occurrence.
 */
import { hash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from './protocol.js';

const INSTRUMENTATION_DIR = dirname(fileURLToPath(import.meta.url));

export interface StackInfo {
  signature: string[];
  callsite: { file: string; line: string };
  /** The signature's frames with their source lines, innermost first (matched against analysed call sites). */
  frames: StackFrame[];
}

export interface IdentityInput {
  source: string;
  method: string;
  /**
   * The callee with its normalised path: `<service name><path>` when the service is known, else the
   * original's host-stripped URL (`5001/path?q`) in the original mode, `<host:port><path>` in the
   * templated one (identity-rules.ts).
   */
  callee: string;
  signature: string[];
}

type CallSite = NodeJS.CallSite & {
  isPromiseAll?: () => boolean;
  getEnclosingLineNumber?: () => number | null;
  getEnclosingColumnNumber?: () => number | null;
};

const packageRootCache = new Map<string, string>();
const mappedCache = new Map<string, { file: string; line: number; column: number }>();

function packageRoot(dir: string): string {
  const cached = packageRootCache.get(dir);
  if (cached !== undefined) return cached;
  let d = dir;
  for (;;) {
    if (existsSync(resolve(d, 'package.json'))) break;
    const parent = dirname(d);
    if (parent === d) {
      d = dir;
      break;
    }
    d = parent;
  }
  packageRootCache.set(dir, d);
  return d;
}

const pathCache = new Map<string, string>();

/** A frame's file as a path (ESM frames are file:// URLs); remembered, as every call walks the same files. */
function toPath(fileName: string): string {
  if (!fileName.startsWith('file://')) return fileName;
  let path = pathCache.get(fileName);
  if (path === undefined) pathCache.set(fileName, (path = fileURLToPath(fileName)));
  return path;
}

const relativeCache = new Map<string, string>();

/** A source file relative to the nearest directory holding a package.json, with forward slashes. */
function relativeToPackage(file: string): string {
  let rel = relativeCache.get(file);
  if (rel === undefined) relativeCache.set(file, (rel = relative(packageRoot(dirname(file)), file).split('\\').join('/')));
  return rel;
}

/** Maps a generated position to its source position through a loaded source map, if any. */
function mapPosition(file: string, line: number, column: number): { file: string; line: number; column: number } {
  const key = `${file}:${line}:${column}`;
  const cached = mappedCache.get(key);
  if (cached) return cached;
  let result = { file, line, column };
  try {
    const map = findSourceMap(file);
    const entry = map?.findEntry(line - 1, column - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry && entry.originalSource) {
      const src = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : isAbsolute(entry.originalSource)
          ? entry.originalSource
          : resolve(dirname(file), entry.originalSource);
      result = { file: src, line: (entry.originalLine ?? line - 1) + 1, column: (entry.originalColumn ?? column - 1) + 1 };
    }
  } catch {
    /* no usable source map: keep the generated position */
  }
  mappedCache.set(key, result);
  return result;
}

const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

/**
 * The root of the service's own package (with a trailing separator) when its entry script lives in
 * node_modules; undefined otherwise, the usual case, where every node_modules frame is a library's.
 */
const ENTRY_PACKAGE = ((): string | undefined => {
  try {
    const entry = process.argv[1] ? realpathSync(process.argv[1]) : undefined;
    return entry && IN_NODE_MODULES.test(entry) ? join(packageRoot(dirname(entry)), sep) : undefined;
  } catch {
    return undefined;
  }
})();

/** A file of the service's own package, itself installed in node_modules, and not one of its dependencies. */
function inEntryPackage(file: string): boolean {
  if (ENTRY_PACKAGE === undefined) return false;
  const path = toPath(file);
  return path.startsWith(ENTRY_PACKAGE) && !IN_NODE_MODULES.test(path.slice(ENTRY_PACKAGE.length - 1));
}

function isApplicationFrame(site: CallSite, file: string | null | undefined): file is string {
  if (!file) return false;
  if (site.isPromiseAll?.()) return false;
  if (file.startsWith('node:') || file.startsWith('internal/')) return false;
  if (IN_NODE_MODULES.test(file) && !inEntryPackage(file)) return false;
  return !toPath(file).startsWith(INSTRUMENTATION_DIR);
}

/** An anonymous function is named by where it is defined (its enclosing position), source-mapped. */
function anonymousName(site: CallSite, file: string): string {
  const line = site.getEnclosingLineNumber?.() ?? site.getLineNumber() ?? 0;
  const column = site.getEnclosingColumnNumber?.() ?? site.getColumnNumber() ?? 0;
  const pos = mapPosition(file, line, column);
  return `<anonymous>@${pos.line}:${pos.column}`;
}

/** Captures the application stack of a call; `below` is the outermost instrumentation function. */
export function captureStack(below: Function): StackInfo {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = 64;
    Error.captureStackTrace(holder, below);
    void holder.stack; // formats now, with our prepareStackTrace
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
  const sites = (Array.isArray(holder.stack) ? holder.stack : []) as CallSite[];
  const signature: string[] = [];
  const frames: StackFrame[] = [];
  let callsite = { file: '', line: '' };
  for (const site of sites) {
    const fileName = site.getFileName();
    if (!isApplicationFrame(site, fileName)) continue;
    const pos = mapPosition(toPath(fileName), site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0);
    const rel = relativeToPackage(pos.file);
    const name = site.getFunctionName() || site.getMethodName() || anonymousName(site, toPath(fileName));
    signature.push(`${rel}:${name}`);
    frames.push({ file: rel, line: pos.line, function: name });
    if (signature.length === 1) callsite = { file: rel, line: String(pos.line) };
  }
  return { signature, callsite, frames };
}

/** The original's URL form: drop `http://`, then keep what follows the first remaining colon. */
export function stripHost(url: string): string {
  const u = url.replaceAll('http://', '');
  const i = u.indexOf(':');
  return i >= 0 ? u.slice(i + 1) : u;
}

export function identityHash(input: IdentityInput): string {
  return hash('md5', JSON.stringify([input.source, input.method, input.callee, input.signature]), 'hex');
}

/** md5 of the stack signature: the `full_traceback` field of create messages. */
export function signatureHash(signature: readonly string[]): string {
  return hash('md5', signature.join('\n'), 'hex');
}

/**
 * fastify plugins and the prefixes of the routes they register:
 *   - `x.register(plugin, { prefix: '/v1' })`: the routes the plugin registers on its first parameter
 *     (its encapsulated instance) get x's prefix, then '/v1'; plugins nest, and a plugin registered
 *     twice has both prefixes;
 *   - a plugin is an inline function, a name declared as one (also imported, default or named), a
 *     variable holding one, `fp(fn)` from fastify-plugin (skip-override: fastify ignores its `prefix`
 *     option, its routes get x's prefix), `import('./routes.js')` / `require('./routes')` (the file's
 *     default export or `module.exports`);
 *   - @fastify/autoload (autoload.ts): each file's default export, prefixed with `options.prefix` then
 *     its folder path, or with the file's `export const autoPrefix`; `export const prefixOverride` wins.
 * Every plugin found is live for the service (a default-exported function nothing else refers to).
 */
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import { autoloadsIn, type Autoload } from './autoload.js';
import { resolveRelative } from './project.js';
import { snippet, type ServiceScope } from './scope.js';
import { declarationOf, importOf, isFunctionLike, rootIdentifier, unwrap, type FunctionLike } from './symbols.js';
import { objectLiteralOf, propertyOf, resolveLiterals } from './values.js';

interface Plugin {
  fn: FunctionLike;
  /** Wrapped by fastify-plugin: registered on the parent's instance, its `prefix` option ignored. */
  skipOverride: boolean;
}

interface Registration {
  /** The declaration of the instance `register` is called on (a plugin's parameter, or the app). */
  receiver: Node | undefined;
  plugin: Plugin;
  prefixes: string[];
}

const MAX_DEPTH = 8;

function isFastifyPlugin(callee: Node): boolean {
  const n = unwrap(callee);
  return Node.isIdentifier(n) && importOf(n)?.module === 'fastify-plugin';
}

/** The project file `import('./x.js')` or `require('./x')` loads. */
function loadedFile(call: CallExpression): SourceFile | undefined {
  const callee = call.getExpression();
  const isLoader = callee.getKind() === SyntaxKind.ImportKeyword || (Node.isIdentifier(callee) && callee.getText() === 'require');
  const [arg] = call.getArguments();
  if (!isLoader || !arg || !(Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) return undefined;
  const path = resolveRelative(call.getSourceFile().getFilePath(), arg.getLiteralValue());
  return path ? call.getProject().getSourceFile(path) : undefined;
}

/** A file's default export (`export default`, `export =`, `module.exports =`) as a plugin. */
function defaultExportPlugin(sf: SourceFile, depth: number): Plugin | undefined {
  const fn = sf.getFunctions().find((f) => f.isDefaultExport());
  if (fn) return { fn, skipOverride: false };
  const assignment = sf.getExportAssignments()[0];
  if (assignment) return pluginOf(assignment.getExpression(), depth + 1);
  for (const stmt of sf.getStatements()) {
    const e = Node.isExpressionStatement(stmt) ? stmt.getExpression() : undefined;
    if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.EqualsToken && e.getLeft().getText() === 'module.exports') return pluginOf(e.getRight(), depth + 1);
  }
  return undefined;
}

/** The plugin function an expression registers, if it can be told. */
function pluginOf(expr: Node | undefined, depth = 0): Plugin | undefined {
  const e = unwrap(expr);
  if (!e || depth > MAX_DEPTH) return undefined;
  if (isFunctionLike(e)) return { fn: e, skipOverride: false };
  if (Node.isIdentifier(e)) {
    const decl = declarationOf(e);
    if (isFunctionLike(decl)) return { fn: decl, skipOverride: false };
    if (Node.isVariableDeclaration(decl)) return pluginOf(decl.getInitializer(), depth + 1);
    if (Node.isExportAssignment(decl)) return pluginOf(decl.getExpression(), depth + 1);
    return undefined;
  }
  if (!Node.isCallExpression(e)) return undefined;
  if (isFastifyPlugin(e.getExpression())) {
    const inner = pluginOf(e.getArguments()[0], depth + 1);
    return inner && { fn: inner.fn, skipOverride: true };
  }
  const file = loadedFile(e);
  return file ? defaultExportPlugin(file, depth + 1) : undefined;
}

/** The `prefix` option of a registration (every value a conditional may give). */
function prefixOption(options: Node | undefined, scope: ServiceScope): string[] {
  const object = options && objectLiteralOf(options, scope);
  const node = object && propertyOf(object.object, 'prefix').node;
  if (!node) return [''];
  const r = resolveLiterals(node, scope);
  const values = r.values.filter((v) => typeof v.value === 'string').map((v) => v.value as string);
  if (r.unresolved.length) scope.warn(node, `cannot tell the plugin prefix ${snippet(node)}; its routes are listed without it`);
  return values.length ? values : [''];
}

/** A string constant a plugin file exports (`export const autoPrefix = '/v1'`). */
function exportedString(sf: SourceFile, name: string): string | undefined {
  const v = sf.getVariableDeclaration(name);
  const init = v?.isExported() ? unwrap(v.getInitializer()) : undefined;
  return init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init)) ? init.getLiteralValue() : undefined;
}

const autoloads = new WeakMap<SourceFile, Autoload[]>();

function autoloadOf(call: CallExpression): Autoload | undefined {
  const sf = call.getSourceFile();
  if (!autoloads.has(sf)) autoloads.set(sf, autoloadsIn(sf, () => undefined));
  return autoloads.get(sf)!.find((a) => a.call === call);
}

function registrations(scope: ServiceScope): Registration[] {
  const out: Registration[] = [];
  for (const call of scope.invocations()) {
    const callee = call.getExpression();
    if (!Node.isCallExpression(call) || !Node.isPropertyAccessExpression(callee) || callee.getName() !== 'register') continue;
    const root = rootIdentifier(callee.getExpression());
    const receiver = root ? (declarationOf(root) ?? root) : undefined;
    const autoload = autoloadOf(call);
    for (const file of autoload?.files ?? []) {
      const sf = call.getProject().getSourceFile(file.path);
      const plugin = sf && defaultExportPlugin(sf, 0);
      if (!sf || !plugin) continue;
      const prefix = exportedString(sf, 'prefixOverride') ?? file.base + (exportedString(sf, 'autoPrefix') ?? file.folder);
      out.push({ receiver, plugin, prefixes: [prefix] });
    }
    if (autoload) continue;
    const [arg, options] = call.getArguments();
    const plugin = pluginOf(arg);
    if (plugin) out.push({ receiver, plugin, prefixes: prefixOption(options, scope) });
  }
  return out;
}

/** fastify's join of a prefix and a path (or a plugin's prefix): `/users` + `/` is `/users`, `/v1` + `x` is `/v1/x`. */
export function joinFastify(prefix: string, path: string): string {
  if (!prefix) return path;
  if (path === '/' || path === '') return prefix;
  const separator = prefix.endsWith('/') || path.startsWith('/') ? '' : '/';
  return (prefix + separator + path).replace(/\/{2,}/g, '/');
}

/**
 * The prefixes of the routes registered on each plugin's instance: its first parameter's declaration
 * → the prefixes (`['/users']`). Plugins found are marked live in the scope.
 */
export function pluginPrefixes(scope: ServiceScope): Map<Node, string[]> {
  const byPlugin = new Map<Node, Registration[]>();
  for (const r of registrations(scope)) {
    byPlugin.set(r.plugin.fn, [...(byPlugin.get(r.plugin.fn) ?? []), r]);
    scope.markLive(r.plugin.fn);
  }
  const memo = new Map<Node, string[]>();
  const prefixesOf = (fn: Node, visiting: Set<Node>): string[] => {
    const known = memo.get(fn);
    if (known) return known;
    if (visiting.has(fn)) return [''];
    visiting.add(fn);
    const out = new Set<string>();
    for (const r of byPlugin.get(fn) ?? []) {
      const outer = r.receiver && Node.isParameterDeclaration(r.receiver) ? r.receiver.getParent() : undefined;
      const context = outer && byPlugin.has(outer) && (outer as FunctionLike).getParameters()[0] === r.receiver ? prefixesOf(outer, visiting) : [''];
      for (const p of context) for (const own of r.plugin.skipOverride ? [''] : r.prefixes) out.add(joinFastify(p, own && !own.startsWith('/') ? `/${own}` : own));
    }
    visiting.delete(fn);
    const result = out.size ? [...out] : [''];
    memo.set(fn, result);
    return result;
  };
  const byInstance = new Map<Node, string[]>();
  for (const fn of byPlugin.keys()) {
    const instance = (fn as FunctionLike).getParameters()[0];
    const prefixes = prefixesOf(fn, new Set());
    if (instance && prefixes.some((p) => p !== '')) byInstance.set(instance, prefixes);
  }
  return byInstance;
}

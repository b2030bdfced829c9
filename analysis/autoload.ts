/**
 * @fastify/autoload: `app.register(autoload, { dir, options })` loads every script under `dir` as a
 * plugin, so those files belong to the service though nothing imports them. Read syntactically (no
 * symbols: project.ts calls this while it is still adding files) and walked as autoload 6 walks them
 * (lib/find-plugins.js):
 *   - `dir`: `join|resolve(__dirname | import.meta.dirname, 'routes')`, `fileURLToPath(new URL('./routes',
 *     import.meta.url))`, `dirname(fileURLToPath(import.meta.url))` kept in a variable of the file,
 *     template strings of those; evaluated against the source file's own location;
 *   - a folder holding an `index` script loads only that script (and its subfolders); otherwise every
 *     script (`.ts`/`.js`/`.mjs`/`.cjs`/`.mts`/`.cts`, not `.d.ts`, not an `autohooks` file) is a plugin;
 *     a compiled `.js` beside its `.ts` is the same plugin;
 *   - a subfolder's name is added to the prefix of its plugins (`routes/users/index.ts` → `/users`),
 *     unless `dirNameRoutePrefix: false`; `_id` folders become `:id` with `routeParams: true`;
 *   - options read: `options.prefix` (before the folder prefix), `ignorePattern`, `ignoreFilter`,
 *     `matchFilter` (string or regex literal), `indexPattern`, `maxDepth`.
 * A plugin file's `export const autoPrefix` / `prefixOverride` is read by fastify-plugins.ts.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';

export interface AutoloadedFile {
  path: string;
  /** The autoload's `options.prefix` (`/api`), '' when none. */
  base: string;
  /** The folder path under `dir` (`/users`), '' at the top: autoload's default prefix for the plugin. */
  folder: string;
}

export interface Autoload {
  call: CallExpression;
  dir: string;
  files: AutoloadedFile[];
}

const SCRIPT = /(?:(?:^.?|\.[^d]|[^.]d|[^.][^d])\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;
const INDEX = /^index(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;
const AUTOHOOKS = /^[_.]?auto_?hooks(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;
const MAX_DEPTH = 6;

interface Options {
  dir: string;
  prefix: string;
  dirNameRoutePrefix: boolean;
  routeParams: boolean;
  indexPattern: RegExp;
  ignorePattern?: RegExp;
  ignoreFilter?: RegExp | string;
  matchFilter?: RegExp | string;
  maxDepth: number;
}

/** The local names bound to @fastify/autoload's plugin in a file (default, named, require). */
function autoloadNames(sf: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const d of sf.getImportDeclarations()) {
    if (d.getModuleSpecifierValue() !== '@fastify/autoload' || d.isTypeOnly()) continue;
    const def = d.getDefaultImport();
    if (def) names.add(def.getText());
    for (const s of d.getNamedImports()) names.add((s.getAliasNode() ?? s.getNameNode()).getText());
  }
  for (const v of sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const init = v.getInitializer();
    if (init && /^require\(\s*['"]@fastify\/autoload['"]\s*\)/.test(init.getText()) && Node.isIdentifier(v.getNameNode())) names.add(v.getName());
  }
  return names;
}

/** The variable of this file a name refers to (syntactically: the first declaration of that name). */
function variableInit(sf: SourceFile, name: string): Node | undefined {
  return sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration).find((v) => v.getName() === name)?.getInitializer();
}

/** A path (or file URL) an expression evaluates to, read from the source file's location. */
export function evalPath(node: Node | undefined, sf: SourceFile, depth = 0): string | undefined {
  if (!node || depth > 8) return undefined;
  const file = sf.getFilePath();
  const next = (n: Node | undefined) => evalPath(n, sf, depth + 1);
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node)) return next(node.getExpression());
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isTemplateExpression(node)) {
    let out = node.getHead().getLiteralText();
    for (const span of node.getTemplateSpans()) {
      const value = next(span.getExpression());
      if (value === undefined) return undefined;
      out += value + span.getLiteral().getLiteralText();
    }
    return out;
  }
  const text = node.getText();
  if (text === '__dirname' || text === 'import.meta.dirname') return dirname(file);
  if (text === '__filename' || text === 'import.meta.filename') return file;
  if (text === 'import.meta.url') return pathToFileURL(file).href;
  if (Node.isIdentifier(node)) return next(variableInit(sf, text));
  if (Node.isPropertyAccessExpression(node) && ['pathname', 'href'].includes(node.getName())) {
    const url = next(node.getExpression());
    return url?.startsWith('file:') && node.getName() === 'pathname' ? fileURLToPath(url) : url;
  }
  if (Node.isNewExpression(node) && node.getExpression().getText() === 'URL') {
    const [spec, base] = node.getArguments().map(next);
    try {
      return spec !== undefined ? new URL(spec, base).href : undefined;
    } catch {
      return undefined;
    }
  }
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  const args = node.getArguments().map(next);
  if (args.some((a) => a === undefined)) return undefined;
  const values = args as string[];
  if (name === 'join') return join(...values);
  if (name === 'resolve') return values.length && values.some((v) => v.startsWith('/')) ? resolve(...values) : undefined;
  if (name === 'dirname' && values.length === 1) return dirname(values[0]);
  if (name === 'fileURLToPath' && values.length === 1) return values[0].startsWith('file:') ? fileURLToPath(values[0]) : undefined;
  return undefined;
}

function literalOption(object: Node, name: string): Node | undefined {
  if (!Node.isObjectLiteralExpression(object)) return undefined;
  const p = object.getProperty(name);
  if (p && Node.isPropertyAssignment(p)) return p.getInitializer();
  if (p && Node.isShorthandPropertyAssignment(p)) return p.getNameNode();
  return undefined;
}

function pattern(node: Node | undefined): RegExp | string | undefined {
  if (!node) return undefined;
  if (Node.isRegularExpressionLiteral(node)) {
    const text = node.getLiteralText();
    const slash = text.lastIndexOf('/');
    return new RegExp(text.slice(1, slash), text.slice(slash + 1));
  }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}

function optionsOf(object: Node, dir: string, sf: SourceFile): Options {
  const get = (name: string) => literalOption(object, name);
  const nested = get('options');
  const prefixNode = nested && (Node.isObjectLiteralExpression(nested) ? literalOption(nested, 'prefix') : undefined);
  const prefix = prefixNode ? (evalPath(prefixNode, sf) ?? '') : '';
  const asRegExp = (n: Node | undefined) => {
    const p = pattern(n);
    return typeof p === 'string' ? new RegExp(p) : p;
  };
  const maxDepth = get('maxDepth');
  return {
    dir,
    prefix: prefix.replace(/\/$/, ''),
    dirNameRoutePrefix: get('dirNameRoutePrefix')?.getKind() !== SyntaxKind.FalseKeyword,
    routeParams: get('routeParams')?.getKind() === SyntaxKind.TrueKeyword,
    indexPattern: asRegExp(get('indexPattern')) ?? INDEX,
    ignorePattern: asRegExp(get('ignorePattern')),
    ignoreFilter: pattern(get('ignoreFilter')),
    matchFilter: pattern(get('matchFilter')),
    maxDepth: maxDepth && Node.isNumericLiteral(maxDepth) ? maxDepth.getLiteralValue() : MAX_DEPTH,
  };
}

function matches(filter: RegExp | string, path: string): boolean {
  return typeof filter === 'string' ? path.includes(filter) : filter.test(path);
}

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** The plugin files under one folder, as autoload's buildTree finds them. */
function walk(dir: string, prefix: string, depth: number, o: Options, out: AutoloadedFile[]): void {
  const entries = entriesOf(dir);
  const index = entries.find((e) => e.isFile() && o.indexPattern.test(e.name));
  const add = (path: string) => {
    const rel = '/' + relative(o.dir, path).split('\\').join('/');
    if (o.matchFilter && !matches(o.matchFilter, rel)) return;
    if (o.ignoreFilter && matches(o.ignoreFilter, rel)) return;
    const folder = !o.routeParams ? prefix : /__/.test(prefix) ? prefix.replace(/__/g, ':') : prefix.replace(/\/_/g, '/:');
    out.push({ path, base: o.prefix, folder });
  };
  if (index) add(join(dir, index.name));
  const names = new Set(entries.map((e) => e.name));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (o.ignorePattern && o.ignorePattern.test(relative(o.dir, path).split('\\').join('/'))) continue;
    if (e.isDirectory() && e.name !== 'node_modules' && depth < o.maxDepth) {
      walk(path, o.dirNameRoutePrefix ? `${prefix}/${e.name}` : prefix, depth + 1, o, out);
    } else if (!index && e.isFile() && SCRIPT.test(e.name) && !AUTOHOOKS.test(e.name)) {
      // A compiled `x.js` beside `x.ts` (tsc writing next to the source) is the same plugin.
      const stem = e.name.slice(0, -extname(e.name).length);
      if (/\.[cm]?js$/.test(e.name) && ['.ts', '.mts', '.cts'].some((x) => names.has(stem + x))) continue;
      add(path);
    }
  }
}

/** The autoload registrations of a file and the plugin files each loads. */
export function autoloadsIn(sf: SourceFile, warn: (node: Node, message: string) => void): Autoload[] {
  const names = autoloadNames(sf);
  if (names.size === 0) return [];
  const out: Autoload[] = [];
  for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const [plugin, rawOptions] = call.getArguments();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'register' || !plugin || !names.has(plugin.getText())) continue;
    const options = rawOptions && Node.isIdentifier(rawOptions) ? variableInit(sf, rawOptions.getText()) : rawOptions;
    const dirNode = options && literalOption(options, 'dir');
    const dir = evalPath(dirNode, sf);
    if (!options || !dir || dir.startsWith('file:')) {
      warn(call, `cannot tell which folder @fastify/autoload loads (${dirNode?.getText() ?? 'no dir'}); its plugins are not analysed`);
      continue;
    }
    const files: AutoloadedFile[] = [];
    walk(dir, '', 0, optionsOf(options, dir, sf), files);
    if (files.length === 0) warn(call, `@fastify/autoload loads ${relative(dirname(sf.getFilePath()), dir) || '.'}, which holds no plugin file`);
    out.push({ call, dir, files });
  }
  return out;
}

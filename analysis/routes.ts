/**
 * Routes and their handlers, found syntactically (no framework types needed):
 *   - `x.get|post|put|patch|delete|all|options|head('/path', ...handlers)` and `x.use(['/prefix',] ...handlers)`
 *     where a handler is a function written inline or a name declared as one (express, koa-router,
 *     fastify's shorthands; fastify's `('/path', { options }, handler)` too);
 *   - `x.route('/path').get(handler)` (express) and `x.route({ method, url, handler })` (fastify);
 *   - a router mounted with `app.use('/prefix', router)` prefixes the routes registered on it;
 *   - fastify: routes registered inside a plugin get its prefixes (fastify-plugins.ts: `register(plugin,
 *     { prefix })`, fastify-plugin, plugins in other files, @fastify/autoload folders);
 *   - NestJS controllers and guards, read from their decorators (nest.ts).
 * The framework is read from the imports of the service's files: with fastify and no express, handlers
 * are `(request, reply)`; otherwise express's `(req, res, next)` and, for 4-parameter middleware,
 * `(err, req, res, next)`.
 */
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import { joinFastify, pluginPrefixes } from './fastify-plugins.js';
import type { Framework, Handler } from './handler.js';
import { nestHandlers } from './nest.js';
import type { ServiceScope } from './scope.js';
import { declarationOf, functionOf, isFunctionLike, moduleName, rootIdentifier, unwrap, type FunctionLike } from './symbols.js';

export type { Framework, Handler } from './handler.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head', 'use'];
const FRAMEWORK_MODULES: Record<string, Framework> = {
  express: 'express',
  fastify: 'fastify',
  koa: 'koa',
  '@koa/router': 'koa',
  '@nestjs/core': 'nest',
  '@nestjs/common': 'nest',
  'koa-router': 'koa',
  http: 'http',
  https: 'http',
};

/** The server frameworks the service's files import. */
export function frameworksOf(files: SourceFile[]): Framework[] {
  const found = new Set<Framework>();
  for (const sf of files) {
    for (const d of sf.getImportDeclarations()) {
      if (d.isTypeOnly()) continue;
      const f = FRAMEWORK_MODULES[moduleName(d.getModuleSpecifierValue())];
      if (f && f !== 'http') found.add(f);
    }
    for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const [arg] = call.getArguments();
      if (Node.isIdentifier(callee) && callee.getText() === 'require' && arg && Node.isStringLiteral(arg)) {
        const f = FRAMEWORK_MODULES[moduleName(arg.getLiteralValue())];
        if (f && f !== 'http') found.add(f);
      }
      // A plain node:http server: http.createServer((req, res) => ...)
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'createServer') found.add('http');
    }
  }
  return [...found];
}

function isPathLiteral(node: Node | undefined): node is Node {
  const n = unwrap(node);
  return !!n && (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) && /^[/*]/.test(n.getLiteralValue());
}

function pathOf(node: Node): string {
  const n = unwrap(node);
  return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralValue() : n.getText();
}

/** The functions among route arguments: inline, named, arrays of them, fastify's `{ handler }`. */
function handlerFunctions(args: Node[]): FunctionLike[] {
  const out: FunctionLike[] = [];
  for (const raw of args) {
    const a = unwrap(raw);
    if (isFunctionLike(a)) out.push(a);
    else if (Node.isIdentifier(a)) {
      const fn = functionOf(declarationOf(a));
      if (fn) out.push(fn);
    } else if (Node.isArrayLiteralExpression(a)) out.push(...handlerFunctions(a.getElements()));
    else if (Node.isObjectLiteralExpression(a)) {
      const h = a.getProperty('handler');
      if (h && Node.isPropertyAssignment(h)) out.push(...handlerFunctions([h.getInitializerOrThrow()]));
      else if (h && Node.isMethodDeclaration(h)) out.push(h);
    }
  }
  return out;
}

function handlerOf(fn: FunctionLike, route: string, framework: Framework, isUse: boolean): Handler {
  const count = fn.getParameters().length;
  if (framework === 'fastify') return { fn, route, framework, responseIndex: 1 };
  if (framework === 'koa') return { fn, route, framework, responseIndex: 0, nextIndex: 1 };
  if (isUse && count >= 4) return { fn, route: 'ERROR', framework, responseIndex: 2, nextIndex: 3, errorIndex: 0 };
  return { fn, route, framework, responseIndex: 1, nextIndex: 2 };
}

interface Registration {
  call: CallExpression;
  method: string;
  path: string;
  fns: FunctionLike[];
}

/** The route registrations of the service's files, and the prefixes routers are mounted at. */
function scanRegistrations(scope: ServiceScope): { registrations: Registration[]; mounts: Map<Node, string[]> } {
  const registrations: Registration[] = [];
  const mounts = new Map<Node, string[]>();
  for (const call of scope.invocations()) {
    if (!Node.isCallExpression(call)) continue;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const name = callee.getName();
    const args = call.getArguments();
    if (name === 'route' && args.length === 1 && Node.isObjectLiteralExpression(unwrap(args[0]))) {
      const options = unwrap(args[0]) as Node;
      const method = (options as Node & { getProperty(n: string): Node | undefined }).getProperty('method');
      const url = (options as Node & { getProperty(n: string): Node | undefined }).getProperty('url');
      const methodText = method && Node.isPropertyAssignment(method) ? pathOf(method.getInitializerOrThrow()).toUpperCase() : 'ALL';
      const urlText = url && Node.isPropertyAssignment(url) ? pathOf(url.getInitializerOrThrow()) : '*';
      registrations.push({ call, method: methodText, path: urlText, fns: handlerFunctions([options]) });
      continue;
    }
    if (!METHODS.includes(name)) continue;
    // express `app.route('/p').get(h)`: the path is the inner call's.
    const receiver = unwrap(callee.getExpression());
    let path: string | undefined;
    let rest = args;
    if (isPathLiteral(args[0])) {
      path = pathOf(args[0]);
      rest = args.slice(1);
    } else if (Node.isCallExpression(receiver) && Node.isPropertyAccessExpression(receiver.getExpression()) && (receiver.getExpression() as unknown as { getName(): string }).getName() === 'route' && isPathLiteral(receiver.getArguments()[0])) {
      path = pathOf(receiver.getArguments()[0]);
    } else if (name !== 'use') continue;
    const fns = handlerFunctions(rest);
    if (fns.length === 0) {
      // `app.use('/api', router)`: remember the prefix of the router's routes.
      if (name === 'use' && path) for (const a of rest) if (Node.isIdentifier(a)) {
        const decl = declarationOf(a);
        if (decl) mounts.set(decl, [...(mounts.get(decl) ?? []), path]);
      }
      continue;
    }
    registrations.push({ call, method: name === 'del' ? 'DELETE' : name.toUpperCase(), path: path ?? '*', fns });
  }
  return { registrations, mounts };
}

function joinMount(prefix: string | undefined, path: string, framework: Framework): string {
  if (!prefix) return path;
  if (framework === 'fastify') return path === '*' ? prefix : joinFastify(prefix, path);
  return path !== '*' ? `${prefix.replace(/\/$/, '')}${path}` : prefix;
}

/** Every route handler registered in the service's files (Nest's controllers and guards included). */
export function findHandlers(scope: ServiceScope, frameworks: Framework[]): Handler[] {
  const framework: Framework = frameworks.includes('fastify') && !frameworks.includes('express') ? 'fastify' : frameworks.includes('koa') && !frameworks.includes('express') ? 'koa' : 'express';
  const { registrations, mounts } = scanRegistrations(scope);
  // fastify: the routes a plugin registers on its instance get the plugin's prefixes.
  if (frameworks.includes('fastify')) for (const [instance, prefixes] of pluginPrefixes(scope)) mounts.set(instance, prefixes);
  const handlers: Handler[] = [];
  for (const r of registrations) {
    const root = rootIdentifier(r.call.getExpression());
    const prefixes = root ? mounts.get(declarationOf(root) ?? root) : undefined;
    for (const prefix of prefixes ?? [undefined]) {
      const path = joinMount(prefix, r.path, framework);
      for (const fn of r.fns) handlers.push(handlerOf(fn, `${r.method} ${path}`, framework, r.method === 'USE'));
    }
  }
  if (frameworks.includes('nest')) handlers.push(...nestHandlers(scope));
  return handlers;
}

/** The handler whose function contains a node (innermost), if any. */
export function handlerContaining(node: Node, byFunction: Map<Node, Handler>): Handler | undefined {
  for (let n: Node | undefined = node; n; n = n.getParent()) {
    const h = byFunction.get(n);
    if (h) return h;
  }
  return undefined;
}

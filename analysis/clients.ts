/**
 * Outbound HTTP calls made directly with a client library, and what the instrumentation will see of them:
 * the client, the HTTP method, and whether a timeout is set and visible (the table in
 * instrumentation/timeouts.ts):
 *
 * | client                       | recognised calls                                | visible timeout                          |
 * |------------------------------|-------------------------------------------------|------------------------------------------|
 * | global fetch                 | `fetch(url, init)`, `globalThis.fetch`          | `signal: AbortSignal.timeout(ms)` (or `AbortSignal.any` over one) |
 * | undici                       | `request`, `fetch`, `stream` imported from it   | `headersTimeout`/`bodyTimeout` (request), `signal` as fetch |
 * | node:http / node:https       | `http.request`, `http.get`                      | `timeout` option, `req.setTimeout(ms)`   |
 * | axios (and `axios.create()`) | `axios(config)`, `axios.get/post/...`, `this.http.get` (a field) | `timeout` (call or instance config)      |
 * | got (and `got.extend()`)     | `got(url, options)`, `got.get/post/...`         | `timeout.socket` only; other got timeouts run on got's own timers (set, not visible) |
 * | node-fetch                   | its default export                              | none (set, not visible, with a signal or v2 `timeout`) |
 */
import { Node, SyntaxKind, type PropertyAccessExpression } from 'ts-morph';
import type { Client, TimeoutInfo, Tristate } from './model.js';
import type { Invocation, ServiceScope } from './scope.js';
import { declarationOf, importOf, moduleName, unwrap } from './symbols.js';
import { isDefined, objectLiteralOf, propertyOf, resolveLiterals, type Binding } from './values.js';

export interface ClientCall {
  call: Invocation;
  client: Client;
  method: (binding?: Binding) => string | undefined;
  timeout: (binding?: Binding) => TimeoutInfo;
  url: Node | undefined;
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const NONE: TimeoutInfo = { set: 'no', visible: 'no' };

function methodOf(options: Node | undefined, scope: ServiceScope, binding: Binding | undefined, fallback: string): string | undefined {
  const object = objectLiteralOf(options, scope, binding);
  if (options && !object) return undefined;
  const prop = object && propertyOf(object.object, 'method');
  if (!prop?.node) return prop && !prop.known ? undefined : fallback;
  const r = resolveLiterals(prop.node, scope, object!.binding);
  const names = [...new Set(r.values.map((v) => (typeof v.value === 'string' ? v.value.toUpperCase() : v.value === undefined ? fallback : '?')))];
  return r.unresolved.length === 0 && names.length > 0 ? names.join('|') : undefined;
}

function property(options: Node | undefined, name: string, scope: ServiceScope, binding?: Binding): { node?: Node; binding?: Binding; known: boolean } {
  const object = objectLiteralOf(options, scope, binding);
  if (!object) return { known: !options };
  const p = propertyOf(object.object, name);
  return { node: p.node, binding: object.binding, known: p.known };
}

function orTristate(a: Tristate, b: Tristate): Tristate {
  return a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
}

/** Is a signal expression a timeout signal the instrumentation records (AbortSignal.timeout / any)? */
function signalTimeout(expr: Node | undefined, scope: ServiceScope, binding: Binding | undefined, depth = 0): Tristate {
  const e = unwrap(expr);
  if (!e || depth > 8) return 'no';
  const text = e.getText();
  if (Node.isCallExpression(e)) {
    if (/^AbortSignal\s*\.\s*timeout$/.test(e.getExpression().getText())) return 'yes';
    if (/^AbortSignal\s*\.\s*any$/.test(e.getExpression().getText())) {
      const [list] = e.getArguments();
      const items = list && Node.isArrayLiteralExpression(list) ? list.getElements() : [];
      return items.reduce<Tristate>((acc, item) => orTristate(acc, signalTimeout(item, scope, binding, depth + 1)), 'no');
    }
    return 'maybe';
  }
  if (Node.isConditionalExpression(e)) {
    const a = signalTimeout(e.getWhenTrue(), scope, binding, depth + 1);
    const b = signalTimeout(e.getWhenFalse(), scope, binding, depth + 1);
    if (a === b) return a;
    // `x !== undefined ? AbortSignal.timeout(x) : undefined`: decided by whether x is given.
    const cond = unwrap(e.getCondition());
    if (Node.isBinaryExpression(cond) && /^(undefined|null)$/.test(cond.getRight().getText())) {
      const defined = isDefined(cond.getLeft(), scope, binding);
      const positive = ['!==', '!='].includes(cond.getOperatorToken().getText());
      if (defined !== 'maybe') return (defined === 'yes') === positive ? a : b;
    }
    return 'maybe';
  }
  if (Node.isIdentifier(e)) {
    if (text === 'undefined') return 'no';
    const decl = declarationOf(e);
    if (Node.isVariableDeclaration(decl)) return signalTimeout(decl.getInitializer(), scope, undefined, depth + 1);
    return 'maybe';
  }
  return 'maybe';
}

function fetchTimeout(init: Node | undefined, scope: ServiceScope, binding: Binding | undefined, visibleKind: boolean): TimeoutInfo {
  const signal = property(init, 'signal', scope, binding);
  if (!signal.node) return signal.known ? NONE : { set: 'maybe', visible: 'maybe' };
  const t = signalTimeout(signal.node, scope, signal.binding);
  return { set: t, visible: visibleKind ? t : 'no', how: t === 'no' ? undefined : 'AbortSignal.timeout' };
}

function optionTimeout(options: Node | undefined, names: string[], scope: ServiceScope, binding: Binding | undefined, how: string): TimeoutInfo {
  let set: Tristate = 'no';
  for (const name of names) {
    const p = property(options, name, scope, binding);
    const d = p.node ? isDefined(p.node, scope, p.binding) : p.known ? 'no' : 'maybe';
    set = orTristate(set, d);
  }
  return { set, visible: set, how: set === 'no' ? undefined : how };
}

function gotTimeout(options: Node | undefined, scope: ServiceScope, binding: Binding | undefined): TimeoutInfo {
  const p = property(options, 'timeout', scope, binding);
  if (!p.node) return p.known ? NONE : { set: 'maybe', visible: 'maybe' };
  const object = objectLiteralOf(p.node, scope, p.binding);
  if (!object) return { set: 'yes', visible: 'no', how: 'got timeout (runs on got\'s own timers: not visible)' };
  const socket = propertyOf(object.object, 'socket');
  if (socket.node) return { set: 'yes', visible: 'yes', how: 'got timeout.socket' };
  const keys = Node.isObjectLiteralExpression(object.object) ? object.object.getProperties().map((x) => (x as Node & { getName?: () => string }).getName?.()).filter(Boolean) : [];
  return { set: keys.length ? 'yes' : 'no', visible: 'no', how: keys.length ? `got timeout.${keys.join('/')} (got's own timers: not visible)` : undefined };
}

/**
 * `const api = axios.create({...})` / `got.extend({...})`, or a class field so initialised (a Nest
 * provider's `private readonly http = axios.create(...)`, used as `this.http`): the library and config.
 */
function instanceOf(identifier: Node): { module: string; config?: Node } | undefined {
  const decl = declarationOf(identifier);
  if (!Node.isVariableDeclaration(decl) && !Node.isPropertyDeclaration(decl)) return undefined;
  const init = unwrap(decl.getInitializer());
  if (!init || !Node.isCallExpression(init)) return undefined;
  const callee = init.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !['create', 'extend'].includes(callee.getName())) return undefined;
  const owner = unwrap(callee.getExpression());
  const imported = Node.isIdentifier(owner) ? importOf(owner) : undefined;
  if (!imported) return undefined;
  return { module: moduleName(imported.module), config: init.getArguments()[0] };
}

/** The library a call goes through: its module, the member called, and an instance's config. */
interface Callee {
  module: string;
  member?: string;
  instanceConfig?: Node;
}

/** `f(...)`: an imported function, the global fetch, or an instance (`const api = axios.create()`). */
function identifierCallee(callee: Node): Callee | undefined {
  const imported = importOf(callee);
  if (imported) return { module: moduleName(imported.module), member: imported.name === 'default' || imported.name === '*' ? undefined : imported.name };
  if (callee.getText() === 'fetch' && !declarationOf(callee)) return { module: 'global' };
  const instance = instanceOf(callee);
  return instance && { module: instance.module, instanceConfig: instance.config };
}

/** `x.f(...)`: `globalThis.fetch`, a member of an imported module or of an instance, or of `this.<field>`. */
function memberCallee(callee: PropertyAccessExpression): Callee | undefined {
  const member = callee.getName();
  const owner = unwrap(callee.getExpression());
  if (owner.getText() === 'globalThis' && member === 'fetch') return { module: 'global' };
  let instance: ReturnType<typeof instanceOf>;
  if (Node.isIdentifier(owner)) {
    const imported = importOf(owner);
    if (imported) return { module: moduleName(imported.module), member };
    instance = instanceOf(owner);
  } else if (Node.isPropertyAccessExpression(owner) && owner.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    instance = instanceOf(owner.getNameNode());
  }
  return instance && { module: instance.module, member, instanceConfig: instance.config };
}

/** A recognised call, what its arguments are, and where to resolve them. */
interface Site {
  call: Invocation;
  args: Node[];
  scope: ServiceScope;
}

function base(site: Site): { call: Invocation; url: Node | undefined } {
  return { call: site.call, url: site.args[0] };
}

function globalFetchCall({ member }: Callee, site: Site): ClientCall | undefined {
  const { args, scope } = site;
  if (member !== undefined) return undefined;
  return { ...base(site), client: 'fetch', method: (b) => methodOf(args[1], scope, b, 'GET'), timeout: (b) => fetchTimeout(args[1], scope, b, true) };
}

function nodeFetchCall({ member }: Callee, site: Site): ClientCall | undefined {
  const { args, scope } = site;
  if (member !== undefined) return undefined;
  return { ...base(site), client: 'node-fetch', method: (b) => methodOf(args[1], scope, b, 'GET'), timeout: (b) => ({ ...fetchTimeout(args[1], scope, b, false), ...(property(args[1], 'timeout', scope, b).node ? { set: 'yes' as Tristate, how: 'node-fetch timeout (not visible)' } : {}) }) };
}

function undiciCall({ member }: Callee, site: Site): ClientCall | undefined {
  const { args, scope } = site;
  if (!member || !['request', 'fetch', 'stream'].includes(member)) return undefined;
  if (member === 'fetch') return { ...base(site), client: 'undici', method: (b) => methodOf(args[1], scope, b, 'GET'), timeout: (b) => fetchTimeout(args[1], scope, b, true) };
  return { ...base(site), client: 'undici', method: (b) => methodOf(args[1], scope, b, 'GET'), timeout: (b) => optionTimeout(args[1], ['headersTimeout', 'bodyTimeout'], scope, b, 'undici headersTimeout/bodyTimeout') };
}

function httpCall({ member }: Callee, site: Site): ClientCall | undefined {
  const { call, args, scope } = site;
  if (!member || !['request', 'get'].includes(member)) return undefined;
  const options = args.find((a) => Node.isObjectLiteralExpression(unwrap(a)) || (Node.isIdentifier(unwrap(a)) && objectLiteralOf(a, scope)));
  return {
    ...base(site),
    client: 'http',
    method: (b) => (member === 'get' ? 'GET' : methodOf(options, scope, b, 'GET')),
    timeout: (b) => {
      const t = optionTimeout(options, ['timeout'], scope, b, 'http timeout option');
      return t.set === 'no' && setsTimeoutLater(call) ? { set: 'yes', visible: 'yes', how: 'req.setTimeout(ms)' } : t;
    },
  };
}

function axiosCall({ member, instanceConfig }: Callee, site: Site): ClientCall | undefined {
  const { args, scope } = site;
  const verb = member && [...VERBS, 'request'].includes(member) ? member : member === undefined ? 'request' : undefined;
  if (!verb) return undefined;
  const config = verb === 'request' ? (args.length > 1 ? args[1] : args[0]) : ['post', 'put', 'patch'].includes(verb) ? args[2] : args[1];
  return {
    ...base(site),
    client: 'axios',
    method: (b) => (verb === 'request' ? methodOf(config, scope, b, 'GET') : verb.toUpperCase()),
    timeout: (b) => {
      const own = optionTimeout(config, ['timeout'], scope, b, 'axios timeout');
      return own.set === 'no' && instanceConfig ? optionTimeout(instanceConfig, ['timeout'], scope, undefined, 'axios instance timeout') : own;
    },
  };
}

function gotCall({ member, instanceConfig }: Callee, site: Site): ClientCall | undefined {
  const { args, scope } = site;
  const verb = member === undefined ? 'call' : VERBS.includes(member) ? member : undefined;
  if (!verb) return undefined;
  const options = verb === 'call' && !Node.isStringLiteral(args[0]) && !Node.isTemplateExpression(args[0]) && args.length === 1 ? args[0] : args[1];
  return {
    ...base(site),
    client: 'got',
    method: (b) => (verb === 'call' ? methodOf(options, scope, b, 'GET') : verb.toUpperCase()),
    timeout: (b) => {
      const own = gotTimeout(options, scope, b);
      return own.set === 'no' && instanceConfig ? gotTimeout(instanceConfig, scope, undefined) : own;
    },
  };
}

/** By module name (moduleName's: node:http is "http"). */
const CLIENTS: Record<string, (callee: Callee, site: Site) => ClientCall | undefined> = {
  global: globalFetchCall,
  'node-fetch': nodeFetchCall,
  undici: undiciCall,
  http: httpCall,
  https: httpCall,
  axios: axiosCall,
  got: gotCall,
};

/** The client call `call` makes, if it is one. */
export function clientCall(call: Invocation, scope: ServiceScope): ClientCall | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const expression = unwrap(call.getExpression());
  const callee = Node.isIdentifier(expression) ? identifierCallee(expression) : Node.isPropertyAccessExpression(expression) ? memberCallee(expression) : undefined;
  if (!callee?.module) return undefined;
  const client = Object.hasOwn(CLIENTS, callee.module) ? CLIENTS[callee.module] : undefined;
  return client?.(callee, { call, args: call.getArguments(), scope });
}

/** `const req = http.request(...); req.setTimeout(ms)` in the same function. */
function setsTimeoutLater(call: Node): boolean {
  const variable = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  if (!variable || unwrap(variable.getInitializer()) !== call) return /\.setTimeout\(/.test(call.getParent()?.getText() ?? '');
  const name = variable.getName();
  const body = call.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  return !!body && new RegExp(`\\b${name}\\s*\\.\\s*setTimeout\\s*\\(`).test(body.getText());
}

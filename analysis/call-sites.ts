/**
 * The service's outbound call sites.
 *
 * A direct client call (clients.ts) is a call site unless the function containing it is a project-local
 * wrapper: a function that is not a route handler, lets the call's connection failure out (no handling,
 * or a catch that rethrows or throws an error without a status, as the corpus's `requests.ts` turns a
 * fetch failure into its own ConnectionError) and is called from the service's files. Then each call of
 * the wrapper is the call site instead (recursively: `send` inside `get`), and parameters are followed
 * through the chain of calls (the method `get` passes to `send`, the `timeout` option a caller passes).
 *
 * Each site gets the stack-signature frame of its function (`file:name`, anonymous functions by
 * position, `<anonymous>@1:1` for module code), as instrumentation/call-identity.ts names frames, so a
 * runtime call can be matched to it.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { clientCall, type ClientCall } from './clients.js';
import { handlingAt, KINDS, type Handled } from './handling.js';
import type { CallSite } from './model.js';
import { handlerContaining, type Handler } from './routes.js';
import { location, snippet, type Invocation, type ServiceScope } from './scope.js';
import { enclosingFunction, unwrap, type FunctionLike } from './symbols.js';
import type { Binding } from './values.js';
import { urlText } from './url-text.js';

const MAX_WRAPPER_DEPTH = 6;

/** The name V8 gives a function in a stack frame (what call-identity.ts records). */
export function frameName(fn: FunctionLike | undefined): string {
  if (!fn) return '<anonymous>@1:1';
  const named = (fn as Node & { getName?: () => string | undefined }).getName?.();
  if (named && !Node.isConstructorDeclaration(fn)) return named;
  const parent = fn.getParent();
  if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent)) return parent.getName();
  if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken) return parent.getLeft().getText();
  if (Node.isConstructorDeclaration(fn)) return (fn.getParent() as Node & { getName?: () => string }).getName?.() ?? 'constructor';
  const sf = fn.getSourceFile();
  const pos = sf.getLineAndColumnAtPos(fn.getStart());
  return `<anonymous>@${pos.line}:${pos.column}`;
}

export function frameOf(fn: FunctionLike | undefined, node: Node): string {
  return `${location(node).file}:${frameName(fn)}`;
}

/** Members that read the response body: fetch's and undici's methods, axios' `data`, got's `body`. */
const BODY_READERS = new Set(['json', 'text', 'arrayBuffer', 'blob', 'formData', 'data', 'body']);

/**
 * What the code does with the response: status comparisons on the variable it is stored in, and whether
 * it reads the body (`r.json()`, `(await fetch(u)).json()`, `.then((r) => r.json())`, axios' `r.data`).
 */
function statusChecks(call: Node, fn: Node | undefined): { checks: string[]; used: boolean; parses: boolean } {
  let holder: Node | undefined = call.getParent();
  while (holder && (Node.isAwaitExpression(holder) || Node.isParenthesizedExpression(holder) || Node.isAsExpression(holder) || Node.isNonNullExpression(holder))) holder = holder.getParent();
  if (Node.isPropertyAccessExpression(holder)) {
    if (BODY_READERS.has(holder.getName())) return { checks: [], used: true, parses: true };
    if (holder.getName() === 'then') {
      const reads = holder.getParent()?.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).some((a) => BODY_READERS.has(a.getName())) ?? false;
      return { checks: [], used: true, parses: reads };
    }
  }
  const found = statusChecksOfVariable(call, holder, fn);
  return found;
}

function statusChecksOfVariable(call: Node, holder: Node | undefined, fn: Node | undefined): { checks: string[]; used: boolean; parses: boolean } {
  let name: string | undefined;
  if (Node.isVariableDeclaration(holder)) {
    const n = holder.getNameNode();
    if (Node.isIdentifier(n)) name = n.getText();
    else if (Node.isObjectBindingPattern(n)) {
      const fields = n.getElements().map((e) => e.getName());
      const checks = fields.filter((f) => ['status', 'statusCode', 'ok'].includes(f));
      return { checks: checks.map((c) => `{ ${c} }`), used: true, parses: fields.some((f) => BODY_READERS.has(f)) };
    }
  } else if (Node.isBinaryExpression(holder) && holder.getOperatorToken().getKind() === SyntaxKind.EqualsToken) name = holder.getLeft().getText();
  else if (Node.isReturnStatement(holder) || Node.isArrowFunction(holder)) return { checks: [], used: true, parses: false };
  else if (Node.isExpressionStatement(holder)) return { checks: [], used: false, parses: false };
  if (!name || !fn) return { checks: [], used: holder !== undefined, parses: false };
  const checks = new Set<string>();
  let parses = false;
  // Any look at the status counts: a comparison, a condition, or a copy into a variable compared later.
  for (const access of fn.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (unwrap(access.getExpression()).getText() !== name) continue;
    if (BODY_READERS.has(access.getName())) parses = true;
    if (!['status', 'statusCode', 'ok'].includes(access.getName())) continue;
    const statement = access.getFirstAncestor((a) => Node.isStatement(a) || Node.isConditionalExpression(a) || Node.isBinaryExpression(a)) ?? access;
    checks.add(snippet(statement, 40));
  }
  return { checks: [...checks], used: true, parses };
}

interface Pending {
  client: ClientCall;
  /** The call currently standing for the site: the client call, then the wrappers' calls outward. */
  outer: Invocation;
  binding?: Binding;
  via: string[];
  checks: string[];
  used: boolean;
  /** The response body is read (parsed) somewhere along the wrappers. */
  parses?: boolean;
}

function merge(handled: Handled, inner: Handled): Handled {
  // A failure the wrapper answers for itself never reaches the caller; one it turns into an error with
  // a status does, as that error: the caller's own catch decides when it has one.
  const out = { ...handled };
  for (const k of KINDS) if (inner[k].handled === 'yes' && !(inner[k].thrown && handled[k].handled !== 'no')) out[k] = inner[k];
  return out;
}

/** The call's failure leaves the function: not handled, or only turned into an error with a status. */
function escapes(handled: Handled): boolean {
  return handled.ECONNREFUSED.handled === 'no' || handled.ECONNREFUSED.thrown === true;
}

/** The handling as written to the catalogue (without the internal `thrown` mark). */
function published(handled: Handled): Handled {
  return Object.fromEntries(KINDS.map((k) => [k, { handled: handled[k].handled, answers: handled[k].answers, how: handled[k].how }])) as Handled;
}

export function callSitesOf(scope: ServiceScope, roles: { byFunction: Map<Node, Handler> }): CallSite[] {
  const sites: CallSite[] = [];
  const queue: { p: Pending; depth: number; inner?: Handled }[] = [];
  for (const call of scope.invocations()) {
    if (!scope.isLive(call)) continue;
    const client = clientCall(call, scope);
    if (client) queue.push({ p: { client, outer: call, via: [], checks: [], used: true }, depth: 0 });
  }
  while (queue.length) {
    const { p, depth, inner } = queue.shift()!;
    const fn = enclosingFunction(p.outer);
    let handled = inner ? merge(handlingAt(p.outer, fn, scope), inner) : handlingAt(p.outer, fn, scope);
    if (p.client.client === 'http' && listensForErrors(p.outer)) handled = { ECONNREFUSED: ERROR_LISTENER, Timeout: ERROR_LISTENER };
    const checked = statusChecks(p.outer, fn);
    const checks = [...p.checks, ...checked.checks];
    const handler = fn ? roles.byFunction.get(fn) : undefined;
    const callers = fn && !handler ? scope.callsTo(fn) : [];
    if (fn && !handler && escapes(handled) && callers.length > 0 && depth < MAX_WRAPPER_DEPTH) {
      const via = [frameOf(fn, fn), ...p.via];
      for (const caller of callers) {
        if (!scope.isLive(caller)) continue;
        queue.push({ p: { ...p, outer: caller, binding: extend(p.binding, fn, caller), via, checks, used: checked.used, parses: p.parses || checked.parses }, depth: depth + 1, inner: handled });
      }
      continue;
    }
    if (!scope.isLive(p.outer)) continue;
    sites.push(siteOf({ ...p, used: checked.used, parses: p.parses || checked.parses }, fn, handled, checks, handler, roles, scope));
  }
  return sites.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function siteOf(p: Pending, fn: FunctionLike | undefined, handled: Handled, checks: string[], handler: Handler | undefined, roles: { byFunction: Map<Node, Handler> }, scope: ServiceScope): CallSite {
  const binding = p.binding;
  const failures = published(handled);
  for (const k of KINDS) {
    if (failures[k].handled === 'yes') continue;
    if (handler) failures[k] = { ...failures[k], answers: [...new Set([...failures[k].answers, 500])], how: failures[k].handled === 'no' ? 'escapes the route handler: the framework answers 500' : failures[k].how };
    else if (failures[k].handled === 'no') failures[k] = { handled: 'maybe', answers: failures[k].answers, how: fn ? `leaves ${frameName(fn)}, whose callers are not in the service's files` : 'module code, outside any request' };
  }
  const route = handlerContaining(p.outer, roles.byFunction)?.route;
  const url = outermost(p.client.url, p.binding);
  let method: string | undefined;
  try {
    method = p.client.method(binding);
  } catch {
    scope.warn(p.client.call, `cannot tell the HTTP method of ${snippet(p.client.call)}`);
  }
  return {
    ...location(p.outer),
    endLine: p.outer.getEndLineNumber(),
    frame: frameOf(fn, p.outer),
    client: p.client.client,
    via: p.via,
    ...(method ? { method } : {}),
    target: url ? snippet(url, 80) : '?',
    ...named(url, p),
    ...(route ? { route } : {}),
    timeout: p.client.timeout(binding),
    failures,
    statusChecks: p.used ? checks : ['(response not used)'],
    parsesBody: p.parses ?? false,
  };
}

/** The URL through the wrappers (url-text.ts), when it says more than `target`. */
function named(url: Node | undefined, p: Pending): { url?: string } {
  if (!url || !p.binding) return {};
  const text = urlText(p.client.url, p.binding);
  return text !== snippet(url, 80) ? { url: text } : {};
}

const ERROR_LISTENER = { handled: 'yes' as const, answers: [], how: "an 'error' listener on the request" };

/** node:http reports failures as an 'error' event: `req.on('error', ...)` on the request handles them. */
function listensForErrors(call: Node): boolean {
  const variable = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  const chained = /\.on\(\s*['"]error['"]/.test(call.getParent()?.getText() ?? '');
  if (chained || !variable || unwrap(variable.getInitializer()) !== call) return chained;
  const body = call.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  return !!body && new RegExp(`\\b${variable.getName()}\\s*\\.\\s*on\\(\\s*['"]error['"]`).test(body.getText());
}

/** A wrapper's URL parameter, followed out to the argument its outermost caller passes. */
function outermost(expr: Node | undefined, binding: Binding | undefined): Node | undefined {
  let e = unwrap(expr);
  for (let b = binding; b && e && Node.isIdentifier(e); b = b.outer) {
    const index = b.fn.getParameters().findIndex((p) => (p as Node & { getName(): string }).getName() === e!.getText());
    if (index < 0) break;
    e = b.call.getArguments()[index];
  }
  return e;
}

/** Adds the outermost link (a wrapper and the call of it) to a chain built from the client call outward. */
function extend(binding: Binding | undefined, fn: FunctionLike, call: Invocation): Binding {
  return binding ? { fn: binding.fn, call: binding.call, outer: extend(binding.outer, fn, call) } : { fn, call };
}

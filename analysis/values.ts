/**
 * What literal values an expression can have: numbers (status codes), strings (HTTP methods), booleans
 * and `undefined` (is an option set?).
 *
 * Followed: literals; `const`/`let` initialisers; `as const` objects and enums, also in other files
 * (and @nestjs/common's `HttpStatus.X`, by name);
 * conditional expressions (both branches, or the one the assumed environment selects: environment.ts) and `a || b` / `a ?? b` (both sides); parameters, either
 * through the call chain the caller supplies (a wrapper called from a known site) or, when there is none,
 * through every call of the function in the service (a helper that takes the status as a parameter).
 * Anything else is unresolved: the caller decides whether to warn.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { decide } from './environment.js';
import type { Invocation, ServiceScope } from './scope.js';
import { nestHttpStatus } from './nest-names.js';
import { declarationOf, functionOf, isFunctionLike, unwrap, type FunctionLike } from './symbols.js';

export type Literal = string | number | boolean | undefined;

/** A value and the node it was found at, in the service (a literal, or a call's argument). */
export interface Found<T> {
  value: T;
  at: Node;
  /** Found at a call of the function whose parameter it is (a helper told which code to send). */
  viaParameter?: boolean;
}

export interface Resolved {
  values: Found<Literal>[];
  /** Expressions that could not be resolved to literals. */
  unresolved: Node[];
}

/** A call being followed into the function it calls: parameters take that call's arguments. */
export interface Binding {
  fn: FunctionLike;
  call: Invocation;
  outer?: Binding;
}

const MAX_DEPTH = 12;

function empty(): Resolved {
  return { values: [], unresolved: [] };
}

function merge(into: Resolved, from: Resolved): Resolved {
  into.values.push(...from.values);
  into.unresolved.push(...from.unresolved);
  return into;
}

/** The object literal an expression evaluates to (through consts, `as const`, parameters bound by the chain). */
export function objectLiteralOf(expr: Node | undefined, scope: ServiceScope, binding?: Binding, depth = 0): { object: Node; binding?: Binding } | undefined {
  const e = unwrap(expr);
  if (!e || depth > MAX_DEPTH) return undefined;
  if (Node.isObjectLiteralExpression(e)) return { object: e, binding };
  if (Node.isIdentifier(e)) {
    const decl = declarationOf(e);
    if (Node.isVariableDeclaration(decl)) return objectLiteralOf(decl.getInitializer(), scope, undefined, depth + 1);
    if (Node.isParameterDeclaration(decl)) {
      const arg = argumentFor(decl, binding);
      if (arg) return objectLiteralOf(arg.node, scope, arg.binding, depth + 1);
      if (decl.getInitializer()) return objectLiteralOf(decl.getInitializer(), scope, binding, depth + 1);
    }
  }
  return undefined;
}

/** The initializer of `name` in an object literal, or undefined when absent (spreads make it unknown). */
export function propertyOf(object: Node, name: string): { node: Node | undefined; known: boolean } {
  if (!Node.isObjectLiteralExpression(object)) return { node: undefined, known: false };
  let known = true;
  let found: Node | undefined;
  for (const p of object.getProperties()) {
    if (Node.isSpreadAssignment(p)) {
      known = false;
      continue;
    }
    if ((Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) || Node.isMethodDeclaration(p)) && propertyName(p) === name) {
      found = Node.isPropertyAssignment(p) ? p.getInitializer() : Node.isShorthandPropertyAssignment(p) ? p.getNameNode() : p;
      known = true;
    }
  }
  return { node: found, known: found !== undefined || known };
}

function propertyName(p: Node): string | undefined {
  const nameNode = (p as Node & { getNameNode?: () => Node }).getNameNode?.();
  if (!nameNode) return undefined;
  if (Node.isStringLiteral(nameNode) || Node.isNumericLiteral(nameNode)) return String(nameNode.getLiteralValue());
  return nameNode.getText();
}

/** The argument a call in the chain passes for a parameter (undefined when the chain has no such call). */
function argumentFor(param: Node, binding: Binding | undefined): { node: Node | undefined; binding?: Binding } | undefined {
  if (!Node.isParameterDeclaration(param)) return undefined;
  const fn = param.getParent();
  for (let b = binding; b; b = b.outer) {
    if (b.fn !== fn) continue;
    const index = (fn as FunctionLike).getParameters().indexOf(param);
    const args = b.call.getArguments();
    if (param.isRestParameter()) return { node: undefined, binding: b.outer };
    const arg = args[index];
    if (!arg && param.getInitializer()) return { node: param.getInitializer(), binding: b };
    return { node: arg, binding: b.outer };
  }
  return undefined;
}

/** The literal values of an expression. `binding` follows parameters into the caller's arguments. */
export function resolveLiterals(expr: Node | undefined, scope: ServiceScope, binding?: Binding, depth = 0, seen = new Set<Node>()): Resolved {
  const out = empty();
  const e = unwrap(expr);
  if (!e) {
    out.values.push({ value: undefined, at: expr ?? scope.files[0] });
    return out;
  }
  if (depth > MAX_DEPTH || seen.has(e)) {
    out.unresolved.push(e);
    return out;
  }
  seen.add(e);
  try {
    return resolveNode(e, scope, binding, depth, seen);
  } finally {
    seen.delete(e);
  }
}

function resolveNode(e: Node, scope: ServiceScope, binding: Binding | undefined, depth: number, seen: Set<Node>): Resolved {
  const out = empty();
  const next = (n: Node | undefined, b = binding) => resolveLiterals(n, scope, b, depth + 1, seen);
  if (Node.isNumericLiteral(e)) out.values.push({ value: e.getLiteralValue(), at: e });
  else if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) out.values.push({ value: e.getLiteralValue(), at: e });
  else if (e.getKind() === SyntaxKind.TrueKeyword) out.values.push({ value: true, at: e });
  else if (e.getKind() === SyntaxKind.FalseKeyword) out.values.push({ value: false, at: e });
  else if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.MinusToken) {
    const inner = next(e.getOperand());
    out.values.push(...inner.values.map((v) => ({ ...v, value: typeof v.value === 'number' ? -v.value : v.value })));
    out.unresolved.push(...inner.unresolved);
  } else if (Node.isConditionalExpression(e)) {
    // A condition on the environment, when the environment is assumed known, takes one branch.
    const decided = decide(e.getCondition(), scope.env);
    if (decided !== false) merge(out, next(e.getWhenTrue()));
    if (decided !== true) merge(out, next(e.getWhenFalse()));
  } else if (Node.isBinaryExpression(e) && [SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken].includes(e.getOperatorToken().getKind())) {
    merge(out, next(e.getLeft()));
    merge(out, next(e.getRight()));
  } else if (Node.isIdentifier(e)) {
    if (e.getText() === 'undefined') out.values.push({ value: undefined, at: e });
    else merge(out, resolveDeclaration(e, declarationOf(e), scope, binding, depth, seen));
  } else if (Node.isPropertyAccessExpression(e) || Node.isElementAccessExpression(e)) {
    merge(out, resolveMember(e, scope, binding, depth, seen));
  } else out.unresolved.push(e);
  return out;
}

function resolveDeclaration(at: Node, decl: Node | undefined, scope: ServiceScope, binding: Binding | undefined, depth: number, seen: Set<Node>): Resolved {
  const out = empty();
  const next = (n: Node | undefined, b?: Binding) => resolveLiterals(n, scope, b, depth + 1, seen);
  if (!decl) out.unresolved.push(at);
  else if (Node.isVariableDeclaration(decl)) {
    const init = decl.getInitializer();
    if (init) merge(out, next(init));
    else out.unresolved.push(at);
  } else if (Node.isEnumMember(decl)) {
    const value = decl.getValue();
    if (value === undefined) out.unresolved.push(at);
    else out.values.push({ value, at });
  } else if (Node.isPropertyAssignment(decl)) merge(out, next(decl.getInitializer()));
  else if (Node.isShorthandPropertyAssignment(decl)) merge(out, next(decl.getNameNode()));
  else if (Node.isBindingElement(decl)) merge(out, resolveBindingElement(at, decl, scope, depth, seen));
  else if (Node.isParameterDeclaration(decl)) merge(out, resolveParameter(at, decl, scope, binding, depth, seen));
  else out.unresolved.push(at);
  return out;
}

/** `const { NOT_FOUND } = STATUS`: the property of the destructured object. */
function resolveBindingElement(at: Node, decl: Node, scope: ServiceScope, depth: number, seen: Set<Node>): Resolved {
  const variable = decl.getParent()?.getParent();
  if (!Node.isBindingElement(decl) || !Node.isVariableDeclaration(variable)) return { values: [], unresolved: [at] };
  const source = objectLiteralOf(variable.getInitializer(), scope);
  const key = decl.getPropertyNameNode()?.getText() ?? decl.getName();
  const prop = source && propertyOf(source.object, key);
  if (!prop?.node) return { values: [], unresolved: [at] };
  return resolveLiterals(prop.node, scope, undefined, depth + 1, seen);
}

function resolveParameter(at: Node, param: Node, scope: ServiceScope, binding: Binding | undefined, depth: number, seen: Set<Node>): Resolved {
  const bound = argumentFor(param, binding);
  if (bound) {
    if (bound.node === undefined) return { values: [{ value: undefined, at }], unresolved: [] };
    return resolveLiterals(bound.node, scope, bound.binding, depth + 1, seen);
  }
  // No chain: every call of the function in this service supplies a value, found at that call.
  const fn = param.getParent();
  if (!isFunctionLike(fn) || !Node.isParameterDeclaration(param)) return { values: [], unresolved: [at] };
  const index = fn.getParameters().indexOf(param);
  const calls = scope.callsTo(fn);
  if (calls.length === 0) return { values: [], unresolved: [at] };
  const out = empty();
  for (const call of calls) {
    const arg = call.getArguments()[index];
    const r = arg ? resolveLiterals(arg, scope, undefined, depth + 1, seen) : resolveLiterals(param.getInitializer(), scope, undefined, depth + 1, seen);
    // The value is attributed to the call site, where the helper was told which code to send.
    out.values.push(...r.values.map((v) => ({ value: v.value, at: arg ?? call, viaParameter: true })));
    out.unresolved.push(...r.unresolved);
  }
  return out;
}

function resolveMember(e: Node, scope: ServiceScope, binding: Binding | undefined, depth: number, seen: Set<Node>): Resolved {
  const nameNode = Node.isPropertyAccessExpression(e) ? e.getNameNode() : Node.isElementAccessExpression(e) ? e.getArgumentExpression() : undefined;
  const key = nameNode && (Node.isStringLiteral(nameNode) || Node.isNumericLiteral(nameNode) ? String(nameNode.getLiteralValue()) : nameNode.getText());
  // Enum members and `as const` properties are declarations of their own.
  const decl = nameNode && Node.isIdentifier(nameNode) ? declarationOf(nameNode) : undefined;
  if (decl && (Node.isEnumMember(decl) || Node.isPropertyAssignment(decl) || Node.isShorthandPropertyAssignment(decl))) {
    return resolveDeclaration(e, decl, scope, binding, depth, seen);
  }
  const owner = (e as Node & { getExpression(): Node }).getExpression();
  const object = objectLiteralOf(owner, scope, binding);
  if (object && key !== undefined) {
    const prop = propertyOf(object.object, key);
    if (prop.node) return resolveLiterals(prop.node, scope, object.binding, depth + 1, seen);
    if (prop.known) return { values: [{ value: undefined, at: e }], unresolved: [] };
  }
  const ownerDecl = Node.isIdentifier(unwrap(owner)) ? declarationOf(unwrap(owner)) : undefined;
  if (ownerDecl && Node.isEnumDeclaration(ownerDecl) && key !== undefined) {
    const member = ownerDecl.getMember(key);
    if (member) return resolveDeclaration(e, member, scope, binding, depth, seen);
  }
  // A package's enum is not loaded: Nest's HttpStatus is known by name.
  const nest = nestHttpStatus(e);
  if (nest !== undefined) return { values: [{ value: nest, at: e }], unresolved: [] };
  return { values: [], unresolved: [e] };
}

/** Numbers only (status codes), with the unresolved parts. */
export function resolveNumbers(expr: Node | undefined, scope: ServiceScope, binding?: Binding): { values: Found<number>[]; unresolved: Node[] } {
  const r = resolveLiterals(expr, scope, binding);
  return { values: r.values.filter((v): v is Found<number> => typeof v.value === 'number'), unresolved: r.unresolved };
}

/** Whether an expression is defined (not undefined): yes, no, or maybe. */
export function isDefined(expr: Node | undefined, scope: ServiceScope, binding?: Binding): 'yes' | 'no' | 'maybe' {
  if (!expr) return 'no';
  const r = resolveLiterals(expr, scope, binding);
  if (r.unresolved.length > 0) {
    // An unresolved expression that is not a bare parameter (a call, a template) is defined.
    return r.unresolved.every((u) => !Node.isIdentifier(u)) && r.values.every((v) => v.value !== undefined) ? 'yes' : 'maybe';
  }
  const defined = r.values.map((v) => v.value !== undefined);
  return defined.every(Boolean) ? 'yes' : defined.some(Boolean) ? 'maybe' : 'no';
}

export { functionOf };

/**
 * The status code a thrown (or `next(err)`-ed) value carries, as express's final handler and fastify
 * read it (`err.status` / `err.statusCode`, else 500):
 *   - http-errors: `createError(404[, ...])`, `new createError.NotFound()`, `createError[404]`, a named
 *     import `new NotFound()`;
 *   - a project class extending Error whose `status`/`statusCode` is a field initialiser, a constructor
 *     parameter property, or `this.status = <expr>` in its constructor, where <expr> may be a constructor
 *     parameter (then the `new` expression's argument decides: the corpus's `new HttpError(503, ...)`),
 *     followed through `super(...)` into base classes;
 *   - NestJS: `new NotFoundException()` and the other built-in HttpException subclasses of @nestjs/common,
 *     `new HttpException(body, HttpStatus.X | n)`, and project classes extending them (through `super(...)`);
 *   - a project function that returns such an error (`throw notFound()`);
 *   - a catch clause's variable thrown again: a rethrow, which carries no new status.
 * Anything else thrown (`new Error()`, a string) has no status: the framework answers 500.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { ServiceScope } from './scope.js';
import { nestExceptionStatus, nestExport } from './nest-names.js';
import { statusOfName } from './status-names.js';
import { declarationOf, functionOf, importOf, moduleName, unwrap } from './symbols.js';
import { resolveNumbers, type Binding } from './values.js';

export type Thrown =
  | { kind: 'status'; codes: number[]; how: string }
  | { kind: 'no-status'; how: string }
  | { kind: 'rethrow' }
  | { kind: 'unknown'; node: Node };

const STATUS_FIELDS = new Set(['status', 'statusCode']);
const MAX_DEPTH = 8;

function isHttpErrors(node: Node | undefined): boolean {
  const n = unwrap(node);
  if (!n || !Node.isIdentifier(n)) return false;
  const imported = importOf(n);
  return !!imported && moduleName(imported.module) === 'http-errors';
}

function codesOf(expr: Node | undefined, scope: ServiceScope, binding?: Binding): number[] | undefined {
  const r = resolveNumbers(expr, scope, binding);
  if (r.unresolved.length > 0 || r.values.length === 0) return undefined;
  return r.values.map((v) => v.value);
}

/** http-errors' forms; undefined when `call` is not one. */
function httpErrorsStatus(call: Node, scope: ServiceScope, binding?: Binding): Thrown | undefined {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
  const callee = unwrap(call.getExpression());
  if (!callee) return undefined;
  if (isHttpErrors(callee)) {
    const [first] = call.getArguments();
    const codes = codesOf(first, scope, binding);
    if (codes) return { kind: 'status', codes, how: 'createError(n)' };
    return first && Node.isIdentifier(unwrap(first)) && declarationOf(unwrap(first)!) === undefined ? { kind: 'unknown', node: first } : { kind: 'no-status', how: 'createError(message)' };
  }
  if ((Node.isPropertyAccessExpression(callee) || Node.isElementAccessExpression(callee)) && isHttpErrors(callee.getExpression())) {
    const key = Node.isPropertyAccessExpression(callee) ? callee.getName() : (callee.getArgumentExpression()?.getText() ?? '');
    const code = /^\d+$/.test(key) ? Number(key) : statusOfName(key);
    return code ? { kind: 'status', codes: [code], how: `createError.${key}` } : { kind: 'unknown', node: callee };
  }
  if (Node.isIdentifier(callee)) {
    const imported = importOf(callee);
    if (imported && moduleName(imported.module) === 'http-errors') {
      const code = statusOfName(imported.name);
      if (code) return { kind: 'status', codes: [code], how: imported.name };
    }
  }
  return undefined;
}

/** The status a project Error subclass gets when constructed by `call`. */
function classStatus(cls: Node, call: Node, scope: ServiceScope, binding: Binding | undefined, depth: number): Thrown {
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return { kind: 'unknown', node: call };
  const name = cls.getName() ?? 'class';
  const codes: number[] = [];
  let unresolved: Node | undefined;
  const add = (expr: Node | undefined, b?: Binding) => {
    const found = codesOf(expr, scope, b);
    if (found) codes.push(...found);
    else unresolved ??= expr;
  };
  for (const p of cls.getProperties()) if (STATUS_FIELDS.has(p.getName()) && p.getInitializer()) add(p.getInitializer());
  const ctor = cls.getConstructors().find((c) => c.getBody()) ?? cls.getConstructors()[0];
  const ctorBinding: Binding | undefined = ctor && (Node.isNewExpression(call) || Node.isCallExpression(call)) ? { fn: ctor, call, outer: binding } : binding;
  if (ctor) {
    for (const param of ctor.getParameters()) if (param.getScope() !== undefined && STATUS_FIELDS.has(param.getName())) add(param.getNameNode(), ctorBinding);
    for (const stmt of ctor.getBody()?.getDescendantsOfKind(SyntaxKind.BinaryExpression) ?? []) {
      const left = stmt.getLeft();
      if (stmt.getOperatorToken().getKind() !== SyntaxKind.EqualsToken || !Node.isPropertyAccessExpression(left)) continue;
      if (left.getExpression().getKind() === SyntaxKind.ThisKeyword && STATUS_FIELDS.has(left.getName())) add(stmt.getRight(), ctorBinding);
    }
  }
  if (codes.length > 0) return { kind: 'status', codes: [...new Set(codes)], how: `new ${name}(...)` };
  if (unresolved) return { kind: 'unknown', node: unresolved };
  const delegated = depth < MAX_DEPTH ? baseStatus(cls, ctor, call, scope, binding, ctorBinding, depth) : undefined;
  if (delegated && delegated.kind === 'status') return { ...delegated, how: `new ${name}(...)` };
  if (delegated && delegated.kind === 'unknown') return delegated;
  return { kind: 'no-status', how: `new ${name}(...)` };
}

/**
 * What the base class makes of the `super(...)` call (of the same arguments when the class has no
 * constructor): a project base class is read the same way; a Nest exception base gives its status.
 */
function baseStatus(cls: Node, ctor: Node | undefined, call: Node, scope: ServiceScope, binding: Binding | undefined, ctorBinding: Binding | undefined, depth: number): Thrown | undefined {
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return undefined;
  const superCall = ctor?.getDescendantsOfKind(SyntaxKind.CallExpression).find((c) => c.getExpression().getKind() === SyntaxKind.SuperKeyword);
  const via = ctor ? superCall : call;
  const viaBinding = ctor ? ctorBinding : binding;
  if (!via) return undefined;
  const base = baseClassOf(cls);
  if (base) return classStatus(base, via, scope, viaBinding, depth + 1);
  const nest = nestExport(cls.getExtends()?.getExpression());
  return nest ? nestStatus(nest, via, scope, viaBinding) : undefined;
}

/**
 * A Nest exception: a built-in subclass answers its own status whatever its arguments;
 * `HttpException(response, status)` answers its second argument (`HttpStatus.X` or a number).
 */
function nestStatus(name: string, call: Node, scope: ServiceScope, binding: Binding | undefined): Thrown {
  if (name === 'HttpException' && (Node.isNewExpression(call) || Node.isCallExpression(call))) {
    const status = call.getArguments()[1];
    const codes = codesOf(status, scope, binding);
    return codes ? { kind: 'status', codes, how: 'new HttpException(..., status)' } : { kind: 'unknown', node: status ?? call };
  }
  const code = nestExceptionStatus(name);
  return code ? { kind: 'status', codes: [code], how: `new ${name}()` } : { kind: 'no-status', how: `new ${name}()` };
}

function baseClassOf(cls: Node): Node | undefined {
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return undefined;
  const heritage = cls.getExtends()?.getExpression();
  const decl = heritage && Node.isIdentifier(heritage) ? declarationOf(heritage) : undefined;
  return decl && (Node.isClassDeclaration(decl) || Node.isClassExpression(decl)) ? decl : undefined;
}

/** What a thrown expression carries. */
export function statusOfThrown(expr: Node | undefined, scope: ServiceScope, binding?: Binding, depth = 0): Thrown {
  const e = unwrap(expr);
  if (!e) return { kind: 'no-status', how: 'throw' };
  if (depth > MAX_DEPTH) return { kind: 'unknown', node: e };
  const library = httpErrorsStatus(e, scope, binding);
  if (library) return library;
  if (Node.isNewExpression(e) || Node.isCallExpression(e)) {
    const nest = nestExport(e.getExpression());
    if (nest) return nestStatus(nest, e, scope, binding);
    const callee = unwrap(e.getExpression());
    const nameNode = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
    const decl = Node.isIdentifier(nameNode) ? declarationOf(nameNode) : undefined;
    if (decl && (Node.isClassDeclaration(decl) || Node.isClassExpression(decl))) return classStatus(decl, e, scope, binding, depth);
    const fn = functionOf(decl);
    if (fn && Node.isCallExpression(e)) {
      // A factory: the status of what it returns.
      const returned = Node.isArrowFunction(fn) && !Node.isBlock(fn.getBody()) ? [fn.getBody()] : fn.getDescendantsOfKind(SyntaxKind.ReturnStatement).map((r) => r.getExpression());
      const results = returned.map((r) => statusOfThrown(r, scope, { fn, call: e, outer: binding }, depth + 1));
      const codes = results.flatMap((r) => (r.kind === 'status' ? r.codes : []));
      if (codes.length) return { kind: 'status', codes: [...new Set(codes)], how: `${fn.getSymbol()?.getName() ?? 'factory'}()` };
      return results.find((r) => r.kind === 'unknown') ?? { kind: 'no-status', how: 'factory()' };
    }
    const name = Node.isIdentifier(nameNode) ? nameNode.getText() : '';
    // An error class from an unanalysed package named like a status (werkzeug style: `new NotFound()`).
    const byName = statusOfName(name);
    if (byName && !decl) return { kind: 'status', codes: [byName], how: `new ${name}()` };
    return { kind: 'no-status', how: name ? `new ${name}()` : 'throw' };
  }
  if (Node.isIdentifier(e)) {
    const decl = declarationOf(e);
    if (decl && Node.isVariableDeclaration(decl) && decl.getParent()?.getParent()?.getKind() !== SyntaxKind.CatchClause) {
      if (decl.getInitializer()) return statusOfThrown(decl.getInitializer(), scope, binding, depth + 1);
    }
    if (decl && (decl.getParent()?.getKind() === SyntaxKind.CatchClause || Node.isParameterDeclaration(decl))) return { kind: 'rethrow' };
    return { kind: 'unknown', node: e };
  }
  if (Node.isStringLiteral(e) || Node.isTemplateExpression(e) || Node.isNoSubstitutionTemplateLiteral(e)) return { kind: 'no-status', how: 'throw a string' };
  return { kind: 'unknown', node: e };
}

/**
 * The status codes a service can answer, each with where it comes from and, when it sits in a route
 * handler (or is passed by one to a helper), the route.
 *
 * Sources: `res.status(n)`, `res.sendStatus(n)`, chains `res.status(n).json(...)`, `res.statusCode = n`,
 * `res.writeHead(n)`, fastify `reply.code(n)` / `reply.status(n)` / `reply.notFound()`, thrown errors and
 * `next(err)` (thrown-errors.ts), and the framework's 500 for an unhandled error; NestJS's `@HttpCode(n)`
 * and a guard's `canActivate` that may return false (403). A thrown status counts for the route whose
 * handler holds it, for the routes a guard holding it guards, and for the routes whose handlers call the
 * project function throwing it (through at most 4 calls, none inside a try block: a catch may map it). A "response" is
 * recognised without types: the response parameter of a registered handler, a parameter named
 * res/response/resp/reply/rep, or one annotated with a Response/Reply type. Status arguments are
 * resolved by values.ts (constants, enums, imports, conditionals, a helper's parameter at its callers).
 */
import { Node, SyntaxKind, type Decorator, type ReturnStatement, type SourceFile } from 'ts-morph';
import type { StatusOrigin } from './model.js';
import { nestDecoratorName } from './nest.js';
import { handlerContaining, type Handler } from './routes.js';
import { location, snippet, type ServiceScope } from './scope.js';
import { statusOfName } from './status-names.js';
import { declarationOf, enclosingFunction, rootIdentifier, unwrap } from './symbols.js';
import { statusOfThrown } from './thrown-errors.js';
import { resolveNumbers, type Found } from './values.js';

const RESPONSE_NAMES = new Set(['res', 'response', 'resp', 'reply', 'rep']);
const RESPONSE_TYPES = /\b(Response|ServerResponse|FastifyReply|Reply|Context)\b/;
const SINKS = new Set(['status', 'sendStatus', 'code', 'writeHead']);

export interface Roles {
  byFunction: Map<Node, Handler>;
  /** A Nest guard's key (`GUARD Name`) → the routes it guards. */
  guarded?: Map<string, string[]>;
  /** A handler function → every route it answers (`@Get() @Head()`, a handler registered twice). */
  routesByFunction?: Map<Node, string[]>;
}

/** How far a thrown status is followed out of project functions to the route handlers calling them. */
const MAX_CALLER_DEPTH = 4;

/** Is the call in the try block of a try statement with a catch (in its own function)? */
function insideTry(call: Node): boolean {
  let child: Node = call;
  for (let n = call.getParent(); n && !Node.isSourceFile(n); child = n, n = n.getParent()) {
    if (Node.isTryStatement(n) && n.getTryBlock() === child && n.getCatchClause()) return true;
    if (Node.isFunctionDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n) || Node.isMethodDeclaration(n)) return false;
  }
  return false;
}

/** Is this identifier a server response (or fastify reply)? */
export function isResponse(identifier: Node | undefined, roles: Roles): boolean {
  if (!identifier || !Node.isIdentifier(identifier)) return false;
  const decl = declarationOf(identifier);
  if (!decl || !Node.isParameterDeclaration(decl)) return false;
  const fn = decl.getParent();
  const handler = roles.byFunction.get(fn);
  const index = (fn as Node & { getParameters(): Node[] }).getParameters().indexOf(decl);
  if (handler && index === handler.responseIndex) return true;
  if (RESPONSE_NAMES.has(decl.getName())) return true;
  const type = decl.getTypeNode()?.getText();
  return !!type && RESPONSE_TYPES.test(type) && !/\bglobalThis\b/.test(type);
}

/** Is this identifier a handler's `next`? */
function isNext(identifier: Node, roles: Roles): boolean {
  if (!Node.isIdentifier(identifier)) return false;
  const decl = declarationOf(identifier);
  if (!decl || !Node.isParameterDeclaration(decl)) return false;
  const fn = decl.getParent();
  const handler = roles.byFunction.get(fn);
  const index = (fn as Node & { getParameters(): Node[] }).getParameters().indexOf(decl);
  return (handler !== undefined && handler.nextIndex === index) || decl.getName() === 'next';
}

/** `err.status` of an error handed to an error handler: that status was counted where it was thrown. */
function isForwardedStatus(node: Node): boolean {
  if (!Node.isPropertyAccessExpression(node) || !['status', 'statusCode'].includes(node.getName())) return false;
  const root = rootIdentifier(node.getExpression());
  const decl = root && declarationOf(root);
  return !!decl && (Node.isParameterDeclaration(decl) || decl.getParent()?.getKind() === SyntaxKind.CatchClause);
}

function isFunctionDeclarationLike(node: Node): boolean {
  return Node.isFunctionDeclaration(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node);
}

export class StatusCollector {
  readonly origins: StatusOrigin[] = [];
  /**
   * Routes an origin counts for besides its own `route`: those a Nest guard guards, and those whose
   * handler calls (not inside a try block) the project function that throws it.
   */
  readonly reached = new Map<StatusOrigin, string[]>();
  private readonly scope: ServiceScope;
  private readonly roles: Roles;
  private readonly fileOrder: Map<SourceFile, number>;

  constructor(scope: ServiceScope, roles: Roles) {
    this.scope = scope;
    this.roles = roles;
    this.fileOrder = new Map(scope.files.map((f, i) => [f, i]));
  }

  private add(found: Found<number>[], how: string, at?: Node, thrown = false): void {
    for (const f of found) {
      const node = at ?? f.at;
      const handler = handlerContaining(node, this.roles.byFunction);
      const origin: StatusOrigin = { code: f.value, ...location(node), how, ...(handler ? { route: handler.route } : {}) };
      this.origins.push(origin);
      const reached = handler ? this.routesOf(handler, false) : thrown ? this.routesCalling(node) : [];
      if (reached.length) this.reached.set(origin, reached);
    }
  }

  /** The routes a handler stands for: a guard's guarded routes; a route handler's (all, or the others). */
  private routesOf(handler: Handler, own: boolean): string[] {
    if (handler.guard) return this.roles.guarded?.get(handler.route) ?? [];
    const all = this.roles.routesByFunction?.get(handler.fn) ?? [handler.route];
    return own ? all : all.filter((r) => r !== handler.route);
  }

  /** The routes whose handlers call the function holding `node`, directly or through project functions. */
  private routesCalling(node: Node): string[] {
    const routes = new Set<string>();
    const seen = new Set<Node>();
    let frontier = [enclosingFunction(node)];
    for (let depth = 0; depth < MAX_CALLER_DEPTH && frontier.length; depth++) {
      const next: typeof frontier = [];
      for (const fn of frontier) {
        if (!fn || seen.has(fn)) continue;
        seen.add(fn);
        for (const call of this.scope.callsTo(fn)) {
          if (insideTry(call)) continue;
          const handler = handlerContaining(call, this.roles.byFunction);
          if (handler) this.routesOf(handler, true).forEach((r) => routes.add(r));
          else next.push(enclosingFunction(call));
        }
      }
      frontier = next;
    }
    return [...routes];
  }

  private sink(call: Node, arg: Node | undefined, how: string): void {
    const r = resolveNumbers(arg, this.scope);
    // A constant counts where it is sent; a helper's parameter where the helper was called.
    this.add(r.values.map((v) => (v.viaParameter ? v : { ...v, at: call })), how);
    for (const u of r.unresolved) {
      if (!isForwardedStatus(u)) this.scope.warn(u, `cannot tell which status code ${snippet(u)} is (in ${snippet(call)}); not counted`);
    }
  }

  private thrown(at: Node, expr: Node | undefined, how: string): void {
    const t = statusOfThrown(expr, this.scope);
    if (t.kind === 'status') this.add(t.codes.map((value) => ({ value, at })), `${how} ${t.how}`, at, true);
    else if (t.kind === 'unknown') this.scope.warn(at, `cannot tell which status ${snippet(at)} answers (${snippet(t.node)}); counted as the framework's 500`);
  }

  collect(): StatusOrigin[] {
    for (const sf of this.scope.files) {
      sf.forEachDescendant((node, traversal) => {
        if (isFunctionDeclarationLike(node) && !this.scope.isLive(node)) {
          traversal.skip();
          return;
        }
        if (Node.isCallExpression(node)) this.visitCall(node);
        else if (Node.isThrowStatement(node)) this.thrown(node, node.getExpression(), 'throw');
        else if (Node.isDecorator(node)) this.visitDecorator(node);
        else if (Node.isReturnStatement(node)) this.guardReturn(node);
        else if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
          const left = node.getLeft();
          if (Node.isPropertyAccessExpression(left) && left.getName() === 'statusCode' && isResponse(unwrap(left.getExpression()), this.roles)) {
            this.sink(node, node.getRight(), 'res.statusCode =');
          }
        }
      });
    }
    return this.sorted();
  }

  private visitCall(call: Node): void {
    if (!Node.isCallExpression(call)) return;
    const callee = call.getExpression();
    if (Node.isIdentifier(callee) && isNext(callee, this.roles)) {
      const [arg] = call.getArguments();
      const a = unwrap(arg);
      if (a && !(Node.isStringLiteral(a) || Node.isNoSubstitutionTemplateLiteral(a))) this.thrown(call, arg, 'next(err)');
      return;
    }
    if (!Node.isPropertyAccessExpression(callee)) return;
    const name = callee.getName();
    const receiver = rootIdentifier(callee.getExpression());
    if (!isResponse(receiver, this.roles)) return;
    if (SINKS.has(name)) {
      // `code` is fastify's; express responses have no such method.
      if (name === 'code' && !['reply', 'rep'].includes(receiver!.getText()) && !this.isReplyParameter(receiver!)) return;
      this.sink(call, call.getArguments()[0], `${receiver!.getText()}.${name}(n)`);
      return;
    }
    const named = statusOfName(name);
    if (named && named >= 400) this.add([{ value: named, at: call }], `${receiver!.getText()}.${name}()`);
  }

  /** Nest's `@HttpCode(n)` on a route handler: its success status. */
  private visitDecorator(d: Decorator): void {
    if (nestDecoratorName(d) !== 'HttpCode') return;
    const call = d.getExpression();
    if (Node.isCallExpression(call)) this.sink(d, call.getArguments()[0], '@HttpCode(n)');
  }

  /** A Nest guard's `canActivate` returning anything but `true`: Nest answers 403 when it is false. */
  private guardReturn(node: ReturnStatement): void {
    const fn = enclosingFunction(node);
    if (!fn || !this.roles.byFunction.get(fn)?.guard) return;
    const value = unwrap(node.getExpression());
    if (value?.getKind() === SyntaxKind.TrueKeyword) return;
    const how = value?.getKind() === SyntaxKind.FalseKeyword ? 'returns false' : 'may return false';
    this.add([{ value: 403, at: node }], `guard ${how}: Nest answers 403`);
  }

  private isReplyParameter(identifier: Node): boolean {
    const decl = declarationOf(identifier);
    const handler = decl ? this.roles.byFunction.get(decl.getParent()!) : undefined;
    return handler?.framework === 'fastify';
  }

  /** Discovery order: the service's files in import order, then source order. */
  private sorted(): StatusOrigin[] {
    const files = this.scope.files.map((f) => location(f).file);
    return this.origins
      .map((o, i) => ({ o, i }))
      .sort((a, b) => files.indexOf(a.o.file) - files.indexOf(b.o.file) || a.o.line - b.o.line || a.i - b.i)
      .map((x) => x.o);
  }
}

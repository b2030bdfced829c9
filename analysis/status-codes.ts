/**
 * The status codes a service can answer, each with where it comes from and, when it sits in a route
 * handler (or is passed by one to a helper), the route.
 *
 * Sources: `res.status(n)`, `res.sendStatus(n)`, chains `res.status(n).json(...)`, `res.statusCode = n`,
 * `res.writeHead(n)`, fastify `reply.code(n)` / `reply.status(n)` / `reply.notFound()`, thrown errors and
 * `next(err)` (thrown-errors.ts), and the framework's 500 for an unhandled error. A "response" is
 * recognised without types: the response parameter of a registered handler, a parameter named
 * res/response/resp/reply/rep, or one annotated with a Response/Reply type. Status arguments are
 * resolved by values.ts (constants, enums, imports, conditionals, a helper's parameter at its callers).
 */
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { StatusOrigin } from './model.js';
import { handlerContaining, type Handler } from './routes.js';
import { location, snippet, type ServiceScope } from './scope.js';
import { statusOfName } from './status-names.js';
import { declarationOf, rootIdentifier, unwrap } from './symbols.js';
import { statusOfThrown } from './thrown-errors.js';
import { resolveNumbers, type Found } from './values.js';

const RESPONSE_NAMES = new Set(['res', 'response', 'resp', 'reply', 'rep']);
const RESPONSE_TYPES = /\b(Response|ServerResponse|FastifyReply|Reply|Context)\b/;
const SINKS = new Set(['status', 'sendStatus', 'code', 'writeHead']);

export interface Roles {
  byFunction: Map<Node, Handler>;
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
  private readonly scope: ServiceScope;
  private readonly roles: Roles;
  private readonly fileOrder: Map<SourceFile, number>;

  constructor(scope: ServiceScope, roles: Roles) {
    this.scope = scope;
    this.roles = roles;
    this.fileOrder = new Map(scope.files.map((f, i) => [f, i]));
  }

  private add(found: Found<number>[], how: string, at?: Node): void {
    for (const f of found) {
      const node = at ?? f.at;
      const route = handlerContaining(node, this.roles.byFunction)?.route;
      this.origins.push({ code: f.value, ...location(node), how, ...(route ? { route } : {}) });
    }
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
    if (t.kind === 'status') this.add(t.codes.map((value) => ({ value, at })), `${how} ${t.how}`, at);
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

/**
 * NestJS routes, read from decorators (syntactically: @nestjs/common need not be installed; a decorator
 * counts when its name is imported from @nestjs/common, also renamed or through a namespace import):
 *   - a class decorated `@Controller()`, `@Controller('prefix')`, `@Controller(['a', 'b'])` or
 *     `@Controller({ path })` is a controller; each of its methods decorated `@Get`, `@Post`, `@Put`,
 *     `@Patch`, `@Delete`, `@All`, `@Head`, `@Options`, `@Search` (a path, an array of paths or none)
 *     or `@RequestMapping({ path, method: RequestMethod.X })` is a route handler, its path the global
 *     prefix (`app.setGlobalPrefix('api')`), the controller's prefix and the method's path joined;
 *   - a handler's response object is its `@Res()`/`@Response()` parameter, its `next` its `@Next()` one;
 *   - guards: `@UseGuards(A, new B())` on the controller or the method, `app.useGlobalGuards(new A())`,
 *     and `{ provide: APP_GUARD, useClass: A }` among a module's providers. A guard class's
 *     `canActivate` becomes a `GUARD A` handler; each route lists the guards that run before it (global,
 *     then the controller's, then the method's), so what a guard answers counts for each of them.
 * Codes (status-codes.ts, thrown-errors.ts): thrown HttpExceptions, `@HttpCode(n)`, a guard returning
 * anything but `true` (Nest answers 403), and Nest's 500 for any other error.
 */
import { Node, type ClassDeclaration, type Decorator, type MethodDeclaration } from 'ts-morph';
import type { Handler } from './handler.js';
import { nestExport } from './nest-names.js';
import { snippet, type ServiceScope } from './scope.js';
import { declarationOf, unwrap } from './symbols.js';
import { objectLiteralOf, propertyOf, resolveLiterals } from './values.js';

const VERBS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  All: 'ALL',
  Head: 'HEAD',
  Options: 'OPTIONS',
  Search: 'SEARCH',
};

/** The Nest decorator of a declaration with one of these exported names, if any. */
export function nestDecorator(node: Node, names: readonly string[]): Decorator | undefined {
  const decorators = (node as Node & { getDecorators?: () => Decorator[] }).getDecorators?.() ?? [];
  return decorators.find((d) => names.includes(nestDecoratorName(d) ?? ''));
}

/** The @nestjs/common export a decorator calls (`@Get()` → `Get`), if it is one. */
export function nestDecoratorName(d: Decorator): string | undefined {
  const expr = d.getExpression();
  return nestExport(Node.isCallExpression(expr) ? expr.getExpression() : expr);
}

function argumentsOf(d: Decorator): Node[] {
  const expr = d.getExpression();
  return Node.isCallExpression(expr) ? expr.getArguments() : [];
}

/** The paths a decorator argument names: none (''), a string, an array of strings, `{ path }`. */
function pathsOf(arg: Node | undefined, scope: ServiceScope): string[] {
  const a = unwrap(arg);
  if (!a) return [''];
  if (Node.isArrayLiteralExpression(a)) return a.getElements().flatMap((e) => pathsOf(e, scope));
  const object = objectLiteralOf(a, scope);
  if (object) return pathsOf(propertyOf(object.object, 'path').node, scope);
  const r = resolveLiterals(a, scope);
  const paths = r.values.map((v) => (typeof v.value === 'string' ? v.value : ''));
  if (r.unresolved.length > 0) {
    scope.warn(a, `cannot tell the Nest route path ${snippet(a)}; the route is listed as ${JSON.stringify(`{${snippet(a, 30)}}`)}`);
    paths.push(`{${snippet(a, 30)}}`);
  }
  return paths.length ? paths : [''];
}

/** Nest's join: segments with one slash between them, a leading slash, no trailing one. */
export function joinNestPath(...parts: string[]): string {
  return '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');
}

/** The HTTP method and paths of a route decorator, if `d` is one. */
function routeOf(d: Decorator, scope: ServiceScope): { verb: string; paths: string[] } | undefined {
  const name = nestDecoratorName(d);
  if (!name) return undefined;
  const [arg] = argumentsOf(d);
  if (VERBS[name]) return { verb: VERBS[name], paths: pathsOf(arg, scope) };
  if (name !== 'RequestMapping') return undefined;
  const object = objectLiteralOf(arg, scope);
  const method = object && unwrap(propertyOf(object.object, 'method').node);
  const verb = method && Node.isPropertyAccessExpression(method) ? method.getName() : 'GET';
  return { verb, paths: object ? pathsOf(propertyOf(object.object, 'path').node, scope) : [''] };
}

/** The position of a handler parameter carrying one of these Nest decorators (`@Res()`), or -1. */
function parameterWith(method: MethodDeclaration, names: readonly string[]): number {
  return method.getParameters().findIndex((p) => nestDecorator(p, names) !== undefined);
}

/** Guards: classes in the project, each with its `canActivate` as a `GUARD Name` handler. */
class Guards {
  readonly handlers = new Map<Node, Handler>();
  private readonly scope: ServiceScope;

  constructor(scope: ServiceScope) {
    this.scope = scope;
  }

  /** The keys of the guards a class or method names in its `@UseGuards(...)` decorators. */
  of(node: ClassDeclaration | MethodDeclaration): string[] {
    return node.getDecorators().filter((d) => nestDecoratorName(d) === 'UseGuards').flatMap((d) => this.keys(argumentsOf(d)));
  }

  /** The keys of the guards a list of guard expressions names (`A`, `new A()`). */
  keys(args: Node[]): string[] {
    return args.flatMap((a) => {
      const key = this.key(a);
      return key ? [key] : [];
    });
  }

  private key(arg: Node): string | undefined {
    const a = unwrap(arg);
    const ref = Node.isNewExpression(a) ? a.getExpression() : a;
    const decl = Node.isIdentifier(ref) ? declarationOf(ref) : undefined;
    if (!decl || !Node.isClassDeclaration(decl)) {
      this.scope.warn(arg, `the guard ${snippet(arg)} is not a class in the service's files: what it answers is not known`);
      return undefined;
    }
    const existing = this.handlers.get(decl);
    if (existing) return existing.route;
    const canActivate = decl.getMethod('canActivate');
    if (!canActivate) {
      this.scope.warn(arg, `the guard ${decl.getName() ?? snippet(arg)} has no canActivate method in its class: what it answers is not known`);
      return undefined;
    }
    const handler: Handler = { fn: canActivate, route: `GUARD ${decl.getName() ?? 'anonymous'}`, framework: 'nest', responseIndex: -1, guard: true };
    this.handlers.set(decl, handler);
    return handler.route;
  }
}

/** `app.useGlobalGuards(...)` and `{ provide: APP_GUARD, useClass: A }`: guards of every route. */
function globalGuards(scope: ServiceScope, guards: Guards): string[] {
  const keys: string[] = [];
  for (const call of scope.invocations()) {
    const callee = call.getExpression();
    if (Node.isCallExpression(call) && Node.isPropertyAccessExpression(callee) && callee.getName() === 'useGlobalGuards') keys.push(...guards.keys(call.getArguments()));
  }
  for (const sf of scope.files) {
    sf.forEachDescendant((node) => {
      if (!Node.isObjectLiteralExpression(node)) return;
      const provide = propertyOf(node, 'provide').node;
      const useClass = propertyOf(node, 'useClass').node;
      if (provide && useClass && nestExport(provide) === 'APP_GUARD') keys.push(...guards.keys([useClass]));
    });
  }
  return [...new Set(keys)];
}

/** `app.setGlobalPrefix('api')`: the prefix of every route (its `exclude` option is not read). */
function globalPrefix(scope: ServiceScope): string {
  for (const call of scope.invocations()) {
    const callee = call.getExpression();
    if (!Node.isCallExpression(call) || !Node.isPropertyAccessExpression(callee) || callee.getName() !== 'setGlobalPrefix') continue;
    const [prefix] = pathsOf(call.getArguments()[0], scope);
    return prefix ?? '';
  }
  return '';
}

function controllerHandlers(cls: ClassDeclaration, controller: Decorator, prefix: string, global: string[], guards: Guards, scope: ServiceScope): Handler[] {
  const prefixes = pathsOf(argumentsOf(controller)[0], scope);
  const classGuards = guards.of(cls);
  const out: Handler[] = [];
  for (const method of cls.getMethods()) {
    const methodGuards = guards.of(method);
    const next = parameterWith(method, ['Next']);
    for (const d of method.getDecorators()) {
      const route = routeOf(d, scope);
      if (!route) continue;
      for (const base of prefixes) {
        for (const path of route.paths) {
          out.push({
            fn: method,
            route: `${route.verb} ${joinNestPath(prefix, base, path)}`,
            framework: 'nest',
            responseIndex: parameterWith(method, ['Res', 'Response']),
            ...(next >= 0 ? { nextIndex: next } : {}),
            guards: [...new Set([...global, ...classGuards, ...methodGuards])],
          });
        }
      }
    }
  }
  return out;
}

/** Every Nest route handler of the service's files, then its guards (`GUARD Name`). */
export function nestHandlers(scope: ServiceScope): Handler[] {
  const guards = new Guards(scope);
  const global = globalGuards(scope, guards);
  const prefix = globalPrefix(scope);
  const handlers: Handler[] = [];
  for (const sf of scope.files) {
    for (const cls of sf.getClasses()) {
      const controller = nestDecorator(cls, ['Controller']);
      if (controller) handlers.push(...controllerHandlers(cls, controller, prefix, global, guards, scope));
    }
  }
  return [...handlers, ...guards.handlers.values()];
}

/**
 * The analyser on NestJS services (test/fixtures/analysis/nest/): controllers and route decorators
 * become routes (global prefix, controller prefix and method path joined), `@HttpCode`, HttpException and
 * its subclasses (built-in and the service's own, through `super(...)`) give their codes, guards
 * (global, module APP_GUARD, class and method `@UseGuards`) add theirs to the routes they guard, throws in
 * injected providers reach the routes calling them, and call sites in providers are found at the
 * controller that calls them. Each fixture has its own tsconfig.json; the decorator settings are read
 * from it (shop: set through `extends`; catalog: not set, a warning, the routes read all the same).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, type Route, type ServiceAnalysis } from '../analysis/index.js';
import { ROOT } from './helpers.js';

const NEST = join(ROOT, 'test/fixtures/analysis/nest');

function analyseOne(name: string) {
  const cwd = join(NEST, name);
  return analyze({ services: [{ name, cwd, source: join(cwd, 'main.ts') }], origin: `${name} fixture` });
}

const shopResult = analyseOne('shop');
const catalogResult = analyseOne('catalog');
const shop: ServiceAnalysis = shopResult.services[0];
const catalog: ServiceAnalysis = catalogResult.services[0];

function route(service: ServiceAnalysis, key: string): Route {
  const found = service.routes.find((r) => `${r.method} ${r.path}` === key);
  assert.ok(found, `no route ${key} in ${service.routes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  return found;
}

test('nest: every decorated controller method is a route; global prefix, controller prefix and method path joined', () => {
  assert.deepEqual(shop.frameworks, ['nest']);
  assert.deepEqual(
    shop.routes.map((r) => `${r.method} ${r.path}`),
    [
      'GET /api/health',
      'HEAD /api/health',
      'POST /api/orders',
      'GET /api/orders/:id',
      'PUT /api/orders/:id/cancel',
      'PATCH /api/orders/:id',
      'ALL /api/orders/legacy',
      'GET /api/products',
      'GET /api/products/:id',
      'POST /api/products',
      'DELETE /api/products/:id',
    ],
  );
  assert.deepEqual([route(shop, 'GET /api/products/:id').file, route(shop, 'GET /api/products/:id').line], ['products.controller.ts', 14]);
});

test("nest: the framework's 500 first, then built-in exceptions, HttpException(msg, HttpStatus.X) and @HttpCode", () => {
  assert.equal(shop.codes[0], 500);
  assert.deepEqual(route(shop, 'PUT /api/orders/:id/cancel').codes, [401, 410]);
  assert.deepEqual(route(shop, 'PATCH /api/orders/:id').codes, [401, 422]);
  assert.deepEqual(route(shop, 'ALL /api/orders/legacy').codes, [401, 501]);
  const create = route(shop, 'POST /api/products').codes;
  assert.ok(create.includes(202) && create.includes(409), `POST /api/products: ${create}`);
  assert.ok(route(shop, 'DELETE /api/products/:id').codes.includes(204), '@HttpCode(HttpStatus.NO_CONTENT)');
  assert.ok(shop.origins.some((o) => o.code === 409 && o.how === 'throw new HttpException(..., status)' && o.file === 'products.controller.ts'));
});

test("nest: the service's own exception classes, through super(...): ConflictException, HttpException(body, HttpStatus.X), HttpException(msg, status) given at the throw", () => {
  const codes = route(shop, 'POST /api/orders').codes;
  for (const code of [409, 429, 502]) assert.ok(codes.includes(code), `POST /api/orders lacks ${code}: ${codes}`);
  assert.ok(shop.origins.some((o) => o.code === 409 && o.how === 'throw new OutOfStockException(...)'));
  assert.ok(shop.origins.some((o) => o.code === 429 && o.how === 'throw new QuotaExceededException(...)'));
  assert.ok(shop.origins.some((o) => o.code === 502 && o.how === 'throw new UpstreamException(...)' && o.file === 'payments.client.ts'));
});

test('nest: a status thrown in an injected provider counts for the routes whose handlers call it (through other provider methods too)', () => {
  assert.deepEqual(route(shop, 'GET /api/products/:id').codes, [401, 404]);
  assert.ok(route(shop, 'DELETE /api/products/:id').codes.includes(404), 'remove() → find() throws NotFoundException');
  assert.ok(route(shop, 'POST /api/orders').codes.includes(503), "PaymentsClient.charge's ServiceUnavailableException");
  assert.deepEqual(route(shop, 'GET /api/products').codes, [401]);
});

test('nest: guards add their codes to the routes they guard (useGlobalGuards 401 everywhere, method @UseGuards 403 when canActivate may return false)', () => {
  for (const r of shop.routes) assert.equal(r.codes[0], 401, `${r.method} ${r.path}: ${r.codes}`);
  assert.ok(route(shop, 'POST /api/products').codes.includes(403));
  assert.ok(route(shop, 'DELETE /api/products/:id').codes.includes(403));
  assert.ok(!route(shop, 'GET /api/products/:id').codes.includes(403), 'AdminGuard guards only create and remove');
  const denial = shop.origins.find((o) => o.code === 403);
  assert.deepEqual(denial && [denial.file, denial.route, denial.how], ['admin.guard.ts', 'GUARD AdminGuard', 'guard may return false: Nest answers 403']);
  assert.ok(!shop.routes.some((r) => r.method === 'GUARD'), 'a guard is not a route');
});

test('nest: APP_GUARD in a module and a controller-level @UseGuards guard every route of their scope', () => {
  assert.deepEqual(
    catalog.routes.map((r) => `${r.method} ${r.path} ${r.codes.join(',')}`),
    ['GET /catalog/:id 404,429,403', 'GET /items/:id 404,429,403', 'POST /catalog/search 429,403', 'POST /items/search 429,403'],
  );
});

test("nest: @Res() is the handler's response object: res.status(404) counts for its route", () => {
  assert.deepEqual(route(shop, 'GET /api/orders/:id').codes, [401, 404]);
  assert.ok(shop.origins.some((o) => o.code === 404 && o.how === 'res.status(n)' && o.route === 'GET /api/orders/:id'));
});

test('nest: call sites in injected providers are found at the controller calling them, with the route', () => {
  const sites = shop.callSites.map((c) => ({ line: c.line, frame: c.frame, client: c.client, method: c.method, route: c.route, via: c.via }));
  assert.deepEqual(sites, [
    { line: 32, frame: 'orders.controller.ts:place', client: 'axios', method: 'POST', route: 'POST /api/orders', via: ['inventory.client.ts:reserve'] },
    { line: 33, frame: 'orders.controller.ts:place', client: 'fetch', method: 'POST', route: 'POST /api/orders', via: ['payments.client.ts:charge'] },
  ]);
  const [inventory, payments] = shop.callSites;
  // axios through a class field (`this.http = axios.create({ timeout })`): not caught anywhere, Nest's 500.
  assert.deepEqual(inventory.timeout, { set: 'yes', visible: 'yes', how: 'axios instance timeout' });
  assert.deepEqual([inventory.failures.ECONNREFUSED.handled, inventory.failures.ECONNREFUSED.answers], ['no', [500]]);
  // fetch with AbortSignal.timeout; the provider's catch throws ServiceUnavailableException: 503 for both.
  assert.equal(payments.timeout.visible, 'yes');
  assert.deepEqual([payments.failures.ECONNREFUSED.handled, payments.failures.ECONNREFUSED.answers], ['yes', [503]]);
  assert.deepEqual([payments.failures.Timeout.handled, payments.failures.Timeout.answers], ['yes', [503]]);
  assert.ok(shop.findings.some((f) => f.line === 32 && f.failure === 'ECONNREFUSED'));
  assert.ok(!shop.findings.some((f) => f.line === 33 && f.failure === 'ECONNREFUSED'));
});

test('nest: controller paths as arrays and { path }, @RequestMapping, a renamed import of Get', () => {
  assert.equal(route(catalog, 'GET /items/:id').line, 9);
  assert.equal(route(catalog, 'POST /items/search').file, 'items.controller.ts');
});

test('nest, not routes: a class with a get() method and no decorator, a class decorated with look-alike decorators of its own', () => {
  assert.ok(shop.files.includes('catalog.service.ts'));
  assert.ok(!shop.routes.some((r) => r.file === 'catalog.service.ts'), 'LookupCache.get is not a route');
  assert.ok(catalog.files.includes('reports.ts'));
  assert.ok(!catalog.routes.some((r) => r.file === 'reports.ts' || r.path.includes('reports')), JSON.stringify(catalog.routes));
});

test("nest: the decorator settings come from the service's own nearest tsconfig.json (followed through extends), not this repository's", () => {
  assert.deepEqual(shopResult.warnings, []);
  const messages = catalogResult.warnings.map((w) => `${w.file}: ${w.message}`);
  assert.equal(messages.length, 2, messages.join('\n'));
  assert.match(messages[0], /^main\.ts: NestJS needs "experimentalDecorators": true, which tsconfig\.json does not set/);
  assert.match(messages[1], /"emitDecoratorMetadata": true, which tsconfig\.json does not set/);
  // Without the setting the decorators are still read.
  assert.equal(catalog.routes.length, 4);
});

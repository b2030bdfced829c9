/**
 * The analyser on fastify services built from plugins (test/fixtures/analysis/fastify-plugins/):
 * routes registered inside plugins get the plugins' prefixes (inline, nested, in another file, a dynamic
 * import), fastify-plugin's routes stay on the parent instance, and the folders @fastify/autoload loads
 * belong to the service though nothing imports them, their routes prefixed by their folder path and
 * `options.prefix` (or the file's `autoPrefix`). Also the folder expressions autoload is given.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Project } from 'ts-morph';
import { analyze, type Route, type ServiceAnalysis } from '../analysis/index.js';
import { evalPath } from '../analysis/autoload.js';
import { ROOT } from './helpers.js';

const result = analyze({ servicesDirectory: join(ROOT, 'test/fixtures/analysis/fastify-plugins') });
const api: ServiceAnalysis = result.services.find((s) => s.name === 'api')!;
const worker: ServiceAnalysis = result.services.find((s) => s.name === 'worker')!;
const keys = (s: ServiceAnalysis) => s.routes.map((r) => `${r.method} ${r.path}`);

function route(service: ServiceAnalysis, key: string): Route {
  const found = service.routes.find((r) => `${r.method} ${r.path}` === key);
  assert.ok(found, `no route ${key} in ${keys(service).join(', ')}`);
  return found;
}

test('fastify plugins: an inline plugin, one nested in it (a dynamic import), one from another file; fastify-plugin ignores the prefix', () => {
  assert.deepEqual(keys(api).slice(0, 4), ['GET /v1/status', 'GET /whoami', 'GET /healthz', 'GET /v1/legacy/orders']);
  assert.deepEqual(route(api, 'GET /healthz').codes, [503]);
  assert.deepEqual(route(api, 'GET /v1/legacy/orders').codes, [410]);
  assert.equal(route(api, 'GET /v1/legacy/orders').file, 'legacy/routes.ts');
});

test('autoload: the folder is part of the service though nothing imports it; folder paths and options.prefix prefix its routes', () => {
  for (const file of ['routes/root.ts', 'routes/users/index.ts', 'routes/billing/invoices.ts']) assert.ok(api.files.includes(file), `${file} not in ${api.files}`);
  assert.deepEqual(keys(api).slice(4), ['GET /api/invoices/:id', 'GET /api/ping', 'GET /api/users', 'GET /api/users/:id', 'POST /api/users']);
  assert.deepEqual(route(api, 'GET /api/users/:id').codes, [404]);
  assert.deepEqual(route(api, 'POST /api/users').codes, [502, 503, 201]);
  assert.deepEqual(route(api, 'GET /api/invoices/:id').codes, [402], "the file's autoPrefix replaces its folder's");
  assert.deepEqual(api.codes, [500, 401, 503, 410, 402, 404, 502, 201]);
});

test('autoload: a call site in an autoloaded route file is found with its route', () => {
  assert.equal(api.callSites.length, 1);
  const [site] = api.callSites;
  assert.deepEqual([site.file, site.client, site.method, site.route], ['routes/users/index.ts', 'undici', 'POST', 'POST /api/users']);
  assert.deepEqual([site.timeout.visible, site.failures.ECONNREFUSED.handled, site.failures.ECONNREFUSED.answers], ['yes', 'yes', [503]]);
});

test('autoload: dirname(fileURLToPath(import.meta.url)) in a variable, fileURLToPath(new URL(...)), an anonymous default export, a plugins folder', () => {
  assert.deepEqual(worker.files, ['index.ts', 'plugins/queue.ts', 'routes/jobs/index.ts']);
  assert.deepEqual(worker.routes.map((r) => `${r.method} ${r.path} ${r.codes.join(',')}`), ['POST /jobs 409,202', 'GET /jobs/:id 404']);
  // The queue plugin's axios call: nothing imports plugins/queue.ts, autoload loads it.
  assert.deepEqual(worker.callSites.map((c) => [c.file, c.client, c.method]), [['plugins/queue.ts', 'axios', 'POST']]);
});

test('not part of the service: a folder neither imported nor autoloaded, a file autoload ignores (ignorePattern), a file beside an index.ts', () => {
  assert.ok(!api.files.some((f) => f.startsWith('scripts/')), api.files.join(', '));
  assert.ok(!keys(api).some((k) => k.includes('/seed')) && !api.codes.includes(418));
  assert.ok(!worker.files.includes('routes/health.test.ts') && !keys(worker).some((k) => k.includes('test-only')));
  // schema.ts is in the service (index.ts imports it) but is not a plugin: it adds no route.
  assert.ok(api.files.includes('routes/users/schema.ts'));
  assert.ok(!api.routes.some((r) => r.file === 'routes/users/schema.ts'));
  assert.deepEqual(result.warnings, []);
});

test('autoload folder expressions are evaluated from the source file; what cannot be told is undefined', () => {
  const file = join(ROOT, 'svc/src/server.ts');
  const project = new Project({ useInMemoryFileSystem: true });
  const sf = project.createSourceFile(file, [
    "const __dirname = dirname(fileURLToPath(import.meta.url));",
    "const routes = join(__dirname, 'routes');",
    "const a = join(import.meta.dirname, 'plugins');",
    "const b = fileURLToPath(new URL('../api', import.meta.url));",
    "const c = new URL('./x', import.meta.url).pathname;",
    "const d = path.resolve(__dirname, 'y');",
    "const e = `${__dirname}/z`;",
    "const f = join(process.cwd(), 'routes');",
    "const g = resolve('relative');",
  ].join('\n'));
  const value = (name: string) => evalPath(sf.getVariableDeclarationOrThrow(name).getInitializer(), sf);
  const dir = dirname(file);
  assert.equal(value('routes'), join(dir, 'routes'));
  assert.equal(value('a'), join(dir, 'plugins'));
  assert.equal(value('b'), join(dir, '../api'));
  assert.equal(value('c'), join(dir, 'x'));
  assert.equal(value('d'), join(dir, 'y'));
  assert.equal(value('e'), `${dir}/z`);
  assert.equal(value('f'), undefined);
  assert.equal(value('g'), undefined);
});

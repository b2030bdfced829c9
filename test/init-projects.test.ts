/**
 * `filibuster init` on projects it cannot understand (it says what is missing, exit 2, writes nothing), on
 * a compose file alone (services already running, given by `url`), and the compose forms it reads.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readComposeFile } from '../orchestrator/cli/init-compose.js';
import { cli, ROOT, tempDir } from './helpers.js';

function files(tree: Record<string, string | object>): string {
  const dir = tempDir('filibuster-init-');
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const nothingWritten = (dir: string) => assert.ok(!existsSync(join(dir, 'filibuster.services.json')) && !existsSync(join(dir, 'filibuster.functional.mjs')));

test('an empty folder: no package.json, no compose file', async () => {
  const dir = tempDir();
  const r = await cli(['init', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /found no services in .*:\n {2}- no package\.json \(npm workspaces, one per service, are read from its "workspaces"\)\n {2}- no compose file \(compose\.yaml, compose\.yml, docker-compose\.yaml or docker-compose\.yml\)/);
  nothingWritten(dir);
});

test('a package without workspaces and no compose file', async () => {
  const dir = files({ 'package.json': { name: 'app', scripts: { start: 'node index.js' } } });
  const r = await cli(['init', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /package\.json has no "workspaces"/);
  nothingWritten(dir);
});

test('workspaces none of which says how to start: each one named, with what it lacks', async () => {
  const dir = files({
    'package.json': { name: 'p', workspaces: ['apps/*', 'libs/*'] },
    'apps/api/package.json': { name: 'api' },
    'apps/worker/package.json': { name: '@p/worker', main: 'worker.js' },
    'apps/worker/worker.js': 'export const work = () => 1;\n',
  });
  const r = await cli(['init', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /found no service to start or reach:/);
  assert.match(r.stderr, /workspace apps\/api \(package api\): no "start" script and no "main" in its package\.json: left out \(if it is a service, add a start script that starts it\)/);
  assert.match(r.stderr, /workspace apps\/worker \(package @p\/worker\): no "start" script, and its main \(worker\.js\) starts no server/);
  assert.match(r.stderr, /workspace pattern "libs\/\*" matches no folder with a package\.json/);
  nothingWritten(dir);
});

test('workspaces without compose: ports and wiring from the source, the entry point undecided when nothing says', async () => {
  const dir = files({
    'package.json': { name: 'p', workspaces: ['svc/*'] },
    'svc/web/package.json': { name: 'web', scripts: { start: 'node --enable-source-maps web.js' } },
    'svc/web/web.js': "const api = process.env.API_URL; const cache = process.env['CACHE_URL']; app.get('/health', h); app.get('/home', h); app.listen(process.env.PORT);\n",
    'svc/api/package.json': { name: 'api', scripts: { start: 'node api.js' } },
    'svc/api/api.js': 'server.listen(4000);\n',
    'svc/admin/package.json': { name: 'admin', scripts: { start: 'node admin.js' } },
    'svc/admin/admin.js': 'server.listen(Number(process.env.PORT));\n',
  });
  const r = await cli(['init', dir]);
  assert.equal(r.code, 0, r.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'filibuster.services.json'), 'utf8'));
  assert.deepEqual(Object.keys(written.services), ['admin', 'api', 'web']);
  assert.deepEqual(written.services.web, { command: 'node --enable-source-maps web.js', cwd: 'svc/web', env: { API_URL: '${api.url}' } });
  assert.match(r.stdout, /web reads CACHE_URL, which names no service found: set it in its "env"/);
  assert.match(r.stdout, /api: could not find the port it listens on: the runner gives it a free one as PORT/);
  assert.match(r.stdout, /could not tell which service the test calls: admin, web are called by no other service; the test skeleton calls web/);
  assert.match(r.stdout, /web: no health check found/);
  assert.match(readFileSync(join(dir, 'filibuster.functional.mjs'), 'utf8'), /TODO: check the service called[\s\S]*ctx\.services\.web\.url\}\/home`/);
});

test('a compose file alone (the docker compose example): services already running, given by url, restarted by compose', async () => {
  const dir = tempDir();
  cpSync(join(ROOT, 'examples/docker-compose/docker-compose.yml'), join(dir, 'docker-compose.yml'));
  const r = await cli(['init', dir]);
  assert.equal(r.code, 0, r.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'filibuster.services.json'), 'utf8'));
  const hand = JSON.parse(readFileSync(join(ROOT, 'examples/docker-compose/services.json'), 'utf8'));
  // The compose file has no health checks: the hand-written file's /health-check cannot be derived, and init says so.
  for (const s of Object.values(hand.services) as { health?: string }[]) delete s.health;
  assert.deepEqual(written, hand);
  assert.match(r.stdout, /baz: no health check found/);
  assert.match(r.stdout, /calls foo \(the entry point: no other service calls it\)/);
  assert.doesNotMatch(r.stdout, /without the instrumentation|taken as infrastructure/);
});

test('compose with an image it does not build (a cache) and a service without published port', async () => {
  const dir = files({
    'compose.yaml': [
      'services:',
      '  cache:',
      '    image: redis:7',
      '    ports: ["6379:6379"]',
      '  api:',
      '    build: ./api',
      '    ports: ["127.0.0.1:3001:3000"]',
      '    environment: { }',
      '',
    ].join('\n'),
  });
  const refused = await cli(['init', dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /compose\.yaml: line 8: \{ is not read by this subset \(filibuster init reads block YAML: no anchors, aliases, block scalars or flow mappings\)/);
  writeFileSync(
    join(dir, 'compose.yaml'),
    ['services:', '  cache:', '    image: redis:7', '    ports: ["6379:6379"]', '  worker:', '    image: worker:1', '  api:', '    build: ./api', '    ports: ["127.0.0.1:3001:3000"]', '    depends_on: [cache]', ''].join('\n'),
  );
  const r = await cli(['init', dir]);
  assert.equal(r.code, 0, r.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'filibuster.services.json'), 'utf8'));
  assert.deepEqual(written.services, {
    cache: { url: 'http://127.0.0.1:6379', restart: 'docker compose restart cache', health: 'tcp' },
    api: { url: 'http://127.0.0.1:3001', restart: 'docker compose restart api' },
  });
  assert.match(r.stdout, /compose service worker publishes no port, so this machine cannot reach it: left out/);
  assert.match(r.stdout, /cache: image redis:7 is not built by this project: taken as infrastructure \(a database, a cache: never the entry point, probed over TCP\)/);
  assert.match(r.stdout, /with --port, --host and --token the containers reach the orchestrator at/);
  assert.match(r.stdout, /api runs in a container without the instrumentation: give it NODE_OPTIONS="--import filibuster\/register"/);
  assert.match(r.stdout, /calls api \(the entry point/);
});

test('the compose forms init reads: ports, environment lists, interpolation, health checks', () => {
  const dir = tempDir();
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(
    file,
    [
      'services:',
      '  a:',
      '    ports: ["3000", "8080:80/tcp", { target: 9000, published: 9001 }]',
      '    environment:',
      '      - A=1',
      '      - B',
      '      - C=${C:-three}',
      '      - D=http://${HOSTNAME}:1',
      '      - E=$$HOME',
      '    healthcheck:',
      '      test: curl http://localhost/ready',
      '  b:',
      '    healthcheck:',
      '      test: ["CMD", "nc", "-z", "localhost", "5432"]',
      '  c:',
      '    healthcheck:',
      '      test: ["CMD", "/bin/check"]',
      '  d:',
      '    healthcheck:',
      '      test: ["CMD", "wget", "--spider", "http://localhost:80"]',
      '',
    ].join('\n'),
  );
  assert.throws(() => readComposeFile(file), /line 3: nested flow collections are not read/);
  writeFileSync(file, readFileSync(file, 'utf8').replace('{ target: 9000, published: 9001 }', '"127.0.0.1:9001:9000"'));
  const [a, b, c, d] = readComposeFile(file).services;
  assert.deepEqual(a.ports, [{ container: 3000 }, { container: 80, host: 8080 }, { container: 9000, host: 9001 }]);
  assert.deepEqual(a.env, { A: '1', C: 'three', E: '$HOME' });
  assert.deepEqual(a.fromShell, ['B', 'D']);
  assert.deepEqual(a.health, { kind: 'http', path: '/ready', anyStatus: true });
  assert.deepEqual(b.health, { kind: 'tcp' });
  assert.deepEqual(c.health, { kind: 'unreadable', test: '/bin/check' });
  assert.deepEqual(d.health, { kind: 'http', path: '/', anyStatus: false });
});

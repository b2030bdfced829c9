/**
 * The container examples cannot rot: examples/docker-compose and examples/kubernetes are parsed and
 * checked against each other and against the tutorial they run (names, commands, ports, the preload, the
 * orchestrator's URL and token from the environment, restart hooks); then the compose configuration runs
 * with plain processes as `url` services with a restart hook (test/local-compose-plan.ts), and a service
 * killed mid-run gives that execution the crash verdict, is restarted by the hook, and the executions
 * after it go on as in a run of the runner-started tutorial.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadServicesConfig } from '../orchestrator/runner/service-config.js';
import { composeServices, COMPOSE_DIR, KUBERNETES_DIR, localCompose, publishedPort, readYaml } from './local-compose-plan.js';
import { DIST, faultSets, ROOT, run } from './helpers.js';

const TUTORIAL = loadServicesConfig(join(ROOT, 'corpus/foo-bar-baz/services.json'));
const NAMES = TUTORIAL.services.map((s) => s.name).sort();

/** The tutorial's script for a service, relative to the package root (its command is `node ../../dist/...`). */
function tutorialScript(name: string): string {
  const spec = TUTORIAL.services.find((s) => s.name === name)!;
  return resolve(spec.cwd, spec.command!.split(' ')[1]).slice(ROOT.length);
}

/** The tutorial's own wiring of a service: its env names (BAZ_URL) → the service each names (${baz.url}). */
function tutorialWiring(name: string): Record<string, string> {
  const env = TUTORIAL.services.find((s) => s.name === name)!.env;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, /^\$\{(\w+)\.url\}$/.exec(v)![1]]));
}

test('docker compose: the compose file, its services file, the Dockerfile and the tutorial agree', () => {
  const compose = composeServices();
  assert.deepEqual(Object.keys(compose).sort(), NAMES);
  const file = loadServicesConfig(join(COMPOSE_DIR, 'services.json'));
  assert.deepEqual(file.services.map((s) => s.name).sort(), NAMES);
  for (const [name, s] of Object.entries(compose)) {
    const { hostPort, containerPort } = publishedPort(s);
    const env = s.environment;
    assert.deepEqual(s.command, ['node', tutorialScript(name)], `${name}: the tutorial's command`);
    assert.ok(existsSync(join(ROOT, s.command[1])), `${name}: ${s.command[1]} is built`);
    assert.equal(env.NODE_OPTIONS, '--import filibuster/register', `${name}: the preload`);
    assert.equal(env.FILIBUSTER_SERVICE_NAME, name);
    assert.deepEqual(JSON.parse(env.FILIBUSTER_SERVICE_MAP), Object.fromEntries(NAMES.map((n) => [n, n])), `${name}: every service named by its host name`);
    assert.match(env.FILIBUSTER_URL, /^\$\{FILIBUSTER_URL(:-http:\/\/host\.docker\.internal:\d+)?\}$/, `${name}: the orchestrator's URL from the environment`);
    assert.match(env.FILIBUSTER_TOKEN, /^\$\{FILIBUSTER_TOKEN(:\?[^}]+)?\}$/, `${name}: the token from the environment`);
    assert.equal(env.PORT, String(containerPort), `${name}: listens on its published container port`);
    assert.equal(env.HOST, '0.0.0.0', `${name}: listens on the container's interfaces`);
    assert.equal(s.restart, 'no', `${name}: docker must not hide a crash by restarting it`);
    // The tutorial's wiring, by service name and container port.
    for (const [key, callee] of Object.entries(tutorialWiring(name))) {
      assert.equal(env[key], `http://${callee}:${publishedPort(compose[callee]).containerPort}`, `${name}: ${key}`);
    }
    const spec = file.services.find((x) => x.name === name)!;
    assert.equal(spec.url, `http://127.0.0.1:${hostPort}`, `${name}: the services file names its published port`);
    assert.equal(spec.restart, `docker compose restart ${name}`);
    assert.equal(spec.health.kind === 'http' && spec.health.path, '/health-check');
  }
  const build = compose.baz.build!;
  assert.equal(resolve(COMPOSE_DIR, build.context), ROOT.replace(/\/$/, ''));
  assert.ok(existsSync(join(ROOT, build.dockerfile)));
  const copied = [...readFileSync(join(ROOT, build.dockerfile), 'utf8').matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
  assert.deepEqual(copied, ['package.json', 'package-lock.json', 'dist']);
  for (const path of copied) assert.ok(existsSync(join(ROOT, path)), `${path} exists`);
  const kept = readFileSync(`${join(ROOT, build.dockerfile)}.dockerignore`, 'utf8').split('\n').filter((l) => l.startsWith('!'));
  assert.deepEqual(kept, ['!package.json', '!package-lock.json', '!dist/'], 'the build context sends what the Dockerfile copies');
  const register = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports['./register'];
  assert.ok(existsSync(join(ROOT, register)), 'filibuster/register resolves');
});

interface K8sDoc {
  kind: string;
  metadata: { name: string };
  spec: Record<string, any>;
}

test('kubernetes: the manifests, their services file, the kind cluster and the compose file agree', () => {
  const docs = readYaml(join(KUBERNETES_DIR, 'tutorial.yaml')) as unknown as K8sDoc[];
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  const services = docs.filter((d) => d.kind === 'Service');
  assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), NAMES);
  assert.deepEqual(services.map((d) => d.metadata.name).sort(), NAMES);
  const file = loadServicesConfig(join(KUBERNETES_DIR, 'services.json'));
  const [kind] = readYaml(join(KUBERNETES_DIR, 'kind-cluster.yaml')) as { nodes: { extraPortMappings: { containerPort: number; hostPort: number; listenAddress: string }[] }[] }[];
  const mapped = kind.nodes[0].extraPortMappings;
  const compose = composeServices();
  for (const d of deployments) {
    const name = d.metadata.name;
    const [container] = d.spec.template.spec.containers;
    assert.deepEqual(container.command, compose[name].command, `${name}: the compose file's command`);
    assert.equal(d.spec.template.spec.enableServiceLinks, false, `${name}: no Service variables beside PORT`);
    const env: Record<string, string> = {};
    const from: Record<string, unknown> = {};
    for (const e of container.env as { name: string; value?: string; valueFrom?: unknown }[]) {
      if (e.value !== undefined) env[e.name] = e.value;
      else from[e.name] = e.valueFrom;
    }
    const { FILIBUSTER_URL: _url, FILIBUSTER_TOKEN: _token, ...plain } = compose[name].environment;
    assert.deepEqual(env, plain, `${name}: the compose file's environment`);
    assert.deepEqual(from, {
      FILIBUSTER_URL: { configMapKeyRef: { name: 'filibuster', key: 'FILIBUSTER_URL' } },
      FILIBUSTER_TOKEN: { secretKeyRef: { name: 'filibuster', key: 'FILIBUSTER_TOKEN' } },
    });
    const port = Number(env.PORT);
    assert.deepEqual(container.ports, [{ containerPort: port }]);
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/health-check', port });
    const service = services.find((s) => s.metadata.name === name)!;
    assert.equal(service.spec.type, 'NodePort');
    assert.deepEqual(service.spec.selector, { app: name });
    const [p] = service.spec.ports as { port: number; targetPort: number; nodePort: number }[];
    assert.equal(p.port, port, `${name}: other services call it at http://${name}:${port}`);
    assert.equal(p.targetPort, port);
    assert.ok(mapped.some((m) => m.containerPort === p.nodePort && m.hostPort === p.nodePort && m.listenAddress === '127.0.0.1'), `${name}: the kind cluster publishes its NodePort on loopback`);
    const spec = file.services.find((s) => s.name === name)!;
    assert.equal(spec.url, `http://127.0.0.1:${p.nodePort}`);
    assert.match(spec.restart ?? '', new RegExp(`^kubectl rollout restart deployment/${name} && kubectl rollout status deployment/${name} `));
  }
});

test('the compose configuration as plain processes: a service killed mid-run is a crash, the hook restarts it, the run goes on', { timeout: 120_000 }, async (t) => {
  const KILL_AT = 4;
  const reference = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    triage: false,
  });
  const local = await localCompose();
  local.up();
  t.after(() => local.down());
  const bazPid = readFileSync(join(local.dir, 'baz.pid'), 'utf8');
  Object.assign(process.env, { LOCAL_COMPOSE_DIR: local.dir, LOCAL_COMPOSE_KILL: 'baz', LOCAL_COMPOSE_KILL_AT: String(KILL_AT) });
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'test/fixtures/local-compose/crashing-test.js') },
    servicesConfig: local.servicesFile,
    port: local.orchestratorPort,
    token: local.token,
    triage: false,
  });
  assert.deepEqual(faultSets(outcome), faultSets(reference), 'the same executions as the runner-started tutorial');
  const verdicts = outcome.results.executions.map((e) => e.verdict);
  const expected = reference.results.executions.map((e, i) => (i === KILL_AT - 1 ? 'crash' : e.verdict));
  assert.deepEqual(verdicts, expected);
  const crash = outcome.results.executions[KILL_AT - 1];
  assert.match(crash.detail ?? '', /^service baz is down: its health check failed after the execution, twice \(GET http:\/\/127\.0\.0\.1:\d+\/health-check, expecting a 2xx answer; connection refused/);
  assert.deepEqual(readFileSync(join(local.dir, 'restarts.log'), 'utf8').split('\n').filter(Boolean), ['baz'], 'the hook ran once');
  assert.notEqual(readFileSync(join(local.dir, 'baz.pid'), 'utf8'), bazPid, 'baz runs as a new process');
  assert.ok(verdicts.slice(KILL_AT).includes('pass'), 'executions after the restart pass');
});

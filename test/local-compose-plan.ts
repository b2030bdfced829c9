/**
 * The docker compose example (examples/docker-compose) made local: the same services, commands and
 * environment, run as plain processes on loopback (test/fixtures/local-compose), and its services file
 * with the same `url` services and a restart hook that does locally what `docker compose restart` does.
 * What a container gives implicitly is made explicit the way the example's README says: the
 * orchestrator's URL and token come from the environment, a service's name in another's URL is its
 * loopback address, each port a free one.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../orchestrator/runner/ports.js';
import type { LocalPlan } from './fixtures/local-compose/local-compose.js';
import { DIST, ROOT, tempDir } from './helpers.js';
import { parseYamlDocuments, type Yaml } from './yaml-subset.js';

export const COMPOSE_DIR = join(ROOT, 'examples/docker-compose');
export const KUBERNETES_DIR = join(ROOT, 'examples/kubernetes');
const LOCAL_COMPOSE = join(DIST, 'test/fixtures/local-compose/local-compose.js');

export interface ComposeService {
  command: string[];
  ports: string[];
  environment: Record<string, string>;
  restart?: string;
  build?: { context: string; dockerfile: string };
}

export function readYaml(file: string): Yaml[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'));
}

export function composeServices(): Record<string, ComposeService> {
  const [doc] = readYaml(join(COMPOSE_DIR, 'docker-compose.yml')) as unknown as { services: Record<string, ComposeService> }[];
  return doc.services;
}

/** `${VAR}`, `${VAR:-default}` and `${VAR:?error}` as docker compose reads them. */
export function composeInterpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v) return v;
    if (op === ':-') return arg ?? '';
    if (op === ':?') throw new Error(`compose: ${name}: ${arg}`);
    return '';
  });
}

/** The container port a service listens on and the host port it is published on ("127.0.0.1:5002:5002"). */
export function publishedPort(service: ComposeService): { host: string; hostPort: number; containerPort: number } {
  const m = /^(127\.0\.0\.1):(\d+):(\d+)$/.exec(service.ports[0] ?? '');
  if (!m) throw new Error(`ports ${service.ports.join(', ')}: expected "127.0.0.1:HOST:CONTAINER"`);
  return { host: m[1], hostPort: Number(m[2]), containerPort: Number(m[3]) };
}

export interface LocalCompose {
  dir: string;
  orchestratorPort: number;
  token: string;
  /** The example's services file made local. */
  servicesFile: string;
  ports: Record<string, number>;
  up(): void;
  down(): void;
}

/** Plans the example as local processes in a fresh directory; `withHook: false` drops the restart hooks. */
export async function localCompose(withHook = true): Promise<LocalCompose> {
  const dir = tempDir('filibuster-compose-');
  const services = composeServices();
  const ports: Record<string, number> = {};
  for (const name of Object.keys(services)) ports[name] = await freePort();
  const orchestratorPort = await freePort();
  const token = randomUUID();
  const given = { FILIBUSTER_URL: `http://127.0.0.1:${orchestratorPort}`, FILIBUSTER_TOKEN: token };
  const plan: LocalPlan = { services: {} };
  for (const [name, service] of Object.entries(services)) {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [key, value] of Object.entries(service.environment)) {
      let v = composeInterpolate(String(value), given);
      // Another service by name, on its container port: its loopback address and local port.
      for (const [other, s] of Object.entries(services)) v = v.replace(`http://${other}:${publishedPort(s).containerPort}`, `http://127.0.0.1:${ports[other]}`);
      env[key] = v;
    }
    // Calls are named by the host name a container calls: here that name is a loopback address and port.
    const map = JSON.parse(env.FILIBUSTER_SERVICE_MAP) as Record<string, string>;
    for (const other of Object.keys(services)) map[`127.0.0.1:${ports[other]}`] = map[other];
    env.FILIBUSTER_SERVICE_MAP = JSON.stringify(map);
    env.PORT = String(ports[name]);
    env.HOST = '127.0.0.1';
    plan.services[name] = { argv: [process.execPath, ...service.command.slice(1)], env, cwd: ROOT };
  }
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
  const file = JSON.parse(readFileSync(join(COMPOSE_DIR, 'services.json'), 'utf8')) as { services: Record<string, { url: string; restart?: string }> };
  for (const [name, s] of Object.entries(file.services)) {
    s.url = s.url.replace(/:\d+$/, `:${ports[name]}`);
    const hook = /^docker compose restart (\S+)$/.exec(s.restart ?? '');
    if (!hook) throw new Error(`services.${name}.restart: expected "docker compose restart NAME", got ${s.restart}`);
    if (withHook) s.restart = `"${process.execPath}" "${LOCAL_COMPOSE}" restart "${dir}" ${hook[1]}`;
    else delete s.restart;
  }
  const servicesFile = join(dir, 'services.json');
  writeFileSync(servicesFile, JSON.stringify(file, null, 2));
  const compose = (command: string) => execFileSync(process.execPath, [LOCAL_COMPOSE, command, dir], { stdio: 'inherit' });
  return { dir, orchestratorPort, token, servicesFile, ports, up: () => compose('up'), down: () => compose('down') };
}

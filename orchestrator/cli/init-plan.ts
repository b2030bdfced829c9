/**
 * What `filibuster init` writes, decided from what it found: each npm workspace with a start script is a
 * service the runner starts (its port, health check and environment taken from the compose service of
 * the same build folder or name, when there is one); each compose service that is not a workspace is a
 * service already running, given by the `url` its published port is reached at, restarted with
 * `docker compose restart`. What it could not decide is said, never guessed silently.
 */
import { basename, relative } from 'node:path';
import { findComposeFile, readComposeFile, type ComposeFile, type ComposeHealth, type ComposeService } from './init-compose.js';
import { entryPoint, startOrder, wireEnvironment, wireSourceVariables, type PlannedService, type ServiceEntry } from './init-wiring.js';
import { listens, readProject, readsPort, urlVariables, type Workspace } from './init-workspaces.js';

export interface InitPlan {
  services: PlannedService[];
  entry?: string;
  entryReason: string;
  /** What was found, one line each ("npm workspaces: 3 (services/*)"). */
  found: string[];
  /** What could not be decided, one line each: the user's to check. */
  undecided: string[];
}

export class InitError extends Error {}

export function planInit(root: string): InitPlan {
  const project = readProject(root);
  const composeFile = findComposeFile(root);
  const compose = composeFile ? readComposeFile(composeFile) : undefined;
  const workspaces = project?.workspaces ?? [];
  if (workspaces.length === 0 && !compose) throw new InitError(nothingFound(root, project?.patterns, project !== undefined));
  const found: string[] = [];
  const undecided: string[] = [];
  if (project?.patterns) found.push(`npm workspaces: ${workspaces.length} (${project.patterns.join(', ')})`);
  if (compose) found.push(`${relative(root, compose.file)}: ${compose.services.length} service(s)`);
  for (const p of project?.unmatched ?? []) undecided.push(`workspace pattern ${JSON.stringify(p)} matches no folder with a package.json`);

  const matched = new Map<Workspace, ComposeService | undefined>(workspaces.map((w) => [w, compose && matchCompose(root, w, compose)]));
  const taken = new Set<string>();
  const drafts: Draft[] = [];
  for (const [w, c] of matched) {
    const why = notAService(w, c);
    if (why) undecided.push(why);
    else drafts.push({ name: uniqueName([c?.name ?? basename(w.dir), w.rel], taken), workspace: w, compose: c });
  }
  const claimed = new Set([...matched.values()].filter(Boolean));
  const builtImages = new Set(compose?.services.filter((s) => s.buildContext && s.image).map((s) => s.image));
  for (const c of compose?.services ?? []) {
    if (claimed.has(c)) continue;
    if (!c.ports.some((p) => p.host !== undefined)) {
      undecided.push(`compose service ${c.name} publishes no port, so this machine cannot reach it: left out (publish one, e.g. ports: ["127.0.0.1:${c.ports[0]?.container ?? 8080}:${c.ports[0]?.container ?? 8080}"], and run init again)`);
      continue;
    }
    drafts.push({ name: uniqueName([c.name], taken), compose: c, infrastructure: !c.buildContext && !builtImages.has(c.image) });
  }
  if (drafts.length === 0) throw new InitError(`found no service to start or reach:\n  - ${undecided.join('\n  - ')}`);

  const names = new Set(drafts.map((d) => d.name));
  const composeNames = new Set(compose?.services.map((s) => s.name));
  const services = drafts.map((d) => (d.workspace ? startedService(d, d.workspace, names, composeNames, undecided) : runningService(d, d.compose!, compose!, root, names, undecided)));
  const ordered = startOrder(services);
  const entry = entryPoint(ordered);
  if (!entry.name) throw new InitError(`found only infrastructure (${ordered.map((s) => s.name).join(', ')}), no application service to test:\n  - ${undecided.join('\n  - ')}`);
  if (!entry.decided) undecided.push(entry.reason);
  return { services: ordered, entry: entry.name, entryReason: entry.reason, found, undecided };
}

interface Draft {
  name: string;
  workspace?: Workspace;
  compose?: ComposeService;
  infrastructure?: boolean;
}

function nothingFound(root: string, patterns: string[] | undefined, hasPackage: boolean): string {
  const lines = [`found no services in ${root}:`];
  if (!hasPackage) lines.push('  - no package.json (npm workspaces, one per service, are read from its "workspaces")');
  else if (!patterns) lines.push('  - package.json has no "workspaces" (npm workspaces, one per service: "workspaces": ["services/*"])');
  else lines.push(`  - its workspaces (${patterns.join(', ')}) match no folder with a package.json`);
  lines.push('  - no compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)');
  lines.push('Write the services file by hand (README: "Using it on your services"), or run init where these are.');
  return lines.join('\n');
}

/** The compose service of a workspace: built from its folder, named like it, or running a file of it. */
function matchCompose(root: string, w: Workspace, compose: ComposeFile): ComposeService | undefined {
  const names = [basename(w.dir), w.packageName?.replace(/^@[^/]+\//, '')];
  return (
    compose.services.find((s) => s.buildContext === w.dir) ??
    compose.services.find((s) => names.includes(s.name)) ??
    compose.services.find((s) => s.command.some((a) => a.startsWith(`${w.rel}/`) || a.startsWith(`./${w.rel}/`)))
  );
}

/** Why a workspace is not written as a service, or undefined when it is one. */
function notAService(w: Workspace, c: ComposeService | undefined): string | undefined {
  const label = `workspace ${w.rel}${w.packageName ? ` (package ${w.packageName})` : ''}`;
  if (!w.start) {
    return c
      ? `${label} is compose service ${c.name}, but its package.json has no "start" script and no "main": left out (add a start script that starts it)`
      : `${label}: no "start" script and no "main" in its package.json: left out (if it is a service, add a start script that starts it)`;
  }
  if (w.start.from === 'main' && !c && !listens(w.source)) return `${label}: no "start" script, and its main (${w.start.command.slice(5)}) starts no server: taken as a library, left out`;
  return undefined;
}

/** The first of the candidates (cleaned to a service name) not taken yet, else the first with a number. */
function uniqueName(candidates: string[], taken: Set<string>): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  let name = candidates.map(clean).find((c) => c && !taken.has(c));
  for (let i = 2; !name; i++) if (!taken.has(`${clean(candidates[0]) || 'service'}-${i}`)) name = `${clean(candidates[0]) || 'service'}-${i}`;
  taken.add(name);
  return name;
}

/** A workspace the runner starts: `command` and `cwd` from the workspace, the rest from compose and its source. */
function startedService(d: Draft, w: Workspace, names: Set<string>, composeNames: Set<string>, undecided: string[]): PlannedService {
  const c = d.compose;
  const entry: ServiceEntry = { command: w.start!.command, cwd: w.rel };
  for (const n of w.notes) undecided.push(`${d.name}: ${n}`);
  // A service that reads PORT takes the free port the runner picks; one that does not keeps compose's.
  const takesPort = (c !== undefined && ('PORT' in c.env || c.fromShell.includes('PORT'))) || readsPort(w.source);
  const composePort = c?.ports[0]?.container;
  if (!takesPort && composePort !== undefined) {
    entry.port = composePort;
    undecided.push(`${d.name}: its source does not show it reading PORT, so it keeps the port compose gives it, ${composePort} (if it reads PORT, remove "port": the runner then picks a free one)`);
  } else if (!takesPort) {
    undecided.push(`${d.name}: could not find the port it listens on: the runner gives it a free one as PORT; if it listens on a fixed port, give "port"`);
  }
  const health = healthEntry(c?.health ?? { kind: 'none' }, d.name, undecided);
  if (health !== undefined) entry.health = health;
  const wired = wireEnvironment(d.name, c?.env ?? {}, names, composeNames);
  const fromSource = wireSourceVariables(d.name, urlVariables(w.source), wired.env, [...names]);
  undecided.push(...wired.notes, ...fromSource.notes);
  for (const key of c?.fromShell ?? []) {
    if (!/^(PORT|HOST|NODE_OPTIONS|FILIBUSTER_.*)$/.test(key)) undecided.push(`${d.name}: ${key} comes from the shell compose runs in: not written (the runner passes its own environment on; or give it in "env")`);
  }
  if (Object.keys(wired.env).length > 0) entry.env = wired.env;
  const origin = `workspace ${w.rel} (${w.start!.from === 'main' ? 'node <main>' : 'its start script'})${c ? `, compose service ${c.name}` : ''}`;
  return { name: d.name, entry, origin, calls: [...new Set([...wired.calls, ...fromSource.calls, ...(c?.dependsOn ?? []).filter((n) => names.has(n))])], infrastructure: false, source: w.source };
}

/** A compose service that is not a workspace: already running, reached at its published port. */
function runningService(d: Draft, c: ComposeService, compose: ComposeFile, root: string, names: Set<string>, undecided: string[]): PlannedService {
  const published = c.ports.find((p) => p.host !== undefined && String(p.container) === c.env.PORT) ?? c.ports.find((p) => p.host !== undefined)!;
  const composeArg = relative(root, compose.file) === basename(compose.file) ? '' : ` -f ${relative(root, compose.file)}`;
  const entry: ServiceEntry = { url: `http://127.0.0.1:${published.host}`, restart: `docker compose${composeArg} restart ${c.name}` };
  if (d.infrastructure) {
    undecided.push(`${d.name}: image ${c.image ?? '(none)'} is not built by this project: taken as infrastructure (a database, a cache: never the entry point${c.health.kind === 'none' ? ', probed over TCP' : ''}); if it is one of your services, give it a "health" path`);
  }
  const health = d.infrastructure && c.health.kind === 'none' ? 'tcp' : healthEntry(c.health, d.name, undecided);
  if (health !== undefined) entry.health = health;
  if (!d.infrastructure && !(c.env.NODE_OPTIONS ?? '').includes('filibuster/register')) {
    undecided.push(`${d.name} runs in a container without the instrumentation: give it NODE_OPTIONS="--import filibuster/register", FILIBUSTER_URL and FILIBUSTER_SERVICE_NAME=${d.name} (README: "Services in containers")`);
  }
  const calls = [...new Set([...Object.values(c.env).flatMap((v) => /^https?:\/\/([^/:?#]+)/.exec(v)?.[1] ?? []), ...c.dependsOn])].filter((n) => n !== d.name && names.has(n));
  const origin = `compose service ${c.name} (${d.infrastructure ? `image ${c.image ?? '?'}, ` : ''}already running: start it with docker compose up)`;
  return { name: d.name, entry, origin, calls, infrastructure: d.infrastructure ?? false, source: '' };
}

function healthEntry(h: ComposeHealth, name: string, undecided: string[]): ServiceEntry['health'] {
  if (h.kind === 'http') return h.anyStatus ? { path: h.path, status: 'any' } : h.path;
  if (h.kind === 'tcp') return 'tcp';
  if (h.kind === 'unreadable') undecided.push(`${name}: its compose health check (${h.test}) names no URL: the runner's default probe is used (any HTTP answer to GET /)`);
  else undecided.push(`${name}: no health check found: the runner's default probe is used (any HTTP answer to GET /); give "health" a path that does no work`);
  return undefined;
}

/**
 * Starting one service: its process, and the wait until it passes its health check (health.ts), which ends
 * early with its last log lines when the process exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { describeProbe, probeOnce, type Attempt, type Probe } from './health.js';
import type { ServiceOutput } from './log-window.js';
import type { Tail } from './process-tree.js';
import { ServiceError } from './service-error.js';
import type { ServiceSpec } from './service-config.js';

/** A configured service and what the manager knows of it, from one (re)start to the next. */
export interface Running {
  spec: ServiceSpec;
  port: number;
  child?: ChildProcess;
  log?: WriteStream;
  tail: Tail;
  /** Its output as it comes, for the executions watching it (watchLogs). */
  output: ServiceOutput;
  exit?: string;
  /** Resolves when the child exits. */
  exited?: Promise<void>;
  /** The processes watched for an early end (liveness.ts), found once the service is healthy. */
  watched?: number[];
  /** Its health check, as probed at its (re)start; a `url` service is probed with it after each execution. */
  probe?: Probe;
  /** A `url` service found down after an execution: how (url-liveness.ts), until it is restarted. */
  down?: string;
}

/** The longest one health probe may take (a slow answer is retried until the service's start timeout). */
const PROBE_ATTEMPT_MS = 2_000;
/** The shortest one health probe may take, even right at the start timeout (so its outcome says something). */
const PROBE_ATTEMPT_MIN_MS = 250;
/** The pause between two health probes. */
const PROBE_INTERVAL_MS = 25;

/** `${name}` references in a service's command, env and restart hook: its own and the other services' port and url. */
export function interpolate(text: string, vars: Record<string, string>, where: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new ServiceError(`${where}: unknown variable \${${name}} (known: ${Object.keys(vars).join(', ')})`);
    return vars[name];
  });
}

export function urlOf(r: Running): string {
  return r.spec.url ?? `http://${r.spec.host.includes(':') ? `[${r.spec.host}]` : r.spec.host}:${r.port}`;
}

/** The service's health check with its URL or port and its header values (`${...}` substituted). */
export function probeOf(r: Running, env: NodeJS.ProcessEnv, vars: Record<string, string>): Probe {
  const { health, name } = r.spec;
  const base = new URL(urlOf(r));
  if (health.kind === 'tcp') return { kind: 'tcp', host: base.hostname.replace(/^\[|\]$/g, ''), port: r.port };
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(health.headers)) {
    headers[header] = value.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
      const found = ref.startsWith('env.') ? env[ref.slice(4)] : vars[ref];
      if (found === undefined) {
        const why = ref.startsWith('env.') ? `${ref.slice(4)} is not set in its environment` : 'unknown variable';
        throw new ServiceError(`service ${name}, health header ${header}: \${${ref}}: ${why}`);
      }
      return found;
    });
  }
  return { kind: 'http', method: health.method, url: new URL(`${base.origin}${health.path}`), headers, status: health.status };
}

/** Its command in a shell of its own process group, its output to its log, its tail and the executions watching it. */
export function spawnService(r: Running, command: string, env: NodeJS.ProcessEnv, logDir: string): void {
  const { spec } = r;
  r.log?.end();
  r.log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
  r.exit = undefined;
  const child = spawn('/bin/sh', ['-c', command], { cwd: spec.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  r.child = child;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      r.tail.push(chunk);
      r.log?.write(chunk);
      r.output.push(chunk);
    });
  }
  r.watched = undefined;
  r.exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      r.exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    }),
  );
}

/**
 * Probes the service until it is up, bounded per attempt and in all by its start timeout. Fails when the
 * service exits first, or with what was probed and what came back last, and the tail of its log.
 */
export async function waitHealthy(r: Running, probe: Probe): Promise<void> {
  const { spec } = r;
  const deadline = Date.now() + spec.startTimeoutMs;
  const exited = () =>
    new ServiceError(`service ${spec.name} ${r.exit} before answering its health check (${describeProbe(probe)}); last lines of its log:\n${r.tail.lines(15) || '(no output)'}`);
  let attempts = 0;
  for (;;) {
    if (r.exit) throw exited();
    const budget = Math.max(PROBE_ATTEMPT_MIN_MS, Math.min(PROBE_ATTEMPT_MS, deadline - Date.now()));
    const attempt = probeOnce(probe, budget);
    // A service that exits during an attempt ends the wait at once.
    const last: Attempt | undefined = r.exited ? await Promise.race([attempt, r.exited.then(() => undefined)]) : await attempt;
    if (!last) throw exited();
    attempts++;
    if (last.up) return;
    if (Date.now() >= deadline) {
      const hint = last.notHttp && probe.kind === 'http' ? ' (if it speaks no HTTP, give it "health": "tcp")' : '';
      throw new ServiceError(
        `service ${spec.name} did not pass its health check within ${spec.startTimeoutMs} ms: ${describeProbe(probe)}; ` +
          `last of ${attempts} attempt(s): ${last.saw}${hint}; last lines of its log:\n${r.tail.lines(15) || '(no output)'}`,
      );
    }
    await new Promise((res) => setTimeout(res, Math.min(PROBE_INTERVAL_MS, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * The fault-realism harness shared by the realism tests: two children running the realism client
 * (test/fixtures/realism/client.ts), one plain (the REAL failure from a real peer) and one with the
 * instrumentation preloaded (the INJECTED fault, planned by the real orchestrator in this process), and
 * the normalisation that makes their descriptions comparable (port numbers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Session } from '../orchestrator/server/session.js';
import { startServer, type OrchestratorServer } from '../orchestrator/server/server.js';
import type { Failure } from '../orchestrator/search/model.js';
import { otelNodeArgs } from './otel-switch.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('./fixtures/realism/client.js', import.meta.url));
const REGISTER = new URL('../instrumentation/register.js', import.meta.url).href;

export type Client = 'fetch' | 'http' | 'axios' | 'axios-native' | 'got' | 'node-fetch' | 'undici';

/** axios-native: axios with `maxRedirects: 0` (no follow-redirects in between; see the client script). */
export const CLIENTS: Client[] = ['fetch', 'http', 'axios', 'axios-native', 'got', 'node-fetch', 'undici'];

/** Replaces every port number with PORT (in host:port text, in URLs and in `port` fields). */
export function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return value.replace(/(127\.0\.0\.1|localhost|\[::1\]|[a-z]+\.internal):\d+/g, '$1:PORT');
  if (typeof value === 'number' && key === 'port') return 'PORT';
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, k);
    return out;
  }
  return value;
}

export interface Child {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
}

export async function startChild(instrumented: boolean, orchestratorUrl: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FILIBUSTER_') && k !== 'NODE_OPTIONS') env[k] = v;
  if (instrumented) {
    env.FILIBUSTER_URL = orchestratorUrl;
    env.FILIBUSTER_SERVICE_NAME = 'client';
  }
  // Under FILIBUSTER_TEST_OTEL both children trace (the REAL failure is observed as the user's tracing sees it).
  const traced = await otelNodeArgs(instrumented ? ['--import', REGISTER] : []);
  Object.assign(env, traced.env);
  const proc = spawn(process.execPath, [...traced.args, CLIENT_SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        proc.stdout!.off('data', onData);
        resolve((JSON.parse(out.slice(0, nl)) as { port: number }).port);
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`client exited (${code}) before listening: ${err}`)));
  });
  return { proc, port, stderr: () => err };
}

export async function stopChild(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null) return;
  const exited = once(child.proc, 'exit');
  child.proc.stdin!.end();
  const timer = setTimeout(() => child.proc.kill(), 2000);
  await exited;
  clearTimeout(timer);
}

/** Asks a child to make one call and describe what it observed; `extra` adds query parameters. */
export async function observe(child: Child, client: Client, scenario: string, url: string, executionId?: string, extra: Record<string, string> = {}): Promise<unknown> {
  const q = new URLSearchParams({ client, scenario, url, ...extra });
  const res = await fetch(`http://127.0.0.1:${child.port}/?${q}`, {
    headers: executionId ? { 'x-filibuster-execution': executionId } : {},
  }).catch((err: Error) => {
    throw new Error(`cannot reach the client script (exit code ${child.proc.exitCode}): ${err.message}\n${child.stderr()}`, { cause: err });
  });
  const text = await res.text();
  assert.equal(res.status, 200, `the client script failed: ${text}\n${child.stderr()}`);
  return JSON.parse(text);
}

export function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function close(server: http.Server | net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The real orchestrator (Session + server) in this process, running one request per execution. */
export class RealismOrchestrator {
  session = new Session();
  server?: OrchestratorServer;
  private executions = 0;

  async start(): Promise<string> {
    this.server = await startServer(this.session, 0);
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** Runs one request as an execution; returns the description and the calls. */
  async run(child: Child, client: Client, scenario: string, url: string, failures: Failure[], extra: Record<string, string> = {}) {
    const number = ++this.executions;
    const id = `realism-${number}`;
    const execution = this.session.begin(number, id, failures);
    const description = await observe(child, client, scenario, url, id, extra);
    const quiet = await execution.quiescent(2000);
    const calls = execution.finish();
    this.session.end(execution, calls);
    return { description, calls, quiet, execution };
  }
}

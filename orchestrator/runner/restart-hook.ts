/**
 * The restart hook of a service the runner did not start (`"restart"` in the services file,
 * service-config.ts): a shell command such as `docker compose restart baz` or
 * `kubectl rollout restart deployment/baz && kubectl rollout status deployment/baz`. It runs in its own
 * process group, bounded (a container runtime that hangs must not hold the run forever); what it writes
 * goes to the service's log and, when it fails, into the message.
 */
import { spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { killTree, Tail } from './process-tree.js';
import { ServiceError } from './service-error.js';
import type { ServiceSpec } from './service-config.js';

/** The longest a hook may take: stopping a container alone may take docker's 10 s grace, pulling an image longer. */
export const HOOK_TIMEOUT_MS = 120_000;

export interface HookRun {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where its output also goes (the service's log), if anywhere. */
  log?: WriteStream;
  timeoutMs?: number;
}

/** Undefined when the hook exited 0; else why not, with the last lines it wrote. */
export function runRestartHook(hook: HookRun): Promise<string | undefined> {
  const tail = new Tail();
  const timeoutMs = hook.timeoutMs ?? HOOK_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', hook.command], { cwd: hook.cwd, env: hook.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        tail.push(chunk);
        hook.log?.write(chunk);
      });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, timeoutMs);
    const output = () => tail.lines(15) || '(no output)';
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(`its restart hook could not be run (${err.message})`);
    });
    // 'exit', not 'close': a hook that leaves something running in the background (holding its output
    // pipes) is done when its shell is; its last output gets a moment to arrive.
    const closed = new Promise((res) => child.once('close', res));
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      await Promise.race([closed, new Promise((res) => setTimeout(res, 200).unref())]);
      if (code === 0) resolve(undefined);
      else if (timedOut) resolve(`its restart hook did not finish within ${timeoutMs / 1000} s; its last lines:\n${output()}`);
      else resolve(`its restart hook ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; its last lines:\n${output()}`);
    });
  });
}

/**
 * Restarts a `url` service by its hook (`command`, its `${...}` already substituted), or says why it cannot
 * be: it has none, or the hook failed. `down` is how it was found down, if it was.
 */
export async function restartByHook(spec: ServiceSpec, down: string | undefined, command: string | undefined, env: NodeJS.ProcessEnv, log?: WriteStream): Promise<void> {
  const state = down ? `is down (${down.replace(/^is down: /, '')})` : 'is to be restarted';
  const who = `service ${spec.name} (given by url: ${spec.url})`;
  if (!command) {
    throw new ServiceError(
      `${who} ${state}, and the runner did not start it, so it cannot restart it: give it "restart" in the services file ` +
        `(a command that restarts it, e.g. "docker compose restart ${spec.name}"), or restart it yourself and run again`,
    );
  }
  const failed = await runRestartHook({ command, cwd: spec.cwd, env, log });
  if (failed) throw new ServiceError(`${who} ${state}: ${failed}`);
}

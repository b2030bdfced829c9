/**
 * Per-run markers: every process the run starts (services, the functional test, the test worker) carries
 * FILIBUSTER_RUN_MARKER in its environment, and everything it starts inherits it. Killing a process group
 * misses a descendant that called setsid (it left the group, and may hold the test's output pipe open,
 * so the test never "closes"); the environment survives setsid, so a sweep of /proc/<pid>/environ finds it.
 *
 * The value is hierarchical, `<run>/<role>`, so a sweep can be narrow (one execution's test process and
 * its descendants on a timeout; one service on a restart) or cover the whole run at shutdown:
 *   <run>/service/<name>   a service
 *   <run>/test/<id>        one spawned functional test (execution id)
 *   <run>/worker           the long-lived --test-module worker
 * On systems without /proc the sweep finds nothing and process-group kills are all there is.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_MARKER_VAR = 'FILIBUSTER_RUN_MARKER';

/** A fresh marker for one run: random, so that concurrent runs never sweep each other's processes. */
export function newRunMarker(): string {
  return `run-${randomBytes(8).toString('hex')}`;
}

/** Whether `value` is a whole run's marker as newRunMarker makes them (e.g. one read back from a file). */
export function isRunMarker(value: unknown): value is string {
  return typeof value === 'string' && /^run-[0-9a-f]{16}$/.test(value);
}

/** Pids of live processes (not this one) whose environment has the marker equal to `value` or under `value/`. */
export function markedProcesses(value: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const exact = `${RUN_MARKER_VAR}=${value}`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    for (const variable of environ.split('\0')) {
      if (variable === exact || variable.startsWith(`${exact}/`)) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/**
 * SIGKILLs every process carrying the marker (or one under it), scanning again while any is listed (a
 * process may fork between the scan and the kill). A process already signalled is not signalled or
 * counted again: it may still be listed for a moment while it dies. Returns how many processes were killed.
 */
export function sweepMarked(value: string, rounds = 5): number {
  const killed = new Set<number>();
  for (let i = 0; i < rounds; i++) {
    const listed = markedProcesses(value);
    if (listed.length === 0) break;
    for (const pid of listed.filter((p) => !killed.has(p))) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        /* already gone */
      }
    }
  }
  return killed.size;
}

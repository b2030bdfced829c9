/**
 * `--resume`: continue an interrupted run from its journal (journal.ts, in the same --output-dir) without
 * re-running the executions it finished.
 *
 * Service ports: a call's identity includes its URL's port, so the resumed run must start the services on
 * the interrupted run's ports; every run records them in run-state.json beside the journal, with its run
 * marker, by which a resumed run first stops whatever a kill -9 of the interrupted one left running.
 *
 * Counterexamples are written before their execution's journal line, each to a temporary file renamed
 * into place: a kill in between leaves at worst a temporary file (removed by the next ResultsWriter) and
 * an execution that runs again, rewriting its counterexample.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionError } from '../option-error.js';
import type { ResultsWriter } from './writer.js';
import { isRunMarker, sweepMarked } from '../runner/run-marker.js';

/**
 * Beside the journal: `run-state.json`, what a resumed run must know of the interrupted one:
 *   { "run_marker": the run's marker (runner/run-marker.ts), "service_ports"?: { <service>: port } }
 * It is written before the services start (the marker, and the ports a resumed run reuses) and again
 * once they listen (their ports), so that whatever a kill -9 leaves running is always findable.
 */
export const RUN_STATE = 'run-state.json';

export function writeRunState(writer: ResultsWriter, marker: string, servicePorts: Record<string, number> | undefined): void {
  writer.writeJson(RUN_STATE, { run_marker: marker, ...(servicePorts ? { service_ports: servicePorts } : {}) });
}

/** The service ports the interrupted run used (none recorded: fresh ones, and the journal will not match). */
export function readServicePorts(outputDir: string): Record<string, number> | undefined {
  const path = join(outputDir, RUN_STATE);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as { service_ports?: Record<string, number> };
    const ports = state.service_ports;
    if (!ports || typeof ports !== 'object' || Object.values(ports).some((p) => !Number.isInteger(p))) throw new Error('service_ports');
    return ports;
  } catch {
    throw new InvalidOptionError(`${path}: not a run state (service_ports by service name); cannot resume`);
  }
}

/**
 * A run killed with SIGKILL cannot stop what it started: its services go on listening on the ports the
 * resumed run must reuse (and would answer in its place, with no orchestrator behind them: no faults),
 * and a test's descendants may go on running. Before a resumed run starts anything, every process that
 * carries the interrupted run's marker is killed. Returns how many were; nothing when no marker is recorded.
 */
export function sweepInterruptedRun(outputDir: string, log: (message: string) => void): number {
  const path = join(outputDir, RUN_STATE);
  let marker: unknown;
  try {
    marker = (JSON.parse(readFileSync(path, 'utf8')) as { run_marker?: unknown }).run_marker;
  } catch {
    return 0; // no state (the run was killed before writing it, so before starting anything), or torn
  }
  if (!isRunMarker(marker)) return 0;
  const killed = sweepMarked(marker);
  if (killed > 0) log(`stopped ${killed} process(es) left running by the interrupted run (${marker})`);
  return killed;
}

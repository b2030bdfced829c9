/** Shared helpers for the project's own tests. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore, withDefaults, type ExplorationOptions, type ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { otelCliArgs, otelServiceEnv } from './otel-switch.js';

/** The package root (dist/test/helpers.js → ../../). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const CLI = join(DIST, 'orchestrator/cli/main.js');

export function tempDir(prefix = 'filibuster-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/**
 * Runs an exploration with test defaults (any free port, a temporary output directory), and the services
 * traced when FILIBUSTER_TEST_OTEL asks for it (otel-switch.ts; the test's own serviceEnv wins).
 */
export async function run(options: Partial<ExplorationOptions> & Pick<ExplorationOptions, 'test'>): Promise<ExplorationOutcome> {
  const serviceEnv = { ...(await otelServiceEnv()), ...options.serviceEnv };
  return explore(withDefaults({ outputDir: tempDir(), ...options, serviceEnv: Object.keys(serviceEnv).length ? serviceEnv : options.serviceEnv }));
}

/** The executed fault sets, in order, as readable strings ("ran:503 on foo → bar (GET /bar)"). */
export function faultSets(outcome: ExplorationOutcome): string[] {
  return outcome.results.executions.map((e) => `${e.status}:${e.faults.map((f) => f.description).join(' + ') || 'no fault'}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `run` arguments with the built-in catalogue pinned (`--no-analysis`), unless they choose a catalogue:
 * tests count executions of the built-in catalogue; the catalogue a plain run derives from the services'
 * source is tested on its own (derived-catalogue, user-apps-acceptance).
 */
export function builtInCatalogue(args: readonly string[]): string[] {
  const isRun = args[0] === 'run' || args[0]?.startsWith('--');
  const chosen = args.some((a) => a === '--analysis' || a === '--no-analysis' || a.startsWith('--analysis-file') || a === '--help');
  return isRun && !chosen ? [...args, '--no-analysis'] : [...args];
}

/**
 * Runs the `filibuster` CLI as a real child process (a `run` with the built-in catalogue: builtInCatalogue;
 * its services traced under FILIBUSTER_TEST_OTEL: otel-switch.ts).
 */
export async function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const traced = [...args, ...(await otelCliArgs(args))];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...builtInCatalogue(traced)], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `filibuster init [dir]`: writes a services file and a test skeleton from what the project holds (npm
 * workspaces and their start scripts, a compose file's services), and prints what it found, what it
 * wrote and what it could not decide. It never overwrites a file unless told (`--force`).
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadServicesConfig } from '../runner/service-config.js';
import { ComposeError } from './init-compose.js';
import { servicesFileText, testFileText } from './init-files.js';
import { InitError, planInit, type InitPlan } from './init-plan.js';
import { UsageError } from './run-command.js';

export const INIT_DEFAULTS = { services: 'filibuster.services.json', testModule: 'filibuster.functional.mjs' } as const;

export interface InitArgs {
  dir: string;
  services: string;
  testModule: string;
  force: boolean;
}

export function runInit(args: InitArgs, print: (text: string) => void): void {
  const root = resolve(args.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${args.dir}: not a directory`);
  let plan: InitPlan;
  try {
    plan = planInit(root);
  } catch (err) {
    if (err instanceof InitError || err instanceof ComposeError) throw new UsageError(err.message);
    throw err;
  }
  const servicesFile = resolve(root, args.services);
  const testFile = resolve(root, args.testModule);
  const existing = [servicesFile, testFile].filter((f) => existsSync(f));
  if (existing.length > 0 && !args.force) {
    throw new UsageError(`not overwriting ${existing.join(' and ')}: ${existing.length > 1 ? 'they exist' : 'it exists'} (--force overwrites; --services and --test-module name other files)`);
  }
  const servicesName = relative(root, servicesFile);
  const testName = relative(root, testFile);
  // What init writes must load (a file the runner refuses would be init's defect): checked before it is in place.
  const draft = `${servicesFile}.init-draft`;
  writeFileSync(draft, servicesFileText(plan));
  try {
    loadServicesConfig(draft);
    renameSync(draft, servicesFile);
  } finally {
    rmSync(draft, { force: true });
  }
  writeFileSync(testFile, testFileText(plan, servicesName, testName));
  print(summary(plan, servicesName, testName));
}

function summary(plan: InitPlan, servicesName: string, testName: string): string {
  const lines = ['Found:', ...plan.found.map((f) => `  ${f}`), `Wrote ${servicesName}:`];
  for (const s of plan.services) lines.push(`  ${s.name}: ${s.origin}${s.calls.length ? `; calls ${s.calls.join(', ')}` : ''}`);
  lines.push(`Wrote ${testName}: calls ${plan.entry}${plan.undecided.includes(plan.entryReason) ? ' (a guess, see below)' : ` (the entry point: ${plan.entryReason})`}; fill in its TODOs`);
  if (plan.undecided.length > 0) lines.push('Could not decide (check these):', ...plan.undecided.map((u) => `  - ${u}`));
  lines.push('Then run:', `  npx filibuster --test-module ${testName} --services ${servicesName}`);
  if (plan.services.some((s) => s.entry.url !== undefined && !s.infrastructure)) {
    lines.push('  with --port, --host and --token the containers reach the orchestrator at (README: "Services in containers")');
  }
  return `${lines.join('\n')}\n`;
}

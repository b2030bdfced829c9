/**
 * `filibuster analyze` (and `filibuster-analysis`): runs the static analyser, prints the summary
 * (findings first) and writes the catalogue: the extended format by default, the original's with
 * `--compat`. Bad input (a missing directory, an unreadable config, no services) is a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyze, AnalysisInputError, compatCatalogue, extendedCatalogue, summary } from '../../analysis/index.js';
import { analyzeConfig } from './analyze-config.js';
import { UsageError } from './run-command.js';

export interface AnalyzeArgs {
  servicesDirectory?: string;
  config?: string;
  outputFile?: string;
  compat: boolean;
  /** Decide conditions on process.env with the config's env plus `env` (see analysis/environment.ts). */
  assumeEnv?: boolean;
  /** KEY=VALUE entries. */
  env?: string[];
  /** Extended format: inject each call site's suggested network conditions too. */
  withConditions?: boolean;
}

function parseEnv(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${JSON.stringify(entry)}: expected KEY=VALUE`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export function runAnalyze(args: AnalyzeArgs, out: (text: string) => void): void {
  if (!args.servicesDirectory === !args.config) throw new UsageError('analyze needs exactly one of --services-directory DIR or --config services.json');
  let result;
  try {
    if (args.env?.length && !args.assumeEnv) throw new UsageError('--env needs --assume-env (without it every condition on process.env counts both ways)');
    const env = { assumeEnv: args.assumeEnv, env: parseEnv(args.env ?? []) };
    result = args.config ? analyzeConfig(args.config, env) : analyze({ servicesDirectory: args.servicesDirectory, ...env });
  } catch (err) {
    if (err instanceof AnalysisInputError) throw new UsageError(err.message);
    throw err;
  }
  out(summary(result) + '\n');
  if (args.outputFile) {
    if (args.compat && args.withConditions) throw new UsageError('--with-conditions needs the extended format (the compat format has no call sites)');
    const catalogue = args.compat ? compatCatalogue(result) : extendedCatalogue(result, { withConditions: args.withConditions });
    try {
      mkdirSync(dirname(args.outputFile), { recursive: true });
      writeFileSync(args.outputFile, JSON.stringify(catalogue, null, 2) + '\n');
    } catch (err) {
      throw new UsageError(`${args.outputFile}: cannot write the analysis file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    out(`Written: ${args.outputFile} (${args.compat ? "the original's format" : 'extended format'})\n`);
  }
}

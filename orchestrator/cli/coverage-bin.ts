#!/usr/bin/env node
/** `filibuster-coverage [--output-dir D]`: the same as `filibuster coverage`. */
import { runCoverage } from './coverage-command.js';
import { UsageError } from './run-command.js';

const args = process.argv.slice(2);
const at = args.indexOf('--output-dir');
const outputDir = at >= 0 && args[at + 1] ? args[at + 1] : '.filibuster';
runCoverage(outputDir, (t) => process.stdout.write(t)).catch((err: unknown) => {
  process.stderr.write(`filibuster-coverage: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 3;
});

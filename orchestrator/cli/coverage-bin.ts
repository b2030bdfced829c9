#!/usr/bin/env node
/** `filibuster-coverage [--output-dir D]`: the same as `filibuster coverage`. */
import { binParser, runBin } from './bin.js';
import { runCoverage } from './coverage-command.js';
import { EXIT } from './run-command.js';

runBin('filibuster-coverage', async () => {
  const a = await binParser('filibuster-coverage')
    .usage('$0 [--output-dir D]: render the coverage of a run made with --coverage (fault-free vs all executions, and the lines only faults reached)')
    .option('output-dir', { type: 'string', default: '.filibuster', describe: "the run's output directory" })
    .parseAsync();
  if (a.help || a.version) return EXIT.ok;
  await runCoverage(a.outputDir as string, (t) => process.stdout.write(t));
  return EXIT.ok;
});

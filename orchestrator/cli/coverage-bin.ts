#!/usr/bin/env node
/** `filibuster-coverage [--output-dir D]`: the same as `filibuster coverage`. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runCoverage } from './coverage-command.js';
import { classifyError, EXIT, UsageError } from './run-command.js';

async function main(argv: string[]): Promise<number> {
  try {
    const a = await yargs(argv)
      .scriptName('filibuster-coverage')
      .usage('$0 [--output-dir D]: render the coverage of a run made with --coverage (fault-free vs all executions, and the lines only faults reached)')
      .option('output-dir', { type: 'string', default: '.filibuster', describe: "the run's output directory" })
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .help()
      .parseAsync();
    if (a.help) return EXIT.ok;
    await runCoverage(a.outputDir, (t) => process.stdout.write(t));
    return EXIT.ok;
  } catch (err) {
    const { message, exitCode } = classifyError(err);
    process.stderr.write(`filibuster-coverage: ${message}\n`);
    return exitCode;
  }
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});

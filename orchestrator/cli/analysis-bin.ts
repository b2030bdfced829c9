#!/usr/bin/env node
/**
 * `filibuster-analysis`, the original's name for `filibuster analyze`, with its flags:
 *   filibuster-analysis --services-directory DIR --output-file F [--compat] [--config services.json]
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runAnalyze } from './analyze-command.js';
import { classifyError, EXIT, UsageError } from './run-command.js';

async function main(argv: string[]): Promise<number> {
  try {
    const a = await yargs(argv)
      .scriptName('filibuster-analysis')
      .option('services-directory', { type: 'string', describe: 'one service per subdirectory' })
      .option('config', { type: 'string', describe: "an application's services configuration (services.json)" })
      .option('output-file', { type: 'string', describe: 'where to write the catalogue' })
      .option('compat', { type: 'boolean', default: false, describe: "the original's analysis-file format" })
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .help()
      .parseAsync();
    if (a.help) return EXIT.ok;
    runAnalyze({ servicesDirectory: a.servicesDirectory, config: a.config, outputFile: a.outputFile, compat: a.compat }, (t) => process.stdout.write(t));
    return EXIT.ok;
  } catch (err) {
    const { message, exitCode } = classifyError(err);
    process.stderr.write(`filibuster-analysis: ${message}\n`);
    return exitCode;
  }
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
/**
 * `filibuster-analysis`, the original's name for `filibuster analyze`, with its flags:
 *   filibuster-analysis --services-directory DIR --output-file F [--compat] [--config services.json]
 */
import { runAnalyze } from './analyze-command.js';
import { binParser, runBin } from './bin.js';
import { EXIT } from './run-command.js';

runBin('filibuster-analysis', async () => {
  const a = await binParser('filibuster-analysis')
    .option('services-directory', { type: 'string', describe: 'one service per subdirectory' })
    .option('config', { type: 'string', describe: "an application's services configuration (services.json)" })
    .option('output-file', { type: 'string', describe: 'where to write the catalogue' })
    .option('compat', { type: 'boolean', default: false, describe: "the original's analysis-file format" })
    .parseAsync();
  if (a.help || a.version) return EXIT.ok;
  runAnalyze({ servicesDirectory: a.servicesDirectory as string | undefined, config: a.config as string | undefined, outputFile: a.outputFile as string | undefined, compat: a.compat as boolean }, (t) => process.stdout.write(t));
  return EXIT.ok;
});

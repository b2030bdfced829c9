/**
 * What every bin of the original's names shares: its own yargs parser that throws instead of exiting, and
 * one way to turn what it throws into a message and an exit code (run-command.ts classifies).
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { classifyError, UsageError } from './run-command.js';
import { VERSION } from './version.js';

/** A strict parser named `name` whose failures are thrown as usage errors. */
export function binParser(name: string): Argv {
  return yargs(hideBin(process.argv))
    .scriptName(name)
    .version(VERSION)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help();
}

/** Runs a bin's body; an error becomes `<name>: <message>` on stderr and its exit code. */
export function runBin(name: string, body: () => Promise<number>): void {
  body()
    .catch((err: unknown) => {
      const { message, exitCode } = classifyError(err);
      process.stderr.write(`${name}: ${message}\n`);
      return exitCode;
    })
    .then((code) => {
      process.exitCode = code;
    });
}

/**
 * The command that replays a counterexample, as the CLI prints it after a run and report.html shows it
 * beside each failure: one function, so the two never differ. Named here, among the helpers, because the
 * results part writes the report and may not import the CLI.
 *
 * How this CLI is named in a command a user pastes into a shell, from any folder: `filibuster` when that
 * name on the PATH is this very CLI; else the project's `node_modules/.bin/filibuster`, by absolute path,
 * when the package is installed in a project; else `node <absolute path of main.js>` (a checkout).
 */
import { realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./cli/main.js', import.meta.url));

function realpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** A word as a POSIX shell reads it back: bare when it is plain, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

let cached: string | undefined;

export function cliInvocation(): string {
  if (cached) return cached;
  const main = realpath(MAIN) ?? MAIN;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && realpath(join(dir, 'filibuster')) === main);
  if (onPath) return (cached = 'filibuster');
  const installed = /^(.*)[\\/]node_modules[\\/]filibuster[\\/]/.exec(main);
  const bin = installed ? join(installed[1], 'node_modules', '.bin', 'filibuster') : undefined;
  if (bin && realpath(bin) === main) return (cached = shellQuote(bin));
  return (cached = `node ${shellQuote(main)}`);
}

/** The command that replays a counterexample, pasteable in any folder. */
export function replayCommand(counterexample: string): string {
  return `${cliInvocation()} --counterexample-file ${shellQuote(resolve(counterexample))}`;
}

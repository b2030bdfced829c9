/**
 * This package's version, for `--version`: yargs' own default reads the package.json nearest the working
 * directory, which in a user's project is the project's, not ours.
 */
import { readFileSync } from 'node:fs';

export const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

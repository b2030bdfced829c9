/**
 * Writes the results files of a run into its output directory (the files and results.json's schema:
 * run-results.ts). Every file but the journal is written whole to `<name>.tmp` and renamed into place; a
 * `.tmp` file is what a killed run left mid-write, and the next ResultsWriter removes it.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { crashPoint } from '../crash-test-hook.js';
import type { IdentityRules } from '../../instrumentation/protocol.js';
import type { Call } from '../search/model.js';
import { journalLine } from './journal.js';
import type { ExecutionResult } from './run-results.js';

/** A file being written is `<name>.tmp` in the same directory until it is renamed into place. */
const TEMP_SUFFIX = '.tmp';

export class ResultsWriter {
  readonly dir: string;
  private readonly journal: string;
  private readonly counterexampleDir: string;

  /** `keepJournal`: a resumed run appends to the journal it resumes from (resume.ts). */
  constructor(dir: string, keepJournal = false) {
    this.dir = dir;
    this.counterexampleDir = join(dir, 'counterexamples');
    mkdirSync(this.counterexampleDir, { recursive: true });
    this.journal = join(dir, 'journal.jsonl');
    if (!keepJournal || !existsSync(this.journal)) writeFileSync(this.journal, '');
    // A run killed in the middle of a write leaves its temporary file behind; the file it was meant to
    // replace is intact (or absent), and whatever was being written is written again by this run.
    for (const folder of [dir, this.counterexampleDir]) {
      for (const name of readdirSync(folder)) if (name.endsWith(TEMP_SUFFIX)) rmSync(join(folder, name), { force: true });
    }
  }

  /** Starts the journal afresh (a resume that finds nothing to resume from). */
  resetJournal(): void {
    writeFileSync(this.journal, '');
  }

  get journalPath(): string {
    return this.journal;
  }

  /**
   * One line per execution, with the calls the explorer was given (journal.ts), in a single write(2) of the
   * complete line on an O_APPEND descriptor, so a line is never interleaved with another; a kill -9 can
   * at worst leave the last line torn, which a resume drops. A short write (a full disk) is an error
   * rather than a second write: the line stays torn, and the execution runs again on resume.
   */
  append(result: ExecutionResult, calls?: readonly Call[], identity?: IdentityRules): void {
    const line = Buffer.from(journalLine(result, calls, identity));
    const fd = openSync(this.journal, 'a');
    try {
      crashPoint('journal-append', line, (part) => writeSync(fd, part));
      const written = writeSync(fd, line);
      if (written !== line.length) throw new Error(`${this.journal}: only ${written} of ${line.length} bytes of a journal line were written`);
    } finally {
      closeSync(fd);
    }
  }

  /** `name` is e.g. "execution-12" (a failing execution) or "replay-3" (a failing triage replay). */
  counterexamplePath(name: string): string {
    return join(this.counterexampleDir, `${name}.json`);
  }

  relative(path: string): string {
    return relative(this.dir, path);
  }

  /** Written to a temporary file and renamed, so a reader never sees half a file. */
  writeJson(name: string, value: unknown): string {
    return this.writeText(name, JSON.stringify(value, null, 2) + '\n');
  }

  /**
   * The temporary file is in the same directory as the file it replaces, so the rename is atomic: after a
   * kill -9 at any point the file is either the old one (or absent) or the complete new one.
   */
  writeText(name: string, text: string): string {
    const path = join(this.dir, name);
    const temp = path + TEMP_SUFFIX;
    const bytes = Buffer.from(text);
    if (dirname(path) === this.counterexampleDir) crashPoint('counterexample-write', bytes, (part) => writeFileSync(temp, part));
    writeFileSync(temp, bytes);
    renameSync(temp, path);
    return path;
  }
}

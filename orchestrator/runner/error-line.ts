/**
 * The line that says why a command test failed, read from its output: the error Node printed for an
 * uncaught exception or unhandled rejection (`Error: …`, `AssertionError [ERR_ASSERTION]: …`, with its
 * cause), a failed `node --test` test, a thrown value that is not an Error, and else the last line the
 * test printed. Never Node's version banner, which ends every crash output and says nothing about it.
 * Pure functions of the text, so that they can be checked on real outputs of the Node that runs them.
 */
import { readableLine } from './bounded-text.js';

/** Lines of an error message kept in a detail (an assertion's diff can go on for pages: it stays in the output). */
const MAX_MESSAGE_LINES = 6;
/** A detail is one short paragraph: the terminal summary and the report's group titles show it. */
const MAX_DETAIL_CHARS = 1_000;
/** How far below an error's first line its stack may start (past an assertion's diff). */
const MAX_MESSAGE_SCAN = 60;

/** The first line of an error as Node prints it: `TypeError: fetch failed`, `AssertionError [ERR_ASSERTION]: …`. */
const ERROR_HEADER = /^(?:Uncaught )?(?:[A-Z][\w$]*)?(?:Error|Exception|Rejection)(?: \[[\w-]+\])?(?::\s|:?$)/;
const STACK_FRAME = /^\s+(?:at\s|\.\.\. \d+ lines? matching)/;
const BANNER = /^Node\.js v\d+\.\d+\.\d+/;
const TRACE_HINT = /^\(Use `node --trace-uncaught/;
/** An error's cause in Node's dump of it: `  [cause]: Error: connect ECONNREFUSED …` (or `cause:` when set by hand). */
const CAUSE = /^\s+\[?cause\]?: (.+?)(?: \{)?$/;
/** A failed test in the spec reporter's output: `✖ GET /foo answers 503 (1.8ms)` (not the summary's heading). */
const SPEC_FAILURE = /^\s*✖ (?!failing tests:)(.+?)(?: \([\d.]+m?s\))?$/;
const TAP_FAILURE = /^\s*not ok \d+ - (.+?)(?: # .*)?$/;

/** The output's lines without our headers, Node's banner and its `--trace-uncaught` hint. */
function meaningfulLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => readableLine(l.replace(/\r$/, '')))
    .filter((l): l is string => l !== undefined && !BANNER.test(l) && !TRACE_HINT.test(l));
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

/**
 * The message of the error whose first line is `lines[at]`: that line and the ones down to its stack
 * (blank ones dropped), when a stack follows; else the first line alone (an error printed as a log line).
 */
function messageBlock(lines: readonly string[], at: number): { message: string[]; stackAt: number } {
  const end = Math.min(lines.length, at + MAX_MESSAGE_SCAN);
  let stackAt = -1;
  for (let j = at + 1; j < end && stackAt < 0; j++) if (STACK_FRAME.test(lines[j])) stackAt = j;
  if (stackAt < 0) return { message: [lines[at].trim()], stackAt: at + 1 };
  const message = lines.slice(at, stackAt).map((l) => l.trim()).filter(Boolean);
  if (message.length > MAX_MESSAGE_LINES) message.splice(MAX_MESSAGE_LINES - 1, Infinity, '…');
  return { message, stackAt };
}

/** The first cause in the dump that follows an error's stack (the dump ends at the first unindented line). */
function causeAfter(lines: readonly string[], from: number): string | undefined {
  for (let j = from; j < lines.length && /^\s/.test(lines[j]); j++) {
    const m = CAUSE.exec(lines[j]);
    if (m) return m[1];
  }
  return undefined;
}

/** `UnhandledPromiseRejection: This error originated … with the reason "x".` says only the reason. */
function shortened(header: string): string {
  const m = /^UnhandledPromiseRejection: .*The promise rejected with the reason (.*?)\.?$/.exec(header);
  return m ? `UnhandledPromiseRejection: the promise rejected with the reason ${m[1]}` : header;
}

function errorAt(lines: readonly string[], at: number): string {
  const { message, stackAt } = messageBlock(lines, at);
  message[0] = shortened(message[0]);
  const cause = causeAfter(lines, stackAt);
  if (cause) message[0] += ` (cause: ${cause})`;
  return message.join('\n');
}

/** The last error printed at the start of a line: an uncaught one is printed last, after anything the test logged. */
function uncaughtError(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (ERROR_HEADER.test(lines[i])) return errorAt(lines, i);
  return undefined;
}

/** `node --test`, spec reporter: the first failed test, with the error printed (indented) below it. */
function specFailure(lines: readonly string[]): string | undefined {
  for (let i = 0; i < lines.length - 1; i++) {
    const m = SPEC_FAILURE.exec(lines[i]);
    if (m && ERROR_HEADER.test(lines[i + 1].trim())) return `"${m[1]}" failed: ${errorAt(lines, i + 1)}`;
  }
  return undefined;
}

/** `node --test`, TAP reporter: the first `not ok` test and the `error:` of its YAML block. */
function tapFailure(lines: readonly string[]): string | undefined {
  const at = lines.findIndex((l) => TAP_FAILURE.test(l));
  if (at < 0) return undefined;
  const name = TAP_FAILURE.exec(lines[at])![1];
  for (let j = at + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
    const m = /^(\s*)error: (.*)$/.exec(lines[j]);
    if (!m) continue;
    if (!/^\|-?$/.test(m[2])) return `"${name}" failed: ${m[2].replace(/^'(.*)'$/, '$1')}`;
    const block: string[] = [];
    for (let k = j + 1; k < lines.length && (lines[k].trim() === '' || lines[k].length - lines[k].trimStart().length > m[1].length); k++) {
      if (lines[k].trim()) block.push(lines[k].trim());
    }
    return `"${name}" failed: ${block.slice(0, MAX_MESSAGE_LINES).join('\n')}`;
  }
  return `"${name}" failed`;
}

/** `throw 'text'`: Node prints the value alone under a caret, then the `--trace-uncaught` hint. */
function thrownValue(output: string): string | undefined {
  const lines = output.split('\n');
  const hint = lines.findIndex((l) => TRACE_HINT.test(l));
  return hint > 0 && lines[hint - 1].trim() ? `threw ${lines[hint - 1].trim()}` : undefined;
}

/** Why the test failed, read from one of its output streams; undefined when it printed no error. */
export function errorLine(output: string): string | undefined {
  const lines = meaningfulLines(output);
  const found = uncaughtError(lines) ?? specFailure(lines) ?? tapFailure(lines) ?? thrownValue(output);
  return found === undefined ? undefined : clip(found);
}

/** The last line that says something (not a banner, a stack frame or a closing brace). */
export function lastMeaningfulLine(output: string): string {
  const lines = meaningfulLines(output).filter((l) => l.trim() !== '' && !STACK_FRAME.test(l) && !/^\s*[{}]\s*$/.test(l));
  return clip(lines.at(-1)?.trim() ?? '');
}

/**
 * The detail of a failed command test: the error it died of when it printed one, else how it ended
 * (exit code or signal) with the last line it printed, stderr first (where errors go).
 */
export function commandFailureDetail(code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): string {
  const how = signal ? `killed by ${signal}` : `exit code ${code}`;
  const error = errorLine(stderr) ?? errorLine(stdout);
  if (error) return signal ? `${how}: ${error}` : error;
  const last = lastMeaningfulLine(stderr) || lastMeaningfulLine(stdout);
  return last ? `${how}: ${last}` : how;
}

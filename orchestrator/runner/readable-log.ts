/**
 * A service's log as a reader needs it when the service crashed: Node prints an uncaught error as its
 * message and stack followed by every enumerable property of the error object. For an HTTP client's error
 * (axios, got) that is the whole request and response (sockets, agents, headers: over a thousand lines),
 * so the last lines of the log show the end of that dump and never the error itself. Here the dump is
 * folded into one line, and the lines that only show our own headers are dropped, so the tail ends with
 * the error's message, its stack and Node's closing banner.
 */
import { readableLine } from './bounded-text.js';

/** The last line of an error's stack when properties follow: Node opens them with " {" on that line. */
const OPENS_PROPERTIES = /^(\s+at .*|\S*(Error|Exception)\b.*) \{$/;

/** Dumps shorter than this stay as they are: a few properties (code, errno, syscall) are worth reading. */
const FOLD_AT_LINES = 12;

/** The text with each error's property dump folded to one line, and our header lines removed. */
export function readableLog(text: string): string {
  const lines = text
    .split('\n')
    .map(readableLine)
    .filter((line): line is string => line !== undefined);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const end = OPENS_PROPERTIES.test(line) ? closingBrace(lines, i) : -1;
    if (end - i - 1 >= FOLD_AT_LINES) {
      out.push(`${line.slice(0, -2)} { … ${end - i - 1} lines of the error object's properties … }`);
      i = end;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** The index of the "}" that closes the dump opened at line `open` (same indentation as the error), or -1. */
function closingBrace(lines: readonly string[], open: number): number {
  // An uncaught error starts at column 0 and its dump closes with "}" at column 0; a nested one
  // (an error inside a console.error object) closes at the indentation of its first line.
  const indent = /^\s*/.exec(lines[errorStart(lines, open)])![0];
  for (let j = open + 1; j < lines.length; j++) {
    if (lines[j] === `${indent}}`) return j;
    if (/^Node\.js v\d/.test(lines[j])) return -1; // the process ended before the dump closed: leave it
  }
  return -1;
}

/** A line of an error's stack: a frame, Node's "... N lines matching cause stack trace ...", a "Caused by:" header. */
const STACK_LINE = /^\s+at |^\s+\.\.\. \d+ lines? matching|^Caused by: /;

/** The first line of the error whose stack ends at `line`: walk up over its stack (and its causes' stacks). */
function errorStart(lines: readonly string[], line: number): number {
  let k = line;
  while (k > 0 && STACK_LINE.test(lines[k])) k--;
  return k;
}

/** The last `n` lines of the readable log. */
export function readableTail(text: string, n: number): string {
  return readableLog(text).split('\n').slice(-n - 1).join('\n').trimEnd();
}

/**
 * What a test function threw, for a reader: a one-paragraph detail (name, message, its first cause) and
 * the full text (the stack, then each cause's and each aggregated error's, as Node would print them).
 */
import { inspect } from 'node:util';
import { bounded } from './bounded-text.js';

/** Lines of a message kept in the detail; the full message stays in the error text. */
const MAX_MESSAGE_LINES = 6;
/** Causes followed: a cycle (a cause that is its own ancestor) must end somewhere. */
const MAX_CAUSE_DEPTH = 5;

export interface DescribedError {
  /** `AssertionError: expected 503 under a fault, got 500`, `TypeError: fetch failed (cause: Error: connect ECONNREFUSED …)`. */
  detail: string;
  /** The stack with its causes, bounded. */
  text: string;
}

function isError(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string');
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 2, breakLength: Infinity });
}

function headline(err: Error): string {
  const lines = String(err.message).split('\n').filter((l) => l.trim() !== '');
  if (lines.length > MAX_MESSAGE_LINES) lines.splice(MAX_MESSAGE_LINES - 1, Infinity, '…');
  return `${err.name}: ${lines.join('\n')}`.trimEnd();
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n    ');
}

function fullText(err: unknown, depth: number): string {
  if (!isError(err)) return valueText(err);
  let text = err.stack ?? headline(err);
  if (depth >= MAX_CAUSE_DEPTH) return text;
  if (err instanceof AggregateError) err.errors.forEach((e, i) => (text += `\n  [errors][${i}]: ${indent(fullText(e, depth + 1))}`));
  if (err.cause !== undefined) text += `\n  [cause]: ${indent(fullText(err.cause, depth + 1))}`;
  return text;
}

export function describeError(err: unknown): DescribedError {
  if (!isError(err)) return { detail: `threw ${valueText(err)}`, text: bounded(valueText(err)) };
  const cause = err.cause === undefined ? '' : ` (cause: ${isError(err.cause) ? `${err.cause.name}: ${err.cause.message.split('\n')[0]}` : valueText(err.cause)})`;
  const [first, ...rest] = headline(err).split('\n');
  return { detail: [first + cause, ...rest].join('\n'), text: bounded(fullText(err, 0)) };
}

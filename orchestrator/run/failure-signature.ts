/**
 * The signature of a failing execution, for grouping failures that triage did not reduce to a minimal
 * fault set (it ran out of time, or was interrupted). Without it, every unreduced fault set is its own
 * "distinct failure", and a run that found one bug through 600 fault sets reads as 600 failures.
 *
 * Two failing executions have the same signature when they share:
 * - the entry point: the request of the test's that went wrong, templated (`GET /orders/:id on gateway`),
 *   taken from the responses entry services reported (the first answered with an error status, else the
 *   last one); "the test" when none was reported (the test failed before any, or the entry service runs
 *   no instrumentation);
 * - the verdict (fail, crash, hang);
 * - the error: the first line of the detail (with the next one when the first only announces it), with
 *   what changes from run to run made placeholders (ids,
 *   numbers, addresses and ports; HTTP status codes are kept: a 500 and a 503 are different errors);
 * - the faulted edges, caller → callee, as a set: not which fault was injected on them, nor which call of
 *   the edge (a connection refused and a 503 on the same edge that end in the same error are one failure).
 */
import type { EntryResponse } from '../results/call-tree.js';
import type { FailureSignature, FaultEntry, Verdict } from '../results/run-results.js';

export interface SignatureInput {
  verdict: Verdict;
  detail?: string;
  entry?: readonly EntryResponse[];
  faults: readonly FaultEntry[];
}

/** Longest error text kept in a signature (a first line can be a whole JSON document). */
const MAX_ERROR = 200;

export function failureSignature(input: SignatureInput): FailureSignature {
  return {
    entry: entryPoint(input.entry ?? []),
    verdict: input.verdict,
    error: normaliseError(errorLine(input.detail ?? '')),
    edges: faultedEdges(input.faults),
  };
}

/**
 * The detail's first line; when it only announces what follows ("Expected values to be strictly equal:",
 * as node:assert writes it), with the next line that says it ("503 !== 200").
 */
export function errorLine(detail: string): string {
  const lines = detail.split('\n');
  const first = lines[0] ?? '';
  if (!first.trimEnd().endsWith(':')) return first;
  const next = lines.slice(1).find((l) => l.trim() !== '');
  return next === undefined || /^\s+at /.test(next) ? first : `${first.trimEnd()} ${next.trim()}`;
}

/** Equal for equal signatures, and only for them. */
export function signatureKey(s: FailureSignature): string {
  return JSON.stringify([s.entry, s.verdict, s.error, s.edges]);
}

/** "crash at POST /orders on gateway: TypeError: ... (faults on gateway → orders, orders → inventory)". */
export function signatureInWords(s: FailureSignature): string {
  const edges = s.edges.length ? `faults on ${s.edges.join(', ')}` : 'no fault injected';
  return `${s.verdict} at ${s.entry}: ${s.error || 'no message'} (${edges})`;
}

/** The entry request that went wrong, templated; "the test" when no entry response was reported. */
export function entryPoint(entries: readonly EntryResponse[]): string {
  if (entries.length === 0) return 'the test';
  const chosen = entries.find((e) => e.status >= 400) ?? entries[entries.length - 1];
  // The entry service sends the path as its identity rules template it; files from before it did not.
  return `${chosen.method} ${chosen.template ?? templatePath(chosen.path)} on ${chosen.service}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path segment is a value rather than a name: a number, a UUID, or a token with digits in it. */
function idShaped(segment: string): boolean {
  if (/^\d+$/.test(segment) || UUID.test(segment)) return true;
  // "8f3a9c2d", "usr_8f3a9c2d", "order-1042", base64-like tokens: letters and digits mixed.
  return /\d/.test(segment) && /^[A-Za-z0-9_.~=-]+$/.test(segment) && (segment.length >= 8 || /^[A-Za-z]+[-_]\d+$/.test(segment));
}

/** "/orders/1042/items" → "/orders/:id/items". */
export function templatePath(path: string): string {
  return path
    .split('/')
    .map((segment) => (idShaped(segment) ? ':id' : segment))
    .join('/');
}

/**
 * The first line of a detail with what changes between runs made placeholders, so that the same error
 * from two executions reads the same: addresses and ports, UUIDs, tokens mixing letters and digits,
 * numbers. A standalone three-digit number from 100 to 599 stays: it is an HTTP status.
 */
export function normaliseError(line: string): string {
  // eslint-disable-next-line no-control-regex
  const text = line.replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/(\[[0-9a-f]*:[0-9a-f:]*\]|\b\d{1,3}(?:\.\d{1,3}){3}\b|\blocalhost\b)(:\d+)?/gi, (_m, _host, port) => (port ? '<host>:<port>' : '<host>'))
    .replace(/(?<![A-Za-z0-9])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,}(?![A-Za-z0-9])/g, '<id>')
    .replace(/(?<![\d.])\d+(?:\.\d+)*(?![\d.])/g, (n, offset: number, all: string) => (isStatus(n, all.slice(offset + n.length)) ? n : '<n>'))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR)}…` : text;
}

/** A number that reads as an HTTP status: three digits from 100 to 599, not a duration or a size. */
function isStatus(n: string, after: string): boolean {
  return /^[1-5]\d\d$/.test(n) && !/^\s*(ms|s|sec|seconds?|bytes?|[kKmM]?B)\b/.test(after);
}

/** The faulted edges, "caller → callee", sorted and without repeats. */
export function faultedEdges(faults: readonly FaultEntry[]): string[] {
  const edges = new Set<string>();
  for (const f of faults) {
    if (f.edge) edges.add(`${f.edge.caller} → ${f.edge.callee ?? 'an unnamed host'}`);
    else edges.add(f.description.replace(/^.*? on /, '').replace(/ \(.*\)$/, ''));
  }
  return [...edges].sort();
}

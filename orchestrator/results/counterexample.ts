/**
 * Counterexample files, in the original's format (`functional_test` plus `TestExecution`, a JSON string
 * holding `_failures`, `_log`, `failures`, `log` and `response_log`) with our fields beside them under
 * `filibuster`. Replaying one runs exactly its fault set.
 */
import { readFileSync } from 'node:fs';
import type { Call, Failure } from '../search/model.js';

export interface TestSpec {
  /** 'function': a function run in the exploring process (`filibusterTest`); not replayable from the CLI. */
  kind: 'command' | 'module' | 'function';
  /** The command line, `path#export` of the test module, or the test's name. */
  value: string;
}

export interface CounterexampleFile {
  functional_test: string;
  TestExecution: string;
  filibuster?: {
    version: 1;
    test: TestSpec;
    services_config?: string;
    execution: number;
    verdict: string;
    detail?: string;
    faults: string[];
  };
}

export interface LoadedCounterexample {
  failures: Failure[];
  responseLog: { execution_index: string; source_service_name?: string; target_service_name?: string; method: string }[];
  test?: TestSpec;
  servicesConfig?: string;
  functionalTest: string;
}

export class CounterexampleError extends Error {}

const LOG_FIELDS = (c: Call) => ({
  generated_id: c.position,
  args: c.args,
  kwargs: c.kwargs,
  module: c.module,
  method: c.method,
  callsite_line: c.callsiteLine,
  callsite_file: c.callsiteFile,
  metadata: c.metadata,
  source_service_name: c.source,
  full_traceback: c.fullTraceback,
  vclock: c.vclock,
  origin_vclock: c.originVclock,
  execution_index: c.ei,
});

/** Python's json.dumps(sort_keys=True, indent=4) for plain data. */
function pythonJson(value: unknown, indent = ''): string {
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${pythonJson((value as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value ?? null);
}

export function buildCounterexample(
  calls: readonly Call[],
  failures: readonly Failure[],
  ours: NonNullable<CounterexampleFile['filibuster']>,
): CounterexampleFile {
  const log = calls.map(LOG_FIELDS);
  const responseLog = calls.map((c) => ({
    ...LOG_FIELDS(c),
    target_service_name: c.target ?? 'external',
    return_value: c.returnValue ?? null,
    exception: c.exception ?? null,
    fault_injection: c.failure !== undefined,
    ...(c.failure ? { failure_metadata: c.failure.failure_metadata ?? null, forced_exception: c.failure.forced_exception ?? null } : {}),
  }));
  const rawLog = calls.map((c) => ({
    ...LOG_FIELDS(c),
    instrumentation_type: 'invocation_complete',
    target_service_name: c.target ?? null,
    return_value: c.returnValue ?? null,
    exception: c.exception ?? null,
  }));
  const te = { _failures: failures, _log: rawLog, failures, log, response_log: responseLog };
  return {
    functional_test: ours.test.value,
    TestExecution: pythonJson(te),
    filibuster: ours,
  };
}

export function readCounterexample(path: string): LoadedCounterexample {
  let file: CounterexampleFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as CounterexampleFile;
  } catch (err) {
    throw new CounterexampleError(`${path}: cannot read the counterexample (${(err as Error).message})`);
  }
  if (!file || typeof file !== 'object' || typeof file.TestExecution !== 'string') {
    throw new CounterexampleError(`${path}: not a counterexample file (no "TestExecution" string)`);
  }
  let te: { failures?: unknown; response_log?: unknown };
  try {
    te = JSON.parse(file.TestExecution);
  } catch (err) {
    throw new CounterexampleError(`${path}: "TestExecution" is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(te.failures) || te.failures.length === 0) {
    throw new CounterexampleError(`${path}: "TestExecution.failures" must be a non-empty list`);
  }
  te.failures.forEach((f, i) => {
    const ok = f && typeof f === 'object' && typeof (f as Failure).execution_index === 'string' && ((f as Failure).forced_exception || (f as Failure).failure_metadata);
    if (!ok) throw new CounterexampleError(`${path}: TestExecution.failures[${i}] needs an execution_index and a forced_exception or failure_metadata`);
  });
  return {
    failures: te.failures as Failure[],
    responseLog: Array.isArray(te.response_log) ? (te.response_log as LoadedCounterexample['responseLog']) : [],
    test: file.filibuster?.test,
    servicesConfig: file.filibuster?.services_config,
    functionalTest: file.functional_test,
  };
}

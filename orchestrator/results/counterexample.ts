/**
 * Counterexample files, in the original's format (`functional_test` plus `TestExecution`, a JSON string
 * holding `_failures`, `_log`, `failures`, `log` and `response_log`) with our fields beside them under
 * `filibuster`. Replaying one runs exactly its fault set.
 *
 * A counterexample stands alone: `filibuster --counterexample-file F` needs nothing else. Under
 * `filibuster` it records what a replay needs, paths relative to the counterexample's own folder (so the
 * file keeps working when the project is moved or checked out elsewhere with it) and, in `absolute`, as
 * they were (so a copy of the file alone, attached to a bug report, still finds the project):
 *   - `test`: the command (and `test_cwd`, the folder it ran in), or the test module (`path#export`);
 *   - `services_config` and `services_config_sha256` (a replay warns when the file has changed since);
 *   - `service_env`: the environment added to every service (`--service-env`, bug switches);
 *   - `catalogue`: the catalogue entries of its faults, in the original's analysis-file format;
 *   - `options`: what changes a call's identity or the run's outcome (`ei_compat`, the orchestrator's
 *     `port` and `host` when they were given, the per-execution `timeout_ms` when it was given), and the
 *     network `conditions` the run had switched on (`--conditions`), which a replay switches on too;
 *   - `output`, `entry`, `logs`, `logs_note`: what the failing run printed, was answered and logged
 *     (readable-failure.ts), for a reader of a bug report; a replay does not need them.
 * Files written before these fields existed (absolute paths, no environment) are still read.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { NETWORK_FAULTS, ORIGINAL_RULES, type IdentityRules } from '../../instrumentation/protocol.js';
import { recordedIdentity, recordIdentity, type RecordedIdentity } from './identity-record.js';
import type { ReadableFailure } from './readable-failure.js';
import type { Call, Failure } from '../search/model.js';

export interface TestSpec {
  /** 'function': a function run in the exploring process (`filibusterTest`); not replayable from the CLI. */
  kind: 'command' | 'module' | 'function';
  /** The command line, `path#export` of the test module, or the test's name. */
  value: string;
  /** The folder a command test runs in (absent: the current one). */
  cwd?: string;
}

/** Options recorded with a counterexample because a replay must use the same. */
export interface ReplayOptions {
  ei_compat: boolean;
  port?: number;
  host?: string;
  timeout_ms?: number;
  /** The run's `--conditions` (their short names), when it had any. */
  conditions?: string[];
}

export interface CounterexampleFile {
  functional_test: string;
  TestExecution: string;
  filibuster?: ReadableFailure & {
    version: 1;
    test: TestSpec;
    /** Command tests: the folder the command ran in, relative to the counterexample's folder. */
    test_cwd?: string;
    /** The same paths, absolute: used where the relative ones find nothing (the file was copied alone). */
    absolute?: { test?: string; test_cwd?: string; services_config?: string };
    services_config?: string;
    services_config_sha256?: string;
    service_env?: Record<string, string>;
    catalogue?: Record<string, unknown>;
    options?: ReplayOptions;
    /** The call identity it was recorded with (absent: the original's, as in files of the Python tool). */
    identity?: RecordedIdentity;
    execution: number;
    verdict: string;
    detail?: string;
    faults: string[];
  };
}

/** What the exploration knows when it writes a counterexample (paths absolute or relative to the current folder). */
export interface CounterexampleContext {
  test: TestSpec;
  servicesConfig?: string;
  serviceEnv?: Record<string, string>;
  options: ReplayOptions;
  /** The run's identity rules (set once the calibration has run). */
  identity: IdentityRules;
}

export interface LoadedCounterexample {
  /** The file it was read from. */
  file: string;
  failures: Failure[];
  /** The faults in words, in the order of `failures` (absent in files of other tools). */
  faultDescriptions: string[];
  responseLog: { execution_index: string; source_service_name?: string; target_service_name?: string; method: string; args?: unknown[] }[];
  /** Paths resolved against the counterexample's folder. */
  test?: TestSpec;
  servicesConfig?: string;
  servicesConfigSha256?: string;
  serviceEnv?: Record<string, string>;
  catalogue?: Record<string, unknown>;
  options?: ReplayOptions;
  /** The identity rules to replay it with: the recorded ones, or the original's for files without. */
  identity: IdentityRules;
  functionalTest: string;
}

export class CounterexampleError extends Error {}

function identityOf(value: unknown, path: string): IdentityRules {
  try {
    return recordedIdentity(value, path);
  } catch (err) {
    throw new CounterexampleError((err as Error).message);
  }
}

export function sha256OfFile(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** A path as the counterexample records it: relative to its folder, with forward slashes. */
function relativeTo(folder: string, path: string): string {
  return relative(folder, resolve(path)).split(sep).join('/') || '.';
}

/** The file of a `path#export`. */
function modulePart(value: string): string {
  const hash = value.lastIndexOf('#');
  return hash > 0 ? value.slice(0, hash) : value;
}

/** `path#export` of a test module, its path made relative (or absolute) by `map`. */
function mapModulePath(value: string, map: (path: string) => string): string {
  const hash = value.lastIndexOf('#');
  const path = hash > 0 ? value.slice(0, hash) : value;
  return map(path) + (hash > 0 ? value.slice(hash) : '');
}

/**
 * The catalogue entries of these faults, in the original's format: one entry per fault, matching exactly
 * its call's `module.method` (and, for an error fault, its callee). A latency is recorded as the delay it
 * resolved to for this call.
 */
export function catalogueOfFaults(failures: readonly Failure[], calls: readonly Call[]): Record<string, unknown> {
  const byEi = new Map(calls.map((c) => [c.ei, c]));
  const entries: Record<string, unknown> = {};
  const exact = (text: string) => `${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  failures.forEach((f, i) => {
    const call = byEi.get(f.execution_index);
    if (!call) return;
    const pattern = exact(`${call.module}.${call.method}`);
    if (f.forced_exception) {
      const { name, metadata = {} } = f.forced_exception;
      const md = name === NETWORK_FAULTS.latency && typeof metadata.delay_ms === 'number' ? { delay_ms: metadata.delay_ms } : metadata;
      entries[`fault-${i + 1}`] = { pattern, exceptions: [{ name, ...(Object.keys(md).length ? { metadata: md } : {}) }] };
    } else if (f.failure_metadata && call.target) {
      entries[`fault-${i + 1}`] = { pattern, errors: [{ service_name: exact(call.target), types: [f.failure_metadata] }] };
    }
  });
  return entries;
}

/** Our section of a counterexample file, written `folder` (the counterexamples folder). */
export function replaySection(context: CounterexampleContext, folder: string): Omit<NonNullable<CounterexampleFile['filibuster']>, 'version' | 'execution' | 'verdict' | 'detail' | 'faults'> {
  const { test, servicesConfig, serviceEnv, options, identity } = context;
  const recordedTest: TestSpec = test.kind === 'module' ? { kind: 'module', value: mapModulePath(test.value, (p) => relativeTo(folder, p)) } : { kind: test.kind, value: test.value };
  const cwd = resolve(test.cwd ?? process.cwd());
  return {
    test: recordedTest,
    ...(test.kind === 'command' ? { test_cwd: relativeTo(folder, cwd) } : {}),
    absolute: {
      ...(test.kind === 'module' ? { test: mapModulePath(test.value, (p) => resolve(p)) } : {}),
      ...(test.kind === 'command' ? { test_cwd: cwd } : {}),
      ...(servicesConfig ? { services_config: resolve(servicesConfig) } : {}),
    },
    ...(servicesConfig ? { services_config: relativeTo(folder, servicesConfig), services_config_sha256: sha256OfFile(servicesConfig) } : {}),
    ...(serviceEnv && Object.keys(serviceEnv).length > 0 ? { service_env: serviceEnv } : {}),
    options,
    identity: recordIdentity(identity),
  };
}

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

/**
 * The Python tool's file records only the command, which it ran with `os.system` in the folder the tool
 * was started from: so does a replay of it (the current folder), as the Python tool's own replay does.
 */
function pythonToolTest(command: unknown): TestSpec | undefined {
  return typeof command === 'string' && command.trim() !== '' ? { kind: 'command', value: command } : undefined;
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
  const ours = file.filibuster;
  const folder = dirname(resolve(path));
  // Relative to the counterexample's folder, unless that finds nothing and the absolute path does.
  const abs = ours?.absolute ?? {};
  const near = (p: string) => (isAbsolute(p) ? p : resolve(folder, p));
  const pick = (relative: string, absolute: string | undefined) => (absolute && !existsSync(modulePart(relative)) && existsSync(modulePart(absolute)) ? absolute : relative);
  const local = (p: string, absolute?: string) => pick(near(p), absolute);
  const test: TestSpec | undefined = ours?.test
    ? ours.test.kind === 'module'
      ? { kind: 'module', value: pick(mapModulePath(ours.test.value, near), abs.test) }
      : { ...ours.test, ...(ours.test_cwd !== undefined ? { cwd: local(ours.test_cwd, abs.test_cwd) } : {}) }
    : pythonToolTest(file.functional_test);
  return {
    file: path,
    failures: te.failures as Failure[],
    faultDescriptions: Array.isArray(ours?.faults) ? ours.faults.map(String) : [],
    responseLog: Array.isArray(te.response_log) ? (te.response_log as LoadedCounterexample['responseLog']) : [],
    test,
    servicesConfig: ours?.services_config ? local(ours.services_config, abs.services_config) : undefined,
    servicesConfigSha256: ours?.services_config_sha256,
    serviceEnv: ours?.service_env,
    catalogue: ours?.catalogue,
    options: ours?.options,
    identity: ours?.identity === undefined ? ORIGINAL_RULES : identityOf(ours.identity, path),
    functionalTest: file.functional_test,
  };
}

/**
 * `filibuster loadgen (--counterexample-file F | --execution N) --concurrency C --requests M`: replay one
 * fault set under concurrent load (loadgen.ts) and print the latency percentiles and the failure rate.
 * With --execution, the fault set, the test and the services come from that execution of an earlier run
 * (its results.json, in --output-dir or --results).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCounterexample, type TestSpec } from '../results/counterexample.js';
import { generateLoad, type LoadReport } from '../run/loadgen.js';
import type { Failure } from '../search/model.js';
import type { RunResults } from '../results/run-results.js';
import { UsageError } from './run-command.js';

export interface LoadArgs {
  counterexampleFile?: string;
  execution?: number;
  results?: string;
  functionalTest?: string;
  testModule?: string;
  services?: string;
  concurrency: number;
  requests: number;
  maxRequestLatencyForFailure?: number;
  timeout: number;
  outputDir: string;
  serviceEnv?: Record<string, string>;
}

function fromResults(path: string, number: number): { failures: Failure[]; test: TestSpec; services?: string } {
  let results: RunResults;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as RunResults;
  } catch (err) {
    throw new UsageError(`${path}: cannot read the results of an earlier run (${(err as Error).message})`);
  }
  const e = results.executions?.find((x) => x.number === number);
  if (!e) throw new UsageError(`${path}: no execution ${number} (it has ${results.executions?.length ?? 0})`);
  const failures = e.faults.map((f) => ({ execution_index: f.execution_index, forced_exception: f.forced_exception, failure_metadata: f.failure_metadata, args: [] }));
  return { failures, test: results.test, services: (results.options.services_config as string | null) ?? undefined };
}

export async function runLoad(args: LoadArgs): Promise<LoadReport> {
  if ((args.counterexampleFile === undefined) === (args.execution === undefined)) {
    throw new UsageError('give --counterexample-file F or --execution N (the fault set to replay under load)');
  }
  if (!(args.concurrency >= 1 && args.requests >= 1)) throw new UsageError('--concurrency and --requests must be at least 1');
  let failures: Failure[];
  let test: TestSpec | undefined;
  let services = args.services;
  let serviceEnv = args.serviceEnv;
  if (args.counterexampleFile) {
    const ce = readCounterexample(args.counterexampleFile);
    failures = ce.failures;
    test = ce.test;
    services ??= ce.servicesConfig;
    serviceEnv ??= ce.serviceEnv;
  } else {
    const earlier = fromResults(args.results ?? join(args.outputDir, 'results.json'), args.execution!);
    failures = earlier.failures;
    test = earlier.test;
    services ??= earlier.services;
  }
  if (args.functionalTest) test = { kind: 'command', value: args.functionalTest };
  if (args.testModule) test = { kind: 'module', value: args.testModule };
  if (!test) throw new UsageError('no functional test: give --functional-test CMD or --test-module path[#export]');
  return generateLoad({
    test,
    servicesConfig: services,
    failures,
    concurrency: args.concurrency,
    requests: args.requests,
    maxLatencyMs: args.maxRequestLatencyForFailure !== undefined ? args.maxRequestLatencyForFailure * 1000 : undefined,
    timeoutMs: args.timeout * 1000,
    outputDir: join(args.outputDir, 'loadgen'),
    serviceEnv,
  });
}

export function loadTable(r: LoadReport): string {
  const ms = (v: number) => v.toFixed(1);
  const rows = [
    ['issued', 'completed', 'passed', 'failed', 'failure rate', 'p0 ms', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [r.issued, r.completed, r.passed, r.failed, `${(r.failureRate * 100).toFixed(1)} %`, ms(r.latencyMs.p0), ms(r.latencyMs.p50), ms(r.latencyMs.p90), ms(r.latencyMs.p95), ms(r.latencyMs.p99), ms(r.latencyMs.max)].map(String),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const text = rows.map((row) => row.map((c, i) => String(c).padStart(widths[i])).join('  ')).join('\n');
  return r.failures.length ? `${text}\nfirst failures:\n${r.failures.map((f) => `  ${f.split('\n')[0]}`).join('\n')}` : text;
}

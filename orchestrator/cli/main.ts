#!/usr/bin/env node
/**
 * The `filibuster` command.
 *
 *   filibuster [run] --functional-test CMD | --test-module path[#export] [--services services.json] ...
 *   filibuster analyze ...     (static analysis; see `filibuster analyze --help`)
 *   filibuster coverage ...    (coverage report; see `filibuster coverage --help`)
 *   filibuster merge DIR...    (the shards of one run, `run --shard i/n`, as one run's results)
 *   filibuster init [dir]      (a services file and a test skeleton from the project)
 */
import { runCoverage } from './coverage-command.js';
import yargs, { type ArgumentsCamelCase, type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runAnalyze } from './analyze-command.js';
import { INIT_DEFAULTS, runInit } from './init-command.js';
import { runMerge } from './merge-command.js';
import { parseShard } from '../search/shard.js';
import { corpusTable, runCorpus, writeCorpusJson, type CorpusCatalogue } from './corpus-command.js';
import { loadTable, runLoad } from './loadgen-command.js';
import type { FaultFilterSpec, FilterRule } from '../search/filters.js';
import { classifyError, EXIT, runExploration, UsageError, type RunArgs } from './run-command.js';
import { parseTraces } from '../../instrumentation/traces-spec.js';
import { CONDITION_NAMES } from '../catalogue/conditions.js';
import { DEFAULT_TIME_BUDGET_MS } from '../run/exploration-options.js';
import { formatDuration, SEARCH_SHARE } from '../search/budget.js';
import { VERSION } from './version.js';
import { groupRunOptions, withExamples } from './run-help.js';

const DEFAULT_BUDGET = formatDuration(DEFAULT_TIME_BUDGET_MS);

function usage(message: string): never {
  throw new UsageError(message);
}

/** --traces is checked before anything starts: a usage error, not a service that fails at start. */
function checkTraces(text: string): string {
  try {
    parseTraces(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return text;
}

function parseEnvPairs(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--service-env expects KEY=VALUE, got ${JSON.stringify(p)}`);
    env[p.slice(0, i)] = p.slice(i + 1);
  }
  return env;
}

/** The --include-* / --exclude-* flags as a filter spec (filters.ts). */
function filtersFrom(a: Record<string, unknown>): FaultFilterSpec | undefined {
  const rule = (side: 'include' | 'exclude'): FilterRule => ({
    services: a[`${side}Service`] as string[] | undefined,
    edges: a[`${side}Edge`] as string[] | undefined,
    methods: a[`${side}Method`] as string[] | undefined,
    paths: a[`${side}Path`] as string[] | undefined,
    faults: a[`${side}Fault`] as string[] | undefined,
  });
  const used = (r: FilterRule) => Object.values(r).some((v) => v !== undefined);
  const include = rule('include');
  const exclude = rule('exclude');
  if (!used(include) && !used(exclude)) return undefined;
  return { ...(used(include) ? { include } : {}), ...(used(exclude) ? { exclude } : {}) };
}

/** What to run, where the faults come from, and how the search goes: the run command's first options. */
function runTestOptions(y: Argv) {
  return y
    .option('functional-test', { type: 'string', describe: 'shell command that runs the functional test once (exit 0 = pass)' })
    .option('test-module', { type: 'string', describe: 'JS module whose exported async function (ctx) is the test; imported once, called per execution' })
    .option('services', { type: 'string', describe: 'services configuration (JSON): how to start and health-check each service' })
    .option('analysis-file', { type: 'string', describe: "fault catalogue (the original's analysis-file format, or the extended one `analyze` writes); default: derived from the services' source" })
    .option('analysis', { type: 'boolean', default: true, describe: "derive the fault catalogue from the services' source (the statuses each callee and route can answer); --no-analysis: the built-in catalogue (always with --profile python)" })
    .option('conditions', {
      type: 'string',
      describe: `network conditions on top of the catalogue: "all" or a comma-separated list of ${CONDITION_NAMES.join(', ')} (blackhole: calls without a visible timeout, how a missing timeout shows; latency: 100 ms past a timeout on the path; body faults: responses with a body; DNS: calls by host name)`,
    })
    .option('counterexample-file', { type: 'string', describe: 'replay exactly the fault set of this counterexample' })
    .option('only-initial-execution', { type: 'boolean', default: false, describe: 'run the fault-free execution only' })
    .option('disable-dynamic-reduction', { type: 'boolean', default: false, describe: 'run every scheduled execution (no pruning)' })
    .option('real-time-conditions', { type: 'boolean', default: false, describe: "a black hole, or a latency past a call's visible timeout, waits that timeout in real time (default: the timeout fires as soon as the callee's answer is in, or at once for a black hole)" })
    .option('strict-reduction', { type: 'boolean', default: false, describe: 'dynamic reduction also compares response bodies and content types' })
    .option('ei-compat', { type: 'boolean', default: false, describe: "the original's execution-index counters (repeated calls in downstream services share one identity)" })
    .option('max-tests', { type: 'number', describe: 'stop after N executions, the fault-free and pruned ones included (as the original NUM_TESTS); triage replays not counted' })
    .option('max-faults', { type: 'number', describe: 'schedule fault sets of at most K faults (1 = single faults only, the Java version\'s "suppress combinations"); larger ones are never generated, and counted' })
    .option('workers', { type: 'number', default: 1, describe: 'run N executions at once against the same services, committed in one-worker order: same counts and fault sets, less wall time (one at a time with --coverage, stateful services or the Python-compatible profile)' })
    .option('time-budget', {
      type: 'string',
      describe:
        `stop starting executions after this long (90s, 5m, 1h; a bare number is seconds); the one in flight finishes. Default: ${DEFAULT_BUDGET} in by-size order (the default order), none in dfs order or with --profile python. Once there are failures, the search stops at ${SEARCH_SHARE * 100}% of it and triage has the rest`,
    })
    .option('exhaustive', { type: 'boolean', default: false, describe: `no time budget: explore everything reachable (lifts the default ${DEFAULT_BUDGET} of a by-size run; not with --time-budget)` })
    .option('order', {
      choices: ['dfs', 'by-size'] as const,
      describe: "by-size (the default): every single fault, then every pair, ...; dfs (the default with --profile python or when a run switches to it): the original's depth-first order, and given explicitly its call identity too",
    })
    .option('profile', { choices: ['node', 'python'] as const, describe: "node (default): call identity by service name and templated path, calibrated before the search; python: the original's protocol, identity and search, one execution at a time (entered by itself when a message without an execution id arrives)" });
}

/** Which calls may be faulted (--include-* / --exclude-*, read back by filtersFrom). */
function runFilterOptions<T>(y: Argv<T>) {
  return y
    .option('include-service', { type: 'string', array: true, describe: 'inject faults only on calls to these services (callees; * wildcards)' })
    .option('exclude-service', { type: 'string', array: true, describe: 'never inject faults on calls to these services' })
    .option('include-edge', { type: 'string', array: true, describe: 'inject faults only on these edges, "caller->callee" (* wildcards)' })
    .option('exclude-edge', { type: 'string', array: true, describe: 'never inject faults on these edges, "caller->callee"' })
    .option('include-method', { type: 'string', array: true, describe: 'inject faults only on calls with these HTTP methods' })
    .option('exclude-method', { type: 'string', array: true, describe: 'never inject faults on calls with these HTTP methods' })
    .option('include-path', { type: 'string', array: true, describe: 'inject faults only on calls to these paths (/users/*)' })
    .option('exclude-path', { type: 'string', array: true, describe: 'never inject faults on calls to these paths' })
    .option('include-fault', { type: 'string', array: true, describe: 'inject only these fault types (node.ECONNREFUSED, node.Timeout, 503, 5*)' })
    .option('exclude-fault', { type: 'string', array: true, describe: 'never inject these fault types' });
}

/** Triage, retries, time limits, the orchestrator's address, and what the run writes. */
function runReportOptions<T>(y: Argv<T>) {
  return y
    .option('triage', { type: 'boolean', default: true, describe: 'reduce each failing execution to a minimal fault set by replaying subsets, and group failures by it (--no-triage: list every failing execution)' })
    .option('replays', { type: 'number', describe: 'replay each minimal failing fault set N more times (default 1; 0: none) and label it deterministic or flaky; with --counterexample-file, run the counterexample N more times (default 0)' })
    .option('inconclusive-retries', { type: 'number', default: 2, describe: 're-run an inconclusive execution (decision timed out, planned fault not injected, calls left open, prefix not reproduced) up to N times before reporting it inconclusive' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue the interrupted run whose journal.jsonl is in --output-dir, without re-running the executions it finished (give the same test, services and options)' })
    .option('timeout', { type: 'number', describe: 'per-execution timeout in seconds (default: 30, or 10 s above the longest caller timeout seen)' })
    .option('port', { type: 'number', describe: "orchestrator port (0 = any free port); default 5005, the original's, or for a replay the port the counterexample's run was given" })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'orchestrator address' })
    .option('token', { type: 'string', describe: 'token the orchestrator requires of its clients (X-Filibuster-Token); required beyond loopback, so generated and printed when --host is not 127.0.0.1/::1/localhost' })
    .option('shard', { type: 'string', describe: 'i/n: this CI job\'s share of the exploration (1-based); each shard reports the fault sets it owns, `filibuster merge` puts them together' })
    .option('fail-fast', { type: 'boolean', default: false, describe: 'stop at the first failing execution (the original stop point)' })
    .option('coverage', { type: 'boolean', default: false, describe: "V8 coverage of the runner-started services, per execution; prints the lines only faults reached (coverage/ in --output-dir)" })
    .option('output-dir', { type: 'string', default: '.filibuster', describe: 'where results, counterexamples and logs go' })
    .option('traces', { type: 'string', describe: 'standalone OpenTelemetry traces of the services and the test, one trace per execution (its id in results.json): console, file=PATH (JSON lines) or otlp=URL (an OTLP/http traces endpoint, e.g. http://127.0.0.1:4318/v1/traces)' })
    .option('trace-url', { type: 'string', describe: "with --traces: the report links each execution's trace at this URL, {traceId} replaced (e.g. 'http://localhost:16686/trace/{traceId}' for a Jaeger UI)" })
    .option('service-env', { type: 'string', array: true, describe: 'KEY=VALUE added to every started service (e.g. a bug switch)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'one line per execution, also on a terminal' });
}

function runOptions(y: Argv) {
  return runReportOptions(runFilterOptions(runTestOptions(groupRunOptions(y))));
}

type RunOptionValues = ReturnType<typeof runOptions> extends Argv<infer U> ? U : never;

/** The parsed flags as the exploration's arguments; the flags that need checking are checked here, before anything starts. */
function runArgsFrom(a: ArgumentsCamelCase<RunOptionValues>): RunArgs {
  return {
    functionalTest: a.functionalTest,
    testModule: a.testModule,
    services: a.services,
    analysisFile: a.analysisFile,
    analysis: a.analysis,
    conditions: a.conditions,
    counterexampleFile: a.counterexampleFile,
    onlyInitialExecution: a.onlyInitialExecution,
    disableDynamicReduction: a.disableDynamicReduction,
    strictReduction: a.strictReduction,
    realTimeConditions: a.realTimeConditions,
    eiCompat: a.eiCompat,
    maxTests: a.maxTests,
    maxFaults: a.maxFaults,
    workers: a.workers,
    timeBudget: a.timeBudget,
    exhaustive: a.exhaustive,
    order: a.order,
    profile: a.profile,
    filters: filtersFrom(a),
    triage: a.triage,
    replays: a.replays,
    inconclusiveRetries: a.inconclusiveRetries,
    resume: a.resume,
    timeout: a.timeout,
    port: a.port,
    host: a.host,
    token: a.token,
    failFast: a.failFast,
    outputDir: a.outputDir,
    verbose: a.verbose,
    serviceEnv: parseEnvPairs(a.serviceEnv as string[] | undefined),
    coverage: a.coverage,
    traces: a.traces !== undefined ? checkTraces(a.traces) : undefined,
    traceUrl: a.traceUrl !== undefined && a.traces === undefined ? usage('--trace-url links the traces of --traces: give --traces too') : a.traceUrl,
    shard: a.shard !== undefined ? parseShard(a.shard) : undefined,
  };
}

/** Each command's handler says how the process exits; usage errors are thrown, not set. */
type SetExit = (code: number) => void;

function runCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(['run', '$0'], 'explore every combination of faults the functional test can reach', runOptions, async (a) => {
    setExit((await runExploration(runArgsFrom(a))).exitCode);
  });
}

function corpusCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'corpus [apps..]',
    'explore corpus applications and compare with the published figures',
    (c) =>
      c
        .positional('apps', { type: 'string', array: true, describe: 'applications (default: all)' })
        .option('catalogue', { choices: ['static', 'status-only', 'default'] as const, default: 'static' as const, describe: 'fault catalogue' })
        .option('without-reduction', { type: 'boolean', default: true, describe: 'also explore without dynamic reduction' })
        .option('output-dir', { type: 'string', default: '.filibuster/corpus' })
        .option('json', { type: 'boolean', default: false, describe: 'write corpus-results.json in the output directory' })
        .option('workers', { type: 'number', default: 1, describe: 'executions at once (as for filibuster run)' }),
    async (a) => {
      const rows = await runCorpus(
        (a.apps as string[] | undefined) ?? [],
        a.catalogue as CorpusCatalogue,
        a.withoutReduction,
        a.outputDir,
        (row) => process.stderr.write(`${row.app} (${row.test}): ${row.ranWithReduction} ran, ${row.prunedWithReduction} pruned\n`),
        a.workers,
      );
      process.stdout.write(corpusTable(rows) + '\n');
      if (a.json) process.stdout.write(`Written: ${writeCorpusJson(a.outputDir, rows)}\n`);
      setExit(rows.some((r) => r.failing > 0) ? EXIT.failures : EXIT.ok);
    },
  );
}

function loadgenCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'loadgen',
    'replay one fault set under concurrent load: latency percentiles and failure rate',
    (c) =>
      c
        .option('counterexample-file', { type: 'string', describe: 'the fault set of this counterexample' })
        .option('execution', { type: 'number', describe: 'the fault set of execution N of an earlier run' })
        .option('results', { type: 'string', describe: 'results.json of that run (default: <output-dir>/results.json)' })
        .option('functional-test', { type: 'string' })
        .option('test-module', { type: 'string' })
        .option('services', { type: 'string' })
        .option('concurrency', { type: 'number', demandOption: true })
        .option('requests', { type: 'number', demandOption: true })
        .option('max-request-latency-for-failure', { type: 'number', describe: 'seconds: a slower run counts as failed' })
        .option('timeout', { type: 'number', default: 60, describe: 'per-run timeout in seconds' })
        .option('output-dir', { type: 'string', default: '.filibuster' })
        .option('service-env', { type: 'string', array: true }),
    async (a) => {
      const report = await runLoad({ ...a, serviceEnv: parseEnvPairs(a.serviceEnv as string[] | undefined) });
      process.stdout.write(loadTable(report) + '\n');
      setExit(report.failed > 0 ? EXIT.failures : EXIT.ok);
    },
  );
}

function analyzeCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'analyze',
    "derive the fault catalogue from the services' source (findings on the terminal, the catalogue in --output-file)",
    (c) =>
      c
        .option('services-directory', { type: 'string', describe: 'one service per subdirectory (the original layout)' })
        .option('config', { type: 'string', describe: "an application's services configuration (services.json)" })
        .option('output-file', { type: 'string', describe: 'where to write the catalogue (read by --analysis-file)' })
        .option('compat', { type: 'boolean', default: false, describe: "write the original's analysis-file format instead of the extended one" })
        .option('assume-env', { type: 'boolean', default: false, describe: "decide conditions on process.env: the environment is exactly the config's env plus --env (else both branches count)" })
        .option('env', { type: 'string', array: true, describe: 'KEY=VALUE added to every service\'s assumed environment (with --assume-env)' })
        .option('with-conditions', { type: 'boolean', default: false, describe: 'extended format: also inject the network conditions each call site suggests (latency past its timeout, black hole, truncated/corrupt body)' }),
    (a) => {
      runAnalyze({ servicesDirectory: a.servicesDirectory, config: a.config, outputFile: a.outputFile, compat: a.compat, assumeEnv: a.assumeEnv, env: a.env, withConditions: a.withConditions }, (t) => process.stdout.write(t));
      setExit(EXIT.ok);
    },
  );
}

function initCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'init [dir]',
    'write a services file and a test skeleton from the project (npm workspaces, a compose file), and say what it could not decide',
    (c) =>
      c
        .positional('dir', { type: 'string', default: '.', describe: 'the project folder' })
        .option('services', { type: 'string', default: INIT_DEFAULTS.services, describe: 'the services file to write (relative to the project folder)' })
        .option('test-module', { type: 'string', default: INIT_DEFAULTS.testModule, describe: 'the test skeleton to write (relative to the project folder)' })
        .option('force', { type: 'boolean', default: false, describe: 'overwrite those files if they exist' }),
    (a) => {
      runInit({ dir: a.dir, services: a.services, testModule: a.testModule, force: a.force }, (t) => process.stdout.write(t));
      setExit(EXIT.ok);
    },
  );
}

function mergeCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'merge <dirs..>',
    'merge the output directories of the shards of one run (run --shard i/n) into one results.json, report and junit.xml',
    (c) =>
      c
        .positional('dirs', { type: 'string', array: true, demandOption: true, describe: "every shard's --output-dir" })
        .option('output-dir', { type: 'string', default: '.filibuster', describe: 'where the merged results go' }),
    (a) => {
      setExit(runMerge(a.dirs as string[], a.outputDir, (t) => process.stdout.write(t)));
    },
  );
}

function coverageCommand(y: Argv, setExit: SetExit): Argv {
  return y.command(
    'coverage',
    'render the coverage of a run made with --coverage: fault-free vs all executions, and the lines only faults reached',
    (c) => c.option('output-dir', { type: 'string', default: '.filibuster', describe: 'the run\'s output directory' }),
    async (a) => {
      await runCoverage(a.outputDir, (t) => process.stdout.write(t));
      setExit(EXIT.ok);
    },
  );
}

/** In the order --help lists them. */
const COMMANDS = [runCommand, corpusCommand, loadgenCommand, analyzeCommand, initCommand, mergeCommand, coverageCommand];

function parser(argv: string[], setExit: SetExit): Argv {
  const top = withExamples(yargs(argv))
    .scriptName('filibuster')
    .version(VERSION)
    .usage('$0 [run] --functional-test CMD | --test-module path[#export] [options]')
    .epilogue('Each command has its own --help (filibuster init --help). Exit codes: 0 every execution passed, 1 failures found, 2 usage error, 3 infrastructure error or inconclusive, 130 interrupted.');
  return COMMANDS.reduce((y, command) => command(y, setExit), top)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help();
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await parser(argv, (code) => (exitCode = code)).parseAsync();
  } catch (err) {
    const { message, exitCode: code } = classifyError(err);
    process.stderr.write(`filibuster: ${message}\n`);
    return code;
  }
  return exitCode;
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});

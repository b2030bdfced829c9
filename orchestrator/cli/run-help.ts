/**
 * How `filibuster --help` presents the run command: its options in five groups, in the order a user
 * needs them, and examples. Every option of the run command belongs to exactly one group
 * (`test/cli-help.test.ts` fails on one without, so a new option has to be placed).
 */
import type { Argv } from 'yargs';

export const RUN_OPTION_GROUPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['What to run:', ['functional-test', 'test-module', 'services', 'service-env', 'counterexample-file', 'only-initial-execution', 'port', 'host', 'token']],
  [
    'Faults and conditions:',
    ['analysis', 'analysis-file', 'conditions', 'real-time-conditions', ...['service', 'edge', 'method', 'path', 'fault'].flatMap((f) => [`include-${f}`, `exclude-${f}`])],
  ],
  [
    'Search and budget:',
    ['order', 'profile', 'time-budget', 'exhaustive', 'max-tests', 'max-faults', 'workers', 'shard', 'disable-dynamic-reduction', 'strict-reduction', 'ei-compat', 'fail-fast'],
  ],
  ['Output:', ['output-dir', 'verbose', 'coverage', 'traces', 'trace-url']],
  ['Reliability:', ['triage', 'replays', 'inconclusive-retries', 'timeout', 'resume']],
];

const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['$0 init', 'write a services file and a test skeleton from this project (npm workspaces, a compose file)'],
  ['$0 --test-module test.mjs --services services.json', 'explore: single faults first, then pairs, ..., within the default time budget'],
  ['$0 ... --conditions all --max-faults 1', 'every single fault and network condition (black holes, latency, body faults, DNS)'],
  ['$0 --counterexample-file F', 'replay the failure of counterexample F exactly (the summary prints this command)'],
  ['$0 ... --shard 1/3 --output-dir s1', 'one of three CI jobs; then `filibuster merge s1 s2 s3` puts their results together'],
];

/** The run command's options in their groups. */
export function groupRunOptions<T>(y: Argv<T>): Argv<T> {
  return RUN_OPTION_GROUPS.reduce((acc, [name, keys]) => acc.group([...keys], name), y);
}

/** The examples, on the top-level help. */
export function withExamples<T>(y: Argv<T>): Argv<T> {
  return EXAMPLES.reduce((acc, [command, description]) => acc.example(command, description), y);
}

/**
 * `npm run demo` (and `npm run demo:fixed`): explores the tutorial application foo → bar → baz and
 * tells a newcomer what happened. Extra flags after `--` go to the exploration (e.g. --output-dir).
 *
 * Exits 0 when the tutorial behaves as expected: the buggy variant's bug is found (execution 8 with
 * the catalogue derived from the tutorial's source: connection refused on foo → bar) and its counterexample, replayed, fails the same way; the fixed
 * variant passes everywhere.
 */
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { classifyError, replayCommand, runExploration, type RunArgs } from './run-command.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const rel = (p: string) => relative(process.cwd(), p) || '.';

const say = (s = '') => process.stdout.write(s + '\n');

type Outcome = Awaited<ReturnType<typeof runExploration>>['outcome'];

/** The tutorial's run: its test and services, the fixed variant by a switch in the services' environment. */
async function demoArgs(): Promise<{ fixed: boolean; args: RunArgs }> {
  const argv = await yargs(hideBin(process.argv))
    .option('fixed', { type: 'boolean', default: false })
    .option('output-dir', { type: 'string' })
    .option('port', { type: 'number', default: 0 })
    .option('verbose', { type: 'boolean', default: true })
    .strict()
    .parseAsync();
  const fixed = argv.fixed;
  const args: RunArgs = {
    testModule: join(ROOT, 'dist/functional-tests/foo-bar-baz.js'),
    services: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    onlyInitialExecution: false,
    disableDynamicReduction: false,
    strictReduction: false,
    eiCompat: false,
    port: argv.port,
    host: '127.0.0.1',
    failFast: false,
    // The execution numbers the demo quotes are those of the original's depth-first order.
    order: 'dfs',
    outputDir: argv.outputDir ?? join('.filibuster', fixed ? 'demo-fixed' : 'demo'),
    verbose: argv.verbose,
    serviceEnv: fixed ? { TUTORIAL_FIXED: '1' } : undefined,
  };
  return { fixed, args };
}

function fixedVerdict({ results, failing }: Outcome): number {
  const ok = failing.length === 0 && results.complete;
  say(ok
    ? `The fixed foo survives every fault: ${results.counts.ran} executions ran, ${results.counts.pruned} pruned (dynamic reduction proved it could not show anything new).`
    : 'Unexpected: the fixed tutorial failed; see the summary above.');
  return ok ? 0 : 1;
}

/** The buggy variant: the bug must be found, and its counterexample, replayed, must fail the same way. */
async function buggyVerdict({ failing }: Outcome, args: RunArgs): Promise<number> {
  const bug = failing.find((f) => f.result.faults.length === 1 && f.result.faults[0].description.startsWith('node.ECONNREFUSED on foo → bar'));
  if (!bug) {
    say('Unexpected: the tutorial bug (a connection error on foo → bar) was not found; see the summary above.');
    return 1;
  }
  const counterexample = join(args.outputDir, bug.result.counterexample!);
  say(`Found the bug at execution ${bug.result.number}: ${bug.result.faults[0].description}.`);
  say(`foo answered 500 instead of 503: the connection error escaped its handler.`);
  say(`The counterexample is ${rel(counterexample)}. Replaying exactly that fault set:\n`);
  // The counterexample alone says how to replay it: no test, services or catalogue flags.
  const replay = await runExploration({ ...args, testModule: undefined, services: undefined, counterexampleFile: counterexample, outputDir: join(args.outputDir, 'replay') });
  const replayed = replay.outcome.results.executions[0];
  const reproduced = replayed?.verdict === 'fail' && replay.outcome.allFaultsHit === true;
  say('');
  say(reproduced ? `Replayed: the same failure (${replayed.detail?.split('\n')[0]}).` : 'Unexpected: the replay did not reproduce the failure; see above.');
  say('Replay it yourself with:');
  say(`  ${replayCommand(counterexample)}`);
  say('Explore the fixed variant with:');
  say('  npm run demo:fixed');
  return reproduced ? 0 : 1;
}

async function main(): Promise<number> {
  const { fixed, args } = await demoArgs();
  say(`Tutorial: foo → bar → baz, each call with a 10 s timeout. bar maps any failure of baz to 503;`);
  say(fixed ? 'foo (fixed) maps every failure of bar to 503.' : 'foo maps a timeout or a non-200 from bar to 503, but not a connection error.');
  say('The functional test expects 200 without faults and 503 with any fault. Exploring every combination:\n');
  const { outcome } = await runExploration(args);
  say('');
  return fixed ? fixedVerdict(outcome) : buggyVerdict(outcome, args);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const { message, exitCode } = classifyError(err);
    process.stderr.write(`demo: ${message}\n`);
    process.exitCode = exitCode;
  },
);

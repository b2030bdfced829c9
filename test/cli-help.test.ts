/**
 * `filibuster --help` groups the run command's options (what to run, faults and conditions, search and
 * budget, output, reliability), every option in exactly one group, and lists the subcommands and examples.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from './helpers.js';

const GROUPS = ['What to run:', 'Faults and conditions:', 'Search and budget:', 'Output:', 'Reliability:'];

/** The help's sections in order, each with the options it lists (`--name`, as the first word of a line). */
function sections(help: string): { heading: string; options: string[] }[] {
  const out: { heading: string; options: string[] }[] = [];
  for (const line of help.split('\n')) {
    if (/^\S.*:$/.test(line)) out.push({ heading: line, options: [] });
    const option = /^ {2}--([a-z][a-z0-9-]*)/.exec(line);
    if (option && out.length > 0) out[out.length - 1].options.push(option[1]);
  }
  return out;
}

for (const args of [['--help'], ['run', '--help']]) {
  test(`filibuster ${args.join(' ')}: the five groups in order, every option of the run command in exactly one`, async () => {
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    const found = sections(r.stdout);
    assert.deepEqual(
      found.map((s) => s.heading).filter((h) => GROUPS.includes(h)),
      GROUPS,
    );
    const groups = found.filter((s) => GROUPS.includes(s.heading));
    for (const g of groups) assert.ok(g.options.length > 0, `${g.heading} lists no option`);
    const all = groups.flatMap((g) => g.options);
    assert.deepEqual(all.filter((o, i) => all.indexOf(o) !== i), [], 'an option in two groups');
    // An option placed in no group lands in yargs' own "Options:" section, beside --help and --version.
    const ungrouped = found.filter((s) => s.heading === 'Options:').flatMap((s) => s.options);
    assert.deepEqual(ungrouped.sort(), ['help', 'version']);
    for (const option of ['functional-test', 'test-module', 'services', 'conditions', 'include-edge', 'time-budget', 'shard', 'output-dir', 'replays']) {
      assert.ok(all.includes(option), `--${option} missing`);
    }
  });
}

test('filibuster --help lists the subcommands and examples', async () => {
  const r = await cli(['--help']);
  for (const command of ['run', 'corpus [apps..]', 'loadgen', 'analyze', 'init [dir]', 'merge <dirs..>', 'coverage']) {
    assert.match(r.stdout, new RegExp(`^ {2}filibuster ${command.replace(/[.[\]]/g, '\\$&')} `, 'm'), command);
  }
  const examples = r.stdout.slice(r.stdout.indexOf('\nExamples:\n'));
  assert.ok(examples.length > 20, 'no Examples section');
  assert.equal((examples.match(/^ {2}filibuster /gm) ?? []).length, 5);
  assert.match(examples, /filibuster init +write a services file and a test/);
});

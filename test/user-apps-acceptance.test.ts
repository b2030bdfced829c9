/**
 * Issue 16's acceptance, on the four applications written from a list of bugs only: a plain `filibuster
 * run` with a services file that only says how to start them, `--conditions all` and single faults
 * (`--max-faults 1`: the bound is the number of single faults, not a time) finds every listed bug, each
 * failure group reads as words (its faults, its error, the test's output) and the negative control
 * (breaker) reports nothing false. Run as a user runs it: the CLI as a child process (with `--replays 0`:
 * confirming each group by a replay is tested elsewhere, and would double the time here).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { DIST, ROOT, tempDir } from './helpers.js';
import { USER_APPS } from './user-app-bugs.js';

const HASH = /\[\["[0-9a-f]{32}"|\b[0-9a-f]{32}\b/;

for (const { app, bugs, falseFinding } of USER_APPS) {
  test(`${app}: every listed bug among the single faults, readable, nothing false`, { timeout: 300_000 }, () => {
    const out = tempDir();
    const cli = spawnSync(
      process.execPath,
      [join(DIST, 'orchestrator/cli/main.js'), 'run', '--services', join(ROOT, 'corpus', app, 'services.json'), '--test-module', join(DIST, 'functional-tests', `${app}.js`), '--conditions', 'all', '--max-faults', '1', '--replays', '0', '--output-dir', out],
      { encoding: 'utf8', cwd: ROOT },
    );
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const ran = results.executions.filter((e) => e.status === 'ran');
    assert.equal(results.counts.not_explored, 0, `${app}: ${results.stop_reason}\n${cli.stderr}`);
    assert.match(cli.stderr, /fault catalogue: derived from the source of/);

    for (const bug of bugs) {
      const found = ran.filter((e) => bug.shows(e));
      assert.ok(found.length > 0, `${app}: "${bug.name}" not found\n${cli.stderr.slice(-4000)}`);
      assert.ok(found.every((e) => e.faults.length === 1));
    }
    if (falseFinding) {
      const wrong = ran.filter(falseFinding);
      assert.deepEqual(wrong.map((e) => `#${e.number} ${e.verdict}: ${e.detail}`), [], `${app}: reported what must not be`);
    }
    assert.equal(cli.status, 1, 'findings: exit 1');

    // Readable: each group names its faults and its error in words, and its execution kept the test's output.
    for (const group of results.triage?.groups ?? []) {
      const example = results.executions[(group.signature?.example ?? group.executions[0]) - 1];
      for (const f of group.faults) assert.doesNotMatch(f.description, HASH, f.description);
      assert.ok(group.detail && !/^exit code \d+/.test(group.detail), `group ${group.id}: ${group.detail}`);
      if (group.verdict === 'fail') assert.ok(example.output?.error, `group ${group.id}: no test output kept`);
    }
    assert.doesNotMatch(cli.stderr.split('\n').filter((l) => !l.includes('replay:')).join('\n'), HASH);
  });
}

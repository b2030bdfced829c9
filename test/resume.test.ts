/**
 * --resume: the tutorial (buggy: execution 11 fails, triage runs) is interrupted with SIGINT after a few
 * executions, the journal's last line is then torn as a kill -9 during an append would leave it, and the
 * run is resumed. It must not re-run the finished executions, and must end with the results of an
 * uninterrupted run (timings and execution ids aside).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtInCatalogue, CLI, cli, DIST, ROOT, tempDir } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const TEST_MODULE = join(DIST, 'test/fixtures/slow-tutorial-test.js');
const args = (dir: string) => ['--test-module', TEST_MODULE, '--services', SERVICES, '--port', '0', '--output-dir', dir];

const journalLines = (dir: string) => (existsSync(join(dir, 'journal.jsonl')) ? readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean) : []);
const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));

/** What must be equal between a resumed and an uninterrupted run. */
function comparable(r: ReturnType<typeof results>) {
  return {
    executions: r.executions.map((e: Record<string, unknown>) => ({ number: e.number, status: e.status, faults: e.faults, verdict: e.verdict, calls: e.calls, tree: e.tree, counterexample: e.counterexample, group: e.group })),
    counts: r.counts,
    complete: r.complete,
    stop_reason: r.stop_reason,
    triage: r.triage && { ...r.triage, groups: r.triage.groups.map((g: Record<string, unknown>) => ({ ...g, detail: undefined })) },
  };
}

test('interrupted, torn journal line, resumed: same results as an uninterrupted run, finished executions not re-run', { timeout: 180_000 }, async () => {
  const whole = tempDir();
  const full = await cli(args(whole));
  assert.equal(full.code, 1, full.stderr);

  const dir = tempDir();
  const child = spawn(process.execPath, [CLI, ...builtInCatalogue(args(dir))]);
  child.stdout.on('data', () => {});
  child.stderr.on('data', () => {});
  while (journalLines(dir).length < 4) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGINT');
  assert.equal(await new Promise((resolve) => child.on('close', resolve)), 130);
  const finished = journalLines(dir);
  assert.ok(finished.length >= 4 && finished.length < 11, `interrupted after ${finished.length} executions`);
  const before = results(dir);
  assert.equal(before.stop_reason, 'interrupted');
  // As a kill -9 in the middle of an append would leave it.
  appendFileSync(join(dir, 'journal.jsonl'), finished[finished.length - 1].slice(0, 40));

  const resumed = await cli([...args(dir), '--resume']);
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`line ${finished.length + 1} is incomplete .*ignored`));
  assert.match(resumed.stderr, new RegExp(`resumed: ${finished.length} execution\\(s\\) from the journal are not run again`));
  const after = results(dir);
  assert.deepEqual(comparable(after), comparable(results(whole)));
  // The finished executions kept their ids: they were not run again.
  for (let i = 0; i < finished.length; i++) assert.equal(after.executions[i].id, JSON.parse(finished[i]).id);
  assert.equal(journalLines(dir).length, 11);
  for (const line of journalLines(dir)) JSON.parse(line);
});

test('--resume with a journal that has a bad line in the middle: usage error naming the file and line, results.json kept', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'journal.jsonl'), '{"number":1,"status":"ran","faults":[],"verdict":"pass","explorer_calls":[]}\nnot json\n{"number":3}\n');
  writeFileSync(join(dir, 'results.json'), '{"kept": true}\n');
  const r = await cli([...args(dir), '--resume']);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${join(dir, 'journal.jsonl')}: line 2 is not valid JSON`), r.stderr);
  assert.deepEqual(results(dir), { kept: true });
});

test('--resume of another run\'s journal: refused where it diverges', async () => {
  const dir = tempDir();
  const calls: unknown[] = [];
  const identity = { version: 2, mode: 'templated', templates: [], ignoredQuery: [], slottedQuery: [] };
  writeFileSync(join(dir, 'journal.jsonl'), [{ number: 1, status: 'ran', faults: [], verdict: 'pass', explorer_calls: calls, identity }, { number: 2, status: 'ran', faults: [{ description: 'x', execution_index: '[]' }], verdict: 'pass', explorer_calls: calls }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const r = await cli([...args(dir), '--resume']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /execution 2 does not match this run \(this run has nothing left to explore\)/);
});

test('--resume of a journal recorded before call identity was versioned: refused, never misread', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'journal.jsonl'), JSON.stringify({ number: 1, status: 'ran', faults: [], verdict: 'pass', explorer_calls: [] }) + '\n');
  writeFileSync(join(dir, 'results.json'), '{"kept": true}\n');
  const r = await cli([...args(dir), '--resume']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /journal\.jsonl: line 1: recorded with call identity version 1, and this version reads 2; explore again/);
  assert.deepEqual(results(dir), { kept: true });
});

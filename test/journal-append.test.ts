/**
 * A journal line is appended with one write(2) on an O_APPEND descriptor, so appends never interleave,
 * even from several processes at once (a line written in two writes can have another process's line
 * land between its halves). Four processes append to one journal at the same time; every line must come
 * out whole, and each process's lines in its own order.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, tempDir } from './helpers.js';

const WRITERS = 4;
const LINES = 400;

/** Waits for the go file (so that all writers append at once), then appends LINES lines of about 4 KB. */
const writer = `
  const { existsSync } = await import('node:fs');
  const { ResultsWriter } = await import(${JSON.stringify(join(DIST, 'orchestrator/results/writer.js'))});
  const [dir, go, who] = process.argv.slice(1);
  const journal = new ResultsWriter(dir, true);
  process.stdout.write('ready');
  while (!existsSync(go)) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < ${LINES}; i++) {
    journal.append({ number: i, status: 'pruned', faults: [{ description: who.repeat(4000), execution_index: who + ':' + i }] });
  }
`;

test('concurrent appends from several processes never interleave: every line is whole', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const go = join(dir, 'go');
  writeFileSync(join(dir, 'journal.jsonl'), '');
  const children = Array.from({ length: WRITERS }, (_, k) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', writer, dir, go, String.fromCharCode(97 + k)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = new Promise((resolve) => child.stdout!.once('data', resolve));
    const done = new Promise((resolve) => child.on('close', resolve));
    return { ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  writeFileSync(go, '');
  assert.deepEqual(await Promise.all(children.map((c) => c.done)), Array(WRITERS).fill(0));
  assert.ok(existsSync(join(dir, 'journal.jsonl')));

  const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the journal ends with a complete line');
  assert.equal(lines.length, WRITERS * LINES);
  const next = new Map<string, number>();
  lines.forEach((line, n) => {
    let entry: { number: number; faults: { description: string; execution_index: string }[] };
    try {
      entry = JSON.parse(line);
    } catch {
      assert.fail(`line ${n + 1} is not whole: ${line.slice(0, 40)}…${line.slice(-40)}`);
    }
    const [who, i] = entry.faults[0].execution_index.split(':');
    assert.equal(entry.faults[0].description, who.repeat(4000));
    assert.equal(Number(i), next.get(who) ?? 0, `writer ${who}: lines out of order`);
    next.set(who, Number(i) + 1);
  });
});

/** `filibuster corpus`: the table and corpus-results.json, with the published figures beside ours. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir } from './helpers.js';

test('filibuster corpus cinema-2 --json: ours beside the published figures', async () => {
  const dir = tempDir();
  const r = await cli(['corpus', 'cinema-2', '--json', '--output-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^app\s+test\s+calls\s+ran \(DR\)\s+pruned\s+published \(DR\)\s+ran \(no DR\)\s+published \(no DR\)/m);
  const { rows } = JSON.parse(readFileSync(join(dir, 'corpus-results.json'), 'utf8'));
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.deepEqual(
    [row.app, row.faultFreeCalls, row.ranWithReduction, row.prunedWithReduction, row.publishedWithReduction, row.ranWithoutReduction, row.publishedWithoutReduction, row.failing],
    ['cinema-2', 2, 9, 1, 9, 10, 10, 0],
  );
});

test('filibuster corpus with an unknown application: usage error naming the known ones', async () => {
  const r = await cli(['corpus', 'cinema-99', '--output-dir', tempDir()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown corpus application\(s\): cinema-99 \(known: cinema-1, cinema-2/);
});

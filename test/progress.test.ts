/**
 * The terminal's progress: a bar of executions done out of those known so far, with colours only on a
 * terminal; piped output is plain lines without escape codes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { progressLine, useColour } from '../orchestrator/cli/progress.js';
import { cli, DIST, ROOT, tempDir } from './helpers.js';

test('the bar fills with done / known, counts and rate; colour codes only when asked', () => {
  const plain = progressLine({ ran: 6, pruned: 2, pending: 8, failing: 1 }, 12.5, 10, false);
  assert.equal(plain, '[█████░░░░░] 8/16 known · 6 ran · 2 pruned · 1 failing · 12.5/s');
  assert.ok(!plain.includes('\x1b['));
  const coloured = progressLine({ ran: 6, pruned: 2, pending: 8, failing: 1 }, 12.5, 10, true);
  assert.ok(coloured.includes('\x1b[31m1 failing'));
  assert.equal(progressLine({ ran: 0, pruned: 0, pending: 0, failing: 0 }, 0, 4, false), '[░░░░] 0/0 known · 0 ran · 0 pruned · 0 failing · 0.0/s');
});

test('colour only on a terminal, never with NO_COLOR or TERM=dumb', () => {
  assert.equal(useColour({ isTTY: true }, {}), true);
  assert.equal(useColour({ isTTY: false }, {}), false);
  assert.equal(useColour({}, {}), false);
  assert.equal(useColour({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColour({ isTTY: true }, { TERM: 'dumb' }), false);
});

test('piped output: one plain line per execution, no escape codes', async () => {
  const r = await cli(['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--port', '0', '--output-dir', tempDir()]);
  assert.equal(r.code, 1);
  assert.ok(!(r.stdout + r.stderr).includes('\x1b['), 'no escape codes in piped output');
  assert.match(r.stderr + r.stdout, /execution 11: fail \(node\.ECONNREFUSED on foo → bar \(GET \/bar\)\)/);
});

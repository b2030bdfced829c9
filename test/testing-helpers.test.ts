/**
 * The test helpers (wasFaultInjected, wasFaultInjectedOn, wasFaultInjectedOnMethod) answer about the
 * execution they run in: checked against each execution's fault set on the tutorial.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, ROOT, run, tempDir } from './helpers.js';

test('helpers answer per execution, in line with its fault set', async () => {
  const log = join(tempDir(), 'answers.jsonl');
  process.env.HELPERS_LOG = log;
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'test/fixtures/helpers-test.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    serviceEnv: { TUTORIAL_FIXED: '1' },
    dynamicReduction: false,
  });
  const answers = new Map(
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((a) => [a.id, a]),
  );
  const ran = outcome.results.executions.filter((e) => e.status === 'ran');
  assert.equal(ran.length, 11);
  assert.equal(answers.size, 11);
  for (const e of ran) {
    const onBar = e.faults.some((f) => f.description.includes('on foo → bar'));
    const onBaz = e.faults.some((f) => f.description.includes('on bar → baz'));
    assert.deepEqual(
      answers.get(e.id),
      { id: e.id, any: e.faults.length > 0, onBar, onBaz, onFoo: false, onGet: e.faults.length > 0, onPost: false, onBarGet: onBar, onBazPost: false },
      `execution ${e.number}: ${e.faults.map((f) => f.description).join(', ') || 'no fault'}`,
    );
  }
});

/**
 * The test helpers (wasFaultInjected, wasFaultInjectedOn, wasFaultInjectedOnMethod, executionCalls)
 * answer about the execution they run in: checked against each execution's fault set on the tutorial.
 * The call properties are checked on hand-made call lists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ObservedCall } from '../instrumentation/protocol.js';
import { sameServerRetries, timeoutBudgetViolations } from '../instrumentation/testing.js';
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
  // The calibration's two fault-free runs ask too; every execution of the search answered once.
  const ranIds = new Set(ran.map((e) => e.id));
  assert.equal([...answers.keys()].filter((id) => ranIds.has(id as string)).length, 11);
  for (const e of ran) {
    const onBar = e.faults.some((f) => f.description.includes('on foo → bar'));
    const onBaz = e.faults.some((f) => f.description.includes('on bar → baz'));
    const { calls, ...answer } = answers.get(e.id) as { calls: ObservedCall[] };
    const fooBar = calls.find((c) => c.source === 'foo' && c.target === 'bar');
    const barBaz = calls.find((c) => c.source === 'bar' && c.target === 'baz');
    assert.ok(fooBar, `execution ${e.number}: foo → bar observed`);
    assert.equal(fooBar.method, 'GET');
    assert.equal(fooBar.timeoutSeconds, 10);
    assert.equal(fooBar.faultInjected, onBar);
    // bar → baz is made while serving foo → bar, unless foo → bar was faulted (bar never got the request).
    assert.equal(barBaz?.parent, onBar ? undefined : fooBar.id, `execution ${e.number}: ${JSON.stringify(calls)}`);
    if (barBaz) assert.equal(barBaz.faultInjected, onBaz);
    assert.deepEqual(timeoutBudgetViolations(calls), [`foo gives bar 10 s, but bar waits up to 10 s on baz`].slice(onBar ? 1 : 0));
    assert.deepEqual(sameServerRetries(calls), []);
    assert.deepEqual(
      answer,
      { id: e.id, any: e.faults.length > 0, onBar, onBaz, onFoo: false, onGet: e.faults.length > 0, onPost: false, onBarGet: onBar, onBazPost: false },
      `execution ${e.number}: ${e.faults.map((f) => f.description).join(', ') || 'no fault'}`,
    );
  }
});

const call = (c: Partial<ObservedCall> & Pick<ObservedCall, 'id' | 'source' | 'target' | 'url'>): ObservedCall => ({
  parent: null,
  method: 'GET',
  faultInjected: false,
  ...c,
});

test('timeout budget: a call made while serving another needs a shorter timeout than it', () => {
  const gateway = call({ id: 1, source: 'gateway', target: 'profile', url: '5010/users/u', timeoutSeconds: 1 });
  assert.deepEqual(timeoutBudgetViolations([gateway, call({ id: 2, parent: 1, source: 'profile', target: 'telemetry', url: '5004/', timeoutSeconds: 15 })]), [
    'gateway gives profile 1 s, but profile waits up to 15 s on telemetry',
  ]);
  assert.deepEqual(timeoutBudgetViolations([gateway, call({ id: 2, parent: 1, source: 'profile', target: 'telemetry', url: '5004/', timeoutSeconds: 0.5 })]), []);
  // No timeout known on either side, or no parent: nothing to compare.
  assert.deepEqual(timeoutBudgetViolations([gateway, call({ id: 2, parent: 1, source: 'profile', target: 'telemetry', url: '5004/' })]), []);
  assert.deepEqual(timeoutBudgetViolations([call({ id: 2, source: 'profile', target: 'telemetry', url: '5004/', timeoutSeconds: 15 })]), []);
});

test('same-server retry: the same request twice while serving one request, reported once', () => {
  const first = call({ id: 1, parent: 9, source: 'gateway', target: 'my-list', url: '5006/users/u' });
  const again = { ...first, id: 2 };
  assert.deepEqual(sameServerRetries([first, again, { ...first, id: 3 }]), [
    'gateway sent GET /users/u to my-list again while serving one request (a retry to the same server)',
  ]);
  // Another replica (port), another method, or another inbound request: not a retry to the same server.
  assert.deepEqual(sameServerRetries([first, { ...first, id: 2, url: '5016/users/u' }]), []);
  assert.deepEqual(sameServerRetries([first, { ...first, id: 2, method: 'POST' }]), []);
  assert.deepEqual(sameServerRetries([first, { ...first, id: 2, parent: 10 }]), []);
});

test('withoutFaults: setup and verification steps add no execution and are never faulted', async () => {
  const tutorial = (value: string) =>
    run({
      test: { kind: 'module', value },
      servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
      serviceEnv: { TUTORIAL_FIXED: '1' },
    });
  const plain = await tutorial(join(DIST, 'functional-tests/foo-bar-baz.js'));
  const stepped = await tutorial(join(DIST, 'test/fixtures/without-faults-test.js'));
  const sets = (o: typeof plain) => o.results.executions.map((e) => `${e.status} ${e.verdict ?? ''} ${e.faults.map((f) => f.description).join(' + ')}`);
  // The same space (the two extra requests per execution are invisible), and both steps answered 200 in
  // every execution, including those faulting foo → bar and bar → baz.
  assert.deepEqual(sets(stepped), sets(plain));
  assert.equal(stepped.failing.length, 0, stepped.failing.map((f) => f.result.detail).join('\n'));
  assert.equal(stepped.results.executions[0].calls, 2);
});

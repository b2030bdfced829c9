/**
 * The time budget shared with triage (search/budget.ts): once there are failures to triage the search
 * stops at its share and triage keeps the rest; with nothing to triage the search has it all. And the
 * scope a run settles from its options (exploration-options.ts): a user's run is by-size within a default
 * budget, the Python profile and dfs have none, --exhaustive lifts it and conflicts with --time-budget;
 * and the plan in words (plan.ts). Time is never waited for: budgets are started in the past.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOptions, DEFAULT_TIME_BUDGET_MS, pythonScope, withDefaults, type ExplorationOptions } from '../orchestrator/run/exploration-options.js';
import { planInWords, planOf, startInWords } from '../orchestrator/run/plan.js';
import { Budget, formatDuration, SEARCH_SHARE } from '../orchestrator/search/budget.js';

test('the split: the search stops at its share only when there are failures to triage; triage stops at the full budget', () => {
  const minutes = 60_000;
  // 8 of 10 minutes gone: past the search's share (7m30s), before the deadline.
  const budget = new Budget({ timeBudgetMs: 10 * minutes, timeSource: 'given' }, Date.now() - 8 * minutes);
  assert.equal(SEARCH_SHARE, 0.75);
  assert.deepEqual(budget.split(true), { time_ms: 600_000, search_ms: 450_000, triage_ms: 150_000, source: 'given' });
  assert.deepEqual(budget.split(false), { time_ms: 600_000, search_ms: 600_000, triage_ms: 0, source: 'given' });
  assert.equal(budget.exhaustedAfter(5, true), "the search's share of --time-budget 10m (7m30s) used up; the rest is kept for triage");
  assert.equal(budget.exhaustedAfter(5, false), undefined, 'nothing to triage: the search may use the whole budget');
  assert.equal(budget.remainingAfter(5, true), 0);
  assert.equal(budget.remainingAfter(5, false), Infinity);
  assert.equal(budget.timeUp(), undefined, 'triage still has time');

  const over = new Budget({ timeBudgetMs: 10 * minutes, timeSource: 'default' }, Date.now() - 11 * minutes);
  assert.equal(over.timeUp(), 'the default time budget of 10m used up (--exhaustive lifts it)');
  assert.equal(over.exhaustedAfter(5, false), 'the default time budget of 10m used up (--exhaustive lifts it)');
  assert.equal(over.withoutTime().timeUp(), undefined);
  assert.equal(new Budget({ maxTests: 3 }, Date.now()).split(true), undefined);
  assert.deepEqual(['450000', '90000', '1500', '600000'].map((ms) => formatDuration(Number(ms))), ['7m30s', '1m30s', '1.5s', '10m']);
});

const options = (more: Partial<ExplorationOptions>) => withDefaults({ test: { kind: 'module', value: 't.js' }, outputDir: 'out', ...more });

test("a user's run: by-size within the default budget; given values, the Python profile and dfs keep theirs", () => {
  const user = checkOptions(options({ userDefaults: true }), Date.now());
  assert.deepEqual([user.order, user.orderSource, user.budgetSource, user.budget.timeMs, user.identity], ['by-size', 'default', 'default', DEFAULT_TIME_BUDGET_MS, 'templated']);
  const given = checkOptions(options({ userDefaults: true, timeBudgetMs: 5000 }), Date.now());
  assert.deepEqual([given.order, given.budgetSource, given.budget.timeMs], ['by-size', 'given', 5000]);
  const exhaustive = checkOptions(options({ userDefaults: true, exhaustive: true }), Date.now());
  assert.deepEqual([exhaustive.order, exhaustive.budgetSource, exhaustive.budget.timeMs], ['by-size', 'none', undefined]);
  const dfs = checkOptions(options({ userDefaults: true, order: 'dfs' }), Date.now());
  assert.deepEqual([dfs.order, dfs.orderSource, dfs.budgetSource, dfs.identity], ['dfs', 'given', 'none', 'original']);
  const python = checkOptions(options({ userDefaults: true, profile: 'python' }), Date.now());
  assert.deepEqual([python.order, python.budgetSource, python.identity], ['dfs', 'none', 'original']);
  // explore() without userDefaults: the options as given, depth-first, no budget.
  const plain = checkOptions(options({}), Date.now());
  assert.deepEqual([plain.order, plain.budgetSource], ['dfs', 'none']);
  assert.throws(() => checkOptions(options({ userDefaults: true, exhaustive: true, timeBudgetMs: 300_000 }), Date.now()), /--exhaustive explores everything reachable, without a time budget: it cannot be combined with --time-budget/);
});

test('a switch to the Python profile drops the default order and budget, and keeps given ones', () => {
  const switched = pythonScope(checkOptions(options({ userDefaults: true }), Date.now()));
  assert.deepEqual([switched.scope.order, switched.scope.budgetSource, switched.scope.budget.timeMs, switched.changed], ['dfs', 'none', undefined, ['depth-first order', 'no default time budget']]);
  const kept = pythonScope(checkOptions(options({ userDefaults: true, order: 'by-size', timeBudgetMs: 60_000 }), Date.now()));
  assert.deepEqual([kept.scope.order, kept.scope.budget.timeMs, kept.changed], ['by-size', 60_000, []]);
});

test('the plan in words names the order, the single faults and the budget split', () => {
  const user = checkOptions(options({ userDefaults: true }), Date.now());
  assert.equal(startInWords(user), 'exploring single faults first (--order by-size), within the default time budget of 10m (--exhaustive lifts it, --time-budget sets it)');
  assert.equal(
    planInWords(planOf(user, 9, 37)),
    'fault-free execution passed: 9 call(s), 37 single fault(s); plan: every single fault first, then pairs, then larger sets, within the default time budget of 10m (--exhaustive lifts it); once failures are found the search stops at 7m30s and triage has the rest',
  );
  const bounded = checkOptions(options({ userDefaults: true, maxFaults: 1, maxTests: 50, exhaustive: true }), Date.now());
  assert.equal(planInWords(planOf(bounded, 2, 10)), 'fault-free execution passed: 2 call(s), 10 single fault(s); plan: every single fault (--max-faults 1), at most 50 executions (--max-tests), no time budget (everything reachable is explored)');
  const dfs = checkOptions(options({ userDefaults: true, order: 'dfs' }), Date.now());
  assert.equal(startInWords(dfs), undefined, 'everything given: nothing to announce');
  assert.match(planInWords(planOf(dfs, 2, 10)), /plan: depth-first, in the original's order \(each fault followed by its combinations\), no time budget/);
});

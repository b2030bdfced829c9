/**
 * Sharding (search/shard.ts): `--shard i/n` parsing, ownership, and the one-worker order the merge
 * rebuilds from paths, checked on the simulated app (explorer only, no processes) against the order the
 * explorer actually hands executions out in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { Explorer } from '../orchestrator/search/explorer.js';
import type { ExplorationOrder } from '../orchestrator/search/frontier.js';
import { faultSetKey, type ScheduledExecution } from '../orchestrator/search/model.js';
import { compareInOrder, parseShard, roleOf, shardOf, type ShardSpec } from '../orchestrator/search/shard.js';
import { simulate } from './simulated-app.js';

test('--shard parses i/n and refuses 0/3, 4/3, x, 1/0 with a specific message', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  assert.throws(() => parseShard('0/3'), /--shard 0\/3: the shard must be from 1 to 3 \(shards are numbered from 1/);
  assert.throws(() => parseShard('4/3'), /--shard 4\/3: the shard must be from 1 to 3/);
  assert.throws(() => parseShard('x'), /--shard must be i\/n, .* \(got "x"\)/);
  assert.throws(() => parseShard('1/0'), /the number of shards must be at least 1/);
  assert.throws(() => parseShard('-1/3'), /--shard must be i\/n/);
});

interface Handed {
  execution: ScheduledExecution;
  /** Whether this shard ran it (own or discovery): only then does the explorer learn its calls. */
  ran: boolean;
}

/**
 * The exploration loop of one shard (exploration.ts) on the simulated app, without dynamic reduction:
 * own and discovery executions run, others' at --max-faults are skipped. Unsharded: `shard` absent.
 */
function handOut(width: number, order: ExplorationOrder, shard?: ShardSpec, maxFaults?: number): Handed[] {
  const explorer = new Explorer(FaultCatalogue.default(), { dynamicReduction: false, strictReduction: false, order, maxFaults });
  explorer.complete(1, undefined, simulate(width, []));
  const out: Handed[] = [];
  for (let step = explorer.next(); step; step = explorer.next()) {
    const role = shard ? roleOf(step.execution.failures, shard, maxFaults) : 'own';
    const ran = role !== 'skip';
    out.push({ execution: step.execution, ran });
    if (ran) explorer.complete(role === 'own' ? out.length + 1 : 0, step.execution, simulate(width, step.execution.failures));
  }
  return out;
}

for (const order of ['dfs', 'by-size'] as const) {
  test(`${order}: sorting the paths reproduces the order the explorer hands executions out in`, () => {
    for (const maxFaults of [undefined, 2]) {
      const handed = handOut(3, order, undefined, maxFaults);
      assert.ok(handed.length > 40);
      const sorted = [...handed].sort((a, b) => compareInOrder(a.execution.path, b.execution.path, order));
      assert.deepEqual(
        sorted.map((h) => faultSetKey(h.execution.failures)),
        handed.map((h) => faultSetKey(h.execution.failures)),
      );
    }
  });

  test(`${order}: three shards own every fault set exactly once, and hand out the unsharded order`, () => {
    for (const maxFaults of [undefined, 2]) {
      const all = handOut(3, order, undefined, maxFaults).map((h) => faultSetKey(h.execution.failures));
      const owned: string[] = [];
      for (let index = 1; index <= 3; index++) {
        const shard = { index, count: 3 };
        const handed = handOut(3, order, shard, maxFaults);
        // Without dynamic reduction a shard's search is the unsharded one, whatever it skips.
        assert.deepEqual(handed.map((h) => faultSetKey(h.execution.failures)), all);
        for (const h of handed) if (roleOf(h.execution.failures, shard, maxFaults) === 'own') owned.push(faultSetKey(h.execution.failures));
        const skipped = handed.filter((h) => !h.ran).length;
        if (maxFaults === undefined) assert.equal(skipped, 0, 'without --max-faults every set may discover others');
        else assert.ok(skipped > 0, 'others at --max-faults are skipped');
      }
      assert.deepEqual([...owned].sort(), [...all].sort());
      assert.equal(new Set(owned).size, owned.length);
    }
  });
}

test('ownership is a stable hash of the fault-set id, whatever order the failures are listed in', () => {
  const [a, b] = simulate(2, []).map((c) => ({ execution_index: c.ei, forced_exception: { name: 'node.ECONNREFUSED', metadata: {} }, args: c.args }));
  assert.equal(shardOf([a, b], 7), shardOf([b, a], 7));
  const counts = [0, 0, 0];
  const calls = simulate(200, []);
  for (const c of calls) counts[shardOf([{ execution_index: c.ei, forced_exception: { name: 'node.ECONNREFUSED', metadata: {} }, args: c.args }], 3) - 1]++;
  assert.ok(Math.max(...counts) / Math.min(...counts) < 1.5, `spread ${counts}`);
});

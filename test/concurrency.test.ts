/**
 * Concurrency: the executions explored do not depend on the timing of concurrent calls.
 *
 * Fixture (test/fixtures/fanout): a → b; b starts three fetches at once, in a fixed order: c /item,
 * c /item again (same call identity, occurrence 1 and 2), d /item, awaits them with Promise.all and answers
 * 503 if any failed. c and d delay their answers: randomly (seeded), or "reversed" (c's first request
 * waits ~10 ms, its second 0 ms, so the two c calls complete in the reverse of their start order).
 * Every run of the same exploration, whatever the delays, must execute the identical list of fault sets.
 *
 * Catalogue: two faults per call (node.ECONNREFUSED, and a 503 answer from the instrumented callee).
 *
 * Hand derivation, without dynamic reduction. Calls of the fault-free execution, in canonical order:
 * a→b, b→c#1, b→c#2, b→d. Every fault is injected at the caller, so:
 *   - a fault on a→b means b is never reached: those executions have one call and no children. 2 executions.
 *   - b's three calls all start before any of them answers, so they happen in every execution that
 *     reaches b, whatever is faulted among them. A faulted call's execution has as prefix the calls up to
 *     it; only calls after it in canonical order are new, and each gets one child per fault (2).
 *     With S(m) = executions in the subtree of a faulted call followed by m calls:
 *       S(0) = 1, S(1) = 1 + 2·S(0) = 3, S(2) = 1 + 2·S(1) + 2·S(0) = 9.
 *     Faults on b→c#1, b→c#2, b→d: 2·S(2) + 2·S(1) + 2·S(0) = 18 + 6 + 2 = 26
 *     (= 3³ − 1: every assignment of {none, refused, 503} to b's three calls but the fault-free one).
 *   Total ran: 1 (fault-free) + 2 + 26 = 29, none pruned.
 *
 * With dynamic reduction (compat: status codes only). The search is depth-first, the last pushed child
 * first, so all 26 fault sets of b's calls run before the two a→b faults. A fault set of b's calls would
 * be pruned only if ONE earlier execution gave every call of b in its prefix exactly the planned outcome,
 * which, as each fault set of b's calls is run once and b's calls never fail on their own, never happens:
 * all 26 run. Then "503 on a→b": its prefix is [a→b] alone, and a→b already answered 503 (b's own 503)
 * in the executions above: pruned. "ECONNREFUSED on a→b": never seen: runs.
 *   Total: 28 ran, 1 pruned (29 entries).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { explore } from '../orchestrator/run/exploration.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/fanout/', import.meta.url));
const TEST_MODULE = join(FIXTURES, 'test-module.js');

const EXPECTED = {
  withoutReduction: { ran: 29, pruned: 0 },
  withReduction: { ran: 28, pruned: 1 },
};

const RANDOM_SEEDS = ['1', '2', '3', '4', '5', '6', '7', '8'];
const MODES: { mode: string; seed: string }[] = [
  ...RANDOM_SEEDS.map((seed) => ({ mode: 'random', seed })),
  { mode: 'reversed', seed: '0' },
  { mode: 'reversed', seed: '1' },
];

const work = mkdtempSync(join(tmpdir(), 'filibuster-concurrency-'));

function setup(): { servicesConfig: string; catalogue: FaultCatalogue } {
  const node = (file: string) => `node "${join(FIXTURES, file)}"`;
  const services = {
    services: {
      c: { command: node('leaf.js'), cwd: FIXTURES, env: { ROLE: 'c' } },
      d: { command: node('leaf.js'), cwd: FIXTURES, env: { ROLE: 'd' } },
      b: { command: node('b.js'), cwd: FIXTURES, env: { C_URL: '${c.url}', D_URL: '${d.url}' } },
      a: { command: node('a.js'), cwd: FIXTURES, env: { B_URL: '${b.url}' } },
    },
  };
  const servicesConfig = join(work, 'services.json');
  writeFileSync(servicesConfig, JSON.stringify(services, null, 2));
  const analysis = join(work, 'analysis.json');
  writeFileSync(
    analysis,
    JSON.stringify({
      node: {
        pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$',
        exceptions: [{ name: 'node.ECONNREFUSED' }],
        errors: [{ service_name: '.*', types: [{ return_value: { status_code: '503' } }] }],
      },
    }),
  );
  return { servicesConfig, catalogue: FaultCatalogue.fromFile(analysis) };
}

const { servicesConfig, catalogue } = setup();
let runCounter = 0;

async function exploreOnce(dynamicReduction: boolean, mode: string, seed: string) {
  const outputDir = join(work, `run-${++runCounter}`);
  const outcome = await explore({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig,
    catalogue,
    onlyInitialExecution: false,
    dynamicReduction,
    strictReduction: false,
    eiCompat: false,
    failFast: false,
    port: 0,
    host: '127.0.0.1',
    outputDir,
    serviceEnv: { DELAY_MODE: mode, SEED: seed },
  });
  const r = outcome.results;
  const list = r.executions.map(
    (e) => e.status + ':' + e.faults.map((f) => f.execution_index + '|' + JSON.stringify(f.forced_exception ?? f.failure_metadata)).join(','),
  );
  const bad = r.executions.filter((e) => e.status === 'ran' && e.verdict !== 'pass');
  // From c's log: in how many executions did c answer its two calls in the reverse of their start order?
  const answers = new Map<string, string[]>();
  for (const line of readFileSync(join(outputDir, 'logs', 'c.log'), 'utf8').split('\n')) {
    const m = /^answered (\S+) c#(\d)/.exec(line);
    if (m) answers.set(m[1], [...(answers.get(m[1]) ?? []), m[2]]);
  }
  const reversedAnswers = [...answers.values()].filter((v) => v.join() === '2,1').length;
  return { results: r, list, bad, reversedAnswers };
}

for (const dynamicReduction of [false, true]) {
  const expected = dynamicReduction ? EXPECTED.withReduction : EXPECTED.withoutReduction;
  test(`fan-out with concurrent same-identity calls: identical executions under any delays (dynamic reduction ${dynamicReduction ? 'on' : 'off'})`, async (t) => {
    let reference: { list: string[]; label: string } | undefined;
    let reversedSeen = 0;
    for (const { mode, seed } of MODES) {
      const label = `${mode}${mode === 'random' ? ` seed ${seed}` : ` #${seed}`}`;
      await t.test(label, async () => {
        const { results, list, bad, reversedAnswers } = await exploreOnce(dynamicReduction, mode, seed);
        t.diagnostic(`${label}: ${reversedAnswers} execution(s) where c answered its second call first`);
        if (mode === 'reversed') reversedSeen += reversedAnswers;
        assert.equal(results.complete, true, `exploration incomplete: ${results.stop_reason}`);
        assert.deepEqual(
          bad.map((e) => `#${e.number} ${e.verdict}: ${e.detail}`),
          [],
          'every execution that ran must pass',
        );
        assert.equal(results.counts.failed + results.counts.crashed + results.counts.hung + results.counts.inconclusive, 0);
        assert.deepEqual({ ran: results.counts.ran, pruned: results.counts.pruned }, expected, 'hand-derived execution counts');
        if (dynamicReduction) {
          // The one pruned execution is the 503 on a→b (a root call: its EI has a single frame).
          const pruned = results.executions.filter((e) => e.status === 'pruned');
          assert.equal(pruned.length, 1);
          assert.equal(pruned[0].faults.length, 1);
          assert.equal(pruned[0].faults[0].failure_metadata?.return_value?.status_code, '503');
          assert.equal(JSON.parse(pruned[0].faults[0].execution_index).length, 1, 'the pruned fault is on a→b');
        }
        // Each execution's fault set is distinct.
        assert.equal(new Set(list).size, list.length, 'no fault set is executed twice');
        if (!reference) reference = { list, label };
        else assert.deepEqual(list, reference.list, `${label} explored differently from ${reference.label}`);
      });
    }
    // The fixture did what it is for: the reversed mode made the two same-identity calls complete out of order.
    assert.ok(reversedSeen > 0, 'the reversed mode never made c answer its second call first');
  });
}

test('clean up', () => {
  rmSync(work, { recursive: true, force: true });
});

/**
 * kill -9 of the orchestrator at random moments: the CLI explores the tutorial and is SIGKILLed, resumed
 * with --resume and SIGKILLed again, a few times, then resumed to the end. Each moment is "once the
 * journal holds k lines, d ms later", k and d drawn from a seeded generator, so kills land in start-up
 * (replaying the journal, starting services), between and inside executions, in triage and at shutdown.
 * The seed is printed; KILL9_SEED=<seed> replays the same choices (the process is killed at the same places in the run, not at the same
 * instruction: the scheduling of the processes is not seeded).
 *
 * After every kill: the journal's complete lines and the counterexamples in place parse. After every
 * resume: the lines journaled before the kill are kept as they were (their executions are not run
 * again), and no process of the killed run is left. At the end: results.json equals an uninterrupted
 * run's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepMarked } from '../orchestrator/runner/run-marker.js';
import { tempDir } from './helpers.js';
import { seededRandom } from './seeded-random.js';
import { checkAfterKill, checkFinal, completeLines, EXECUTIONS, readResults, killTagged, NEEDS_PROC, recordedMarker, SLOW_TUTORIAL_TEST, startCli, until } from './kill9-helpers.js';

const KILLS = 3;

test('kill -9 at random moments, resumed each time: same results as an uninterrupted run, nothing finished is run again', { timeout: 150_000, skip: NEEDS_PROC }, async () => {
  const seed = process.env.KILL9_SEED ? Number(process.env.KILL9_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`kill -9 seed: ${seed} (KILL9_SEED=${seed} to replay these choices)`);
  const random = seededRandom(seed);

  const whole = tempDir();
  const uninterrupted = startCli(whole, { testModule: SLOW_TUTORIAL_TEST });
  assert.equal(await uninterrupted.done, 1, uninterrupted.output());

  const dir = tempDir();
  const markers = new Set<string>();
  try {
    await killAndResume(dir, whole, random, markers);
  } finally {
    for (const marker of markers) sweepMarked(marker); // a failed run leaves nothing behind either
    killTagged(dir);
  }
});

async function killAndResume(dir: string, whole: string, random: () => number, markers: Set<string>): Promise<void> {
  /** Per kill that landed: the complete journal lines it left. */
  const kept: string[][] = [];
  for (let round = 1; round <= KILLS; round++) {
    // A third of the kills land in start-up (the journal replayed, the services starting), the others
    // once `ahead` more executions are journaled. The first kill lands in any case: a fresh start-up is
    // followed by 11 executions of 300 ms, and 9 lines at most leave two of them to come. Later ones may
    // come too late: then the run has finished and the loop ends.
    const journaled = completeLines(dir).length;
    const inStartUp = random() < 1 / 3;
    const ahead = inStartUp ? 0 : 1 + Math.floor(random() * (round === 1 ? 9 : EXECUTIONS - journaled + 1));
    const lines = journaled + ahead;
    const delayMs = Math.floor(random() * (inStartUp ? 2000 : 300));
    const run = startCli(dir, { resume: round > 1, testModule: SLOW_TUTORIAL_TEST });
    if (await until(() => completeLines(dir).length >= lines, run.done)) await Promise.race([run.done, new Promise((r) => setTimeout(r, delayMs))]);
    run.child.kill('SIGKILL');
    const how = await run.done;
    const marker = recordedMarker(dir);
    if (marker) markers.add(marker);
    if (how !== 'SIGKILL') {
      assert.equal(how, 1, `round ${round} ended by itself with ${how}\n${run.output()}`);
      console.log(`round ${round}: the run finished before the kill (after ${lines} line(s) + ${delayMs} ms)`);
      break;
    }
    kept.push(completeLines(dir));
    console.log(`round ${round}: killed ${inStartUp ? 'in start-up, ' : ''}after ${lines} line(s) + ${delayMs} ms, ${kept.at(-1)!.length} execution(s) journaled`);
    checkAfterKill(dir);
  }
  assert.ok(kept.length > 0, 'no kill landed');

  const final = startCli(dir, { resume: true, testModule: SLOW_TUTORIAL_TEST });
  assert.equal(await final.done, 1, final.output());
  markers.add(recordedMarker(dir)!);
  const results = readResults(dir);
  const journal = completeLines(dir);
  for (const lines of kept) {
    // What each kill left journaled is a prefix of the final journal, with the same execution ids: those
    // executions were replayed from the journal, not run again.
    assert.deepEqual(journal.slice(0, lines.length), lines);
    for (const line of lines) {
      const { number, id } = JSON.parse(line);
      assert.equal(results.executions[number - 1].id, id, `execution ${number} was run again`);
    }
  }
  checkFinal(dir, whole, markers);
}

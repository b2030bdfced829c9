/**
 * cinema-4 (third-party calls: cinema-2's chain users → bookings → movies, plus one fire-and-forget HEAD
 * per service to an outside host, each without a timeout and its outcome ignored: users → imdb before
 * bookings, bookings → fandango before the movie loop, movies → rottentomatoes after the 404 check). The
 * outside hosts are local stubs started with `instrument: false`, so they answer 200 as www.* did with
 * internet (the docs' setting), and a HEAD to them can only get a connection refused (1 fault: no timeout
 * ⇒ no timeout fault; uninstrumented ⇒ no status faults). Faults per call of the fault-free run (5 calls):
 * imdb 1, users → bookings 5 (ECONNREFUSED, Timeout, 500, 404, 503), fandango 1, bookings → movies 4
 * (ECONNREFUSED, Timeout, 500, 404), rottentomatoes 1.
 *
 * Without dynamic reduction, 34 = every reachable fault set: imdb {ok, refused} (its fault is absorbed, so
 * everything after still happens) × [5 faults on users → bookings (bookings is then not called: nothing
 * below) + fandango {ok, refused} × (4 faults on bookings → movies (movies not called) + movies answering,
 * rottentomatoes {ok, refused})] = 2 × (5 + 2 × (4 + 2)) = 2 × 17 = 34 (the docs' figure).
 *
 * With dynamic reduction, 21 ran and 8 pruned (the docs' 21). A scheduled execution is pruned when, for each
 * caller, one run already gave all of its callees the planned outcomes:
 *   - fandango refused + rottentomatoes refused: bookings' callees (fandango refused, movies 200) were seen in
 *     "fandango refused", movies' callee (refused) in "rottentomatoes refused" ⇒ pruned;
 *   - 503 on users → bookings: users' callees (imdb 200, bookings 503) were seen when a fault on
 *     bookings → movies made bookings answer 503 ⇒ pruned (cinema-2's pruning);
 *   - imdb refused combined with each of the 6 faults below bookings (rottentomatoes refused, 4 on
 *     bookings → movies, fandango refused): users' callees (imdb refused, bookings the same call as in
 *     "imdb refused" alone) were seen, the deeper callers' outcomes in the single-fault runs ⇒ pruned.
 *   A pruned execution schedules nothing, so 5 more of the 34 never appear (imdb refused + fandango refused
 *   with rottentomatoes refused or one of the 4 faults on bookings → movies): 34 − 5 = 29 = 21 + 8.
 *   Ran: 1 fault-free + 1 rottentomatoes + 4 bookings → movies + 1 fandango + 4 fandango+movies faults
 *   + 4 on users → bookings (not 503) + 1 imdb + 5 imdb + users → bookings faults (the 503 runs here: no run
 *   had imdb refused together with bookings answering 503) = 21.
 * Nothing fails: every fault ends in 200 + Creed, 503 or 404.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-4, static catalogue, stubbed outside hosts: 34 ran without dynamic reduction, no failure; the outside hosts only get connection refused', async () => {
  const outcome = await exploreApp({ app: 'cinema-4', catalogue: 'static', dynamicReduction: false });
  assert.deepEqual(counts(outcome), { ran: 34, pruned: 0, failing: 0 });
  // Exception faults only (one connection refused per HEAD), never a status fault or a timeout.
  const external = outcome.results.executions
    .flatMap((e) => e.faults.map((f) => f.description))
    .filter((d) => /→ (imdb|fandango|rottentomatoes) /.test(d));
  assert.deepEqual([...new Set(external)].sort(), [
    'node.ECONNREFUSED on bookings → fandango (HEAD /)',
    'node.ECONNREFUSED on movies → rottentomatoes (HEAD /)',
    'node.ECONNREFUSED on users → imdb (HEAD /)',
  ]);
});

test('cinema-4, static catalogue, stubbed outside hosts: 21 ran with dynamic reduction (8 pruned), no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-4', catalogue: 'static', dynamicReduction: true })), { ran: 21, pruned: 8, failing: 0 });
});

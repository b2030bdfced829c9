/**
 * netflix, test_functional_get_homepage: GET /netflix/homepage/users/chris_rivers on mobile-client.
 * No fault ⇒ 200 with user-profile, bookmarks, my-list, recommendations == USER_REC and ratings exact.
 * Under a fault: 503 and 404 are accepted; 200 is accepted iff my-list, ratings and user-profile are exact
 * and one of (USER_REC + trending), (GLOBAL_REC + bookmarks), (GLOBAL_REC + trending), (bookmarks +
 * trending), (trending, any recommendations) or the fault-free shape holds; anything else fails.
 * As in the original, `homepage["key"]` on a missing key raises (the test fails), `.get(key)` does not.
 *
 * Ours, beyond the original's assertions: two properties over the execution's calls, because the
 * original's test accepts a 503 under any fault and so cannot see the NETFLIX_FAULTS bugs:
 *   - timeout budget: api-gateway gives user-profile 1 s while user-profile waits up to 15 s on telemetry;
 *   - no retry to the same server: api-gateway retries my-list at the same address after a connection
 *     error or timeout.
 * Both hold without the switch. The default export checks both; with the switch the timeout budget fails
 * already in the fault-free execution, which stops the exploration (as a failing fault-free run does), so
 * `noSameServerRetry` checks the retry alone and `timeoutBudget` the budget alone. `original` is the
 * original's test alone. `slowTelemetry` checks that faults on telemetry alone never cost the profile (the
 * timeout bug, found by a latency fault; corpus/netflix/README.md).
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { executionCalls, sameServerRetries, timeoutBudgetViolations, wasFaultInjected, type ObservedCall } from '../instrumentation/testing.js';
import { call, type Context } from './corpus.js';

const USER_PROFILE = { id: 'chris_rivers', name: 'Chris Rivers', email: 'chris_rivers@netflix.com' };
const BOOKMARKS = [
  { movie: "Harry Potter and the Philosopher's Stone", timecode: '01:20:00' },
  { movie: 'Harry Potter and the Chamber of Secrets', timecode: '00:01:20' },
];
const TRENDING = ['The Croods', 'Red Dot', 'We Can Be Heroes'];
const MY_LIST = ['Harry Potter and the Prisoner of Azkaban', 'Harry Potter and the Goblet of Fire'];
const USER_REC = ['Harry Potter and the Order of the Phoenix', 'Harry Potter and the Half-Blood Prince', 'Harry Potter and the Deathly Hallows'];
const GLOBAL_REC = ['Inception', 'Shutter Island', 'The Dark Night'];
const RATINGS = [
  { movie: "Harry Potter and the Philosopher's Stone", rating: 5 },
  { movie: 'Twilight', rating: 4 },
];

type Homepage = Record<string, unknown>;

/** Python's `homepage[key]`: a KeyError (test failure) when the key is missing. */
function item(homepage: Homepage, key: string): unknown {
  if (!(key in homepage)) throw new assert.AssertionError({ message: `KeyError: '${key}'` });
  return homepage[key];
}
/** Python's `homepage.get(key, None)`. */
const getOr = (homepage: Homepage, key: string): unknown => (key in homepage ? homepage[key] : null);
const eq = isDeepStrictEqual;

function acceptedUnderFault(h: Homepage): boolean {
  const base = () => eq(item(h, 'my-list'), MY_LIST) && eq(item(h, 'ratings'), RATINGS);
  if (base() && eq(getOr(h, 'recommendations'), USER_REC) && eq(getOr(h, 'trending'), TRENDING) && eq(item(h, 'user-profile'), USER_PROFILE)) return true;
  if (base() && eq(getOr(h, 'recommendations'), GLOBAL_REC) && eq(getOr(h, 'bookmarks'), BOOKMARKS) && eq(item(h, 'user-profile'), USER_PROFILE)) return true;
  if (base() && eq(getOr(h, 'recommendations'), GLOBAL_REC) && eq(item(h, 'trending'), TRENDING) && eq(item(h, 'user-profile'), USER_PROFILE)) return true;
  if (base() && eq(getOr(h, 'bookmarks'), BOOKMARKS) && eq(getOr(h, 'trending'), TRENDING) && eq(item(h, 'user-profile'), USER_PROFILE)) return true;
  if (base() && eq(getOr(h, 'trending'), TRENDING) && eq(item(h, 'user-profile'), USER_PROFILE)) return true;
  return (
    eq(item(h, 'user-profile'), USER_PROFILE) &&
    eq(item(h, 'bookmarks'), BOOKMARKS) &&
    eq(item(h, 'my-list'), MY_LIST) &&
    eq(item(h, 'recommendations'), USER_REC) &&
    eq(item(h, 'ratings'), RATINGS)
  );
}

type Property = (calls: ObservedCall[]) => string[];

async function withProperties(ctx: Context, properties: Property[]): Promise<void> {
  await original(ctx);
  const calls = await executionCalls();
  const violations = properties.flatMap((p) => p(calls));
  assert.deepEqual(violations, [], `properties violated:\n  ${violations.join('\n  ')}`);
}

export default function getHomepage(ctx: Context): Promise<void> {
  return withProperties(ctx, [timeoutBudgetViolations, sameServerRetries]);
}

export function timeoutBudget(ctx: Context): Promise<void> {
  return withProperties(ctx, [timeoutBudgetViolations]);
}

export function noSameServerRetry(ctx: Context): Promise<void> {
  return withProperties(ctx, [sameServerRetries]);
}

/**
 * A slow (or failing) telemetry must not cost the user their profile: telemetry is best effort, so when the
 * only calls faulted are calls to telemetry, the page is 200 with the user's profile. Then the original's
 * assertions. With NETFLIX_FAULTS, a latency on user-profile → telemetry just over api-gateway's 1 s
 * timeout on user-profile breaks it: user-profile keeps waiting (15 s), api-gateway gives up, the page is
 * 503, which the original's test accepts under any fault.
 */
export async function slowTelemetry(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'mobile-client', '/netflix/homepage/users/chris_rivers');
  const faulted = (await executionCalls()).filter((c) => c.faultInjected);
  if (faulted.length > 0 && faulted.every((c) => c.target === 'telemetry')) {
    const where = faulted.map((c) => `${c.source} → ${c.target}`).join(', ');
    assert.equal(reply.status, 200, `only telemetry was faulted (${where}), yet the page is ${reply.status}: a slow telemetry cost the user their profile`);
    assert.deepEqual(item(reply.json<Homepage>(), 'user-profile'), USER_PROFILE);
  }
  await checkOriginal(reply);
}

/** test_functional_get_homepage as the original wrote it. */
export async function original(ctx: Context): Promise<void> {
  await checkOriginal(await call(ctx, 'mobile-client', '/netflix/homepage/users/chris_rivers'));
}

async function checkOriginal(reply: Awaited<ReturnType<typeof call>>): Promise<void> {
  if (!(await wasFaultInjected())) {
    assert.equal(reply.status, 200, `status ${reply.status}`);
    const homepage = reply.json<Homepage>();
    assert.deepEqual(item(homepage, 'user-profile'), USER_PROFILE);
    assert.deepEqual(item(homepage, 'bookmarks'), BOOKMARKS);
    assert.deepEqual(item(homepage, 'my-list'), MY_LIST);
    assert.deepEqual(item(homepage, 'recommendations'), USER_REC);
    assert.deepEqual(item(homepage, 'ratings'), RATINGS);
  } else if (reply.status === 503 || reply.status === 404) {
    // 503: API gateway down, unavailable or server error; 404: invalid user.
  } else if (reply.status === 200) {
    assert.ok(acceptedUnderFault(reply.json<Homepage>()), `unexpected homepage ${reply.text}`);
  } else {
    assert.fail(`status ${reply.status}`);
  }
}

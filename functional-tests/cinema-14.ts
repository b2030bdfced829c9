/**
 * cinema-14, test_functional_cinema_14_user_user_bookings (identical to cinema-1's and cinema-2's): GET
 * /users/chris_rivers/bookings on users. 200 ⇒ no fault was injected and the body is Creed; otherwise a
 * fault was injected and the status is 503 or 404 — so a 503 caused by movies' load shedding (429) without
 * any fault fails the test.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, CREED, type Context } from './corpus.js';

export default async function userBookings(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'users', '/users/chris_rivers/bookings');
  if (reply.status === 200) {
    assert.equal(await wasFaultInjected(), false, 'answered 200 although a fault was injected');
    assert.deepEqual(reply.json(), CREED);
  } else {
    assert.equal(await wasFaultInjected(), true, `answered ${reply.status} without any fault`);
    assert.ok([503, 404].includes(reply.status), `status ${reply.status}`);
  }
}

/**
 * cinema-4, test_functional_cinema_4_user_user_bookings: GET /users/chris_rivers/bookings on users.
 * No fault ⇒ the body is Creed (no status check, as in the original); a fault and 200 ⇒ the body is Creed
 * (faults on the outside hosts are ignored); a fault and another status ⇒ 503 or 404.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, CREED, type Context } from './corpus.js';

export default async function userBookings(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'users', '/users/chris_rivers/bookings');
  if (!(await wasFaultInjected())) {
    assert.deepEqual(reply.json(), CREED);
  } else if (reply.status === 200) {
    assert.deepEqual(reply.json(), CREED);
  } else {
    assert.ok([503, 404].includes(reply.status), `status ${reply.status}`);
  }
}

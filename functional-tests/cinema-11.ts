/**
 * cinema-11, test_functional_cinema_9_user_user_bookings: GET /users/chris_rivers/bookings on users.
 * 200 ⇒ the body is Creed; otherwise a fault was injected and the status is 503 or 404.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, CREED, type Context } from './corpus.js';

export default async function userBookings(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'users', '/users/chris_rivers/bookings');
  if (reply.status === 200) {
    assert.deepEqual(reply.json(), CREED);
  } else {
    assert.ok((await wasFaultInjected()) && [503, 404].includes(reply.status), `status ${reply.status}`);
  }
}

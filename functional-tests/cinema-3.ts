/**
 * cinema-3, test_functional_cinema_3_user_user_bookings: GET /users/chris_rivers/bookings on users.
 * No fault injected ⇒ 200 and the body is Creed; otherwise the status is 503, 404 or 200 (the retry may
 * mask the fault), and a 200 carries Creed.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, CREED, type Context } from './corpus.js';

export default async function userBookings(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'users', '/users/chris_rivers/bookings');
  if (!(await wasFaultInjected())) {
    assert.equal(reply.status, 200, `answered ${reply.status} without any fault`);
    assert.deepEqual(reply.json(), CREED);
  } else {
    assert.ok([503, 404, 200].includes(reply.status), `status ${reply.status}`);
    if (reply.status === 200) assert.deepEqual(reply.json(), CREED);
  }
}

/**
 * cinema-6, test_functional_cinema_6_user_user_bookings: GET /users/chris_rivers/bookings on users.
 * 200 ⇒ the body is Creed (from bookings-primary) or Victor Frankenstein (from bookings-secondary);
 * otherwise a fault was injected and the status is 503 or 404.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, CREED, type Context } from './corpus.js';

const VICTOR_FRANKENSTEIN = {
  '20151201': [{ rating: 6.4, title: 'Victor Frankenstein', uri: '/movies/7daf7208-be4d-4944-a3ae-c1c2f516f3e6' }],
};

export default async function userBookings(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'users', '/users/chris_rivers/bookings');
  if (reply.status === 200) {
    const body = reply.json();
    assert.ok(
      [CREED, VICTOR_FRANKENSTEIN].some((expected) => { try { assert.deepEqual(body, expected); return true; } catch { return false; } }),
      `unexpected body ${reply.text}`,
    );
  } else {
    assert.ok((await wasFaultInjected()) && [503, 404].includes(reply.status), `status ${reply.status}`);
  }
}

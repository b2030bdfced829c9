/**
 * expedia, test_functional_get_reviews: GET /review/hotels/hotel1 on api-gateway (the original passes its
 * `timeout=` to str.format by mistake, so the test's own request has no timeout; ours has none either).
 * No fault ⇒ 200 with the ML-ordered reviews; under a fault: 200 ⇒ the time-ordered reviews, 404 and 503
 * are accepted, anything else fails.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, type Context } from './corpus.js';

const BEST = { review: 'Best hotel ever!', rating: 10, timestamp: '2018-07-21' };
const CLEAN = { review: 'The rooms are quite clean.', rating: 8, timestamp: '2019-03-01' };
const NICE = { review: 'Very nice service.', rating: 9, timestamp: '2017-05-09' };
export const ML_RESPONSE = { reviews: [BEST, CLEAN, NICE] };
export const TIME_RESPONSE = { reviews: [CLEAN, BEST, NICE] };

export default async function getReviews(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'api-gateway', '/review/hotels/hotel1');
  if (!(await wasFaultInjected())) {
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), ML_RESPONSE);
  } else if (reply.status === 200) {
    // ML service unavailable: the fallback answered.
    assert.deepEqual(reply.json(), TIME_RESPONSE);
  } else {
    // 404: hotel not found at either service; 503: both failed. Anything else is unexpected.
    assert.ok([404, 503].includes(reply.status), `status ${reply.status}`);
  }
}

/**
 * audible, test_functional_get_audiobook: GET /users/user1/books/book2 on audible-app.
 * No fault, or a fault on stats only (not on asset-metadata nor audio-assets) ⇒ 200 and the body is
 * `This is book 2.`; otherwise the status is 503, 404 or 403.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected, wasFaultInjectedOn } from '../instrumentation/testing.js';
import { call, type Context } from './corpus.js';

const RESPONSE_SUCCESS = 'This is book 2.';

async function onlyStatsFailure(): Promise<boolean> {
  return (await wasFaultInjectedOn('stats')) && !(await wasFaultInjectedOn('asset-metadata')) && !(await wasFaultInjectedOn('audio-assets'));
}

export default async function getAudiobook(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'audible-app', '/users/user1/books/book2');
  if (!(await wasFaultInjected()) || (await onlyStatsFailure())) {
    assert.equal(reply.status, 200, `status ${reply.status}`);
    assert.equal(reply.text, RESPONSE_SUCCESS);
  } else {
    assert.ok([503, 404, 403].includes(reply.status), `status_code: ${reply.status}`);
  }
}

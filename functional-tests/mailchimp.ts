/**
 * mailchimp's two functional tests, both GET /urls/<url> on the load balancer (the original's client
 * timeout of 10 s on the test's own request is irrelevant: that request is never faulted).
 *   getUrl (test_functional_get_url, /urls/prettyurl): no fault ⇒ 200 {"result":"internalurl"}; under a
 *     fault 503 is accepted, 200 if the alert (if any) is "cannot write to DB" and the result is
 *     internalurl or prettyurl; anything else fails.
 *   getUrlRandom (test_functional_get_url_random, /urls/randomurl): no fault ⇒ 200 {"result":"randomurl"};
 *     under a fault 503, or 200 with result randomurl.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';
import { call, type Context } from './corpus.js';

export async function getUrl(ctx: Context): Promise<void> {
  const reply = await call(ctx, 'load-balancer', '/urls/prettyurl');
  if (!(await wasFaultInjected())) {
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), { result: 'internalurl' });
  } else if (reply.status === 503) {
    // Incorrect failure handling by the app-server.
  } else if (reply.status === 200) {
    const body = reply.json();
    if ('alert' in body) assert.equal(body.alert, 'cannot write to DB');
    assert.ok(['internalurl', 'prettyurl'].includes(body.result), `result ${JSON.stringify(body.result)}`);
  } else {
    assert.fail(`status ${reply.status}`);
  }
}

export async function getUrlRandom(ctx: Context): Promise<void> {
  const randomUrl = 'randomurl';
  const reply = await call(ctx, 'load-balancer', `/urls/${randomUrl}`);
  if (!(await wasFaultInjected())) {
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), { result: randomUrl });
  } else if (reply.status === 503) {
    // Incorrect failure handling by the app-server.
  } else if (reply.status === 200) {
    assert.equal(reply.json().result, randomUrl);
  } else {
    assert.fail(`status ${reply.status}`);
  }
}

/** When a whole HTTP/1.1 response has come in (instrumentation/response-end.ts), byte by byte or at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseEnd } from '../instrumentation/response-end.js';

/** Feeds `text` in pieces of `size` bytes; the index of the byte after which it was complete, or -1. */
function completeAt(text: string, size: number, method = 'GET', close = false): number {
  const end = new ResponseEnd(method);
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    if (end.feed(bytes.subarray(at, at + size))) return Math.min(at + size, bytes.length);
  }
  if (close && end.end()) return bytes.length;
  return -1;
}

const LENGTH = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: y\r\n\r\n';

test('a Content-Length body is complete with its last byte, in any slicing', () => {
  for (const size of [1, 2, 7, 1000]) assert.equal(completeAt(LENGTH, size), LENGTH.length, `slices of ${size}`);
  assert.equal(completeAt(LENGTH.slice(0, -1), 1), -1);
});

test('a chunked body is complete after the last chunk and its trailers, in any slicing', () => {
  for (const size of [1, 3, 1000]) assert.equal(completeAt(CHUNKED, size), CHUNKED.length, `slices of ${size}`);
  assert.equal(completeAt(CHUNKED.slice(0, -2), 1), -1, 'the empty line after the trailers is still missing');
});

test('HEAD, 204 and 304 end with their head; a 100 Continue head is skipped', () => {
  assert.equal(completeAt(LENGTH, 1000, 'HEAD'), LENGTH.length);
  const noContent = 'HTTP/1.1 204 No Content\r\n\r\n';
  assert.equal(completeAt(noContent, 1), noContent.length);
  const continued = `HTTP/1.1 100 Continue\r\n\r\n${LENGTH}`;
  assert.equal(completeAt(continued, 4), continued.length);
  assert.equal(completeAt(`HTTP/1.1 100 Continue\r\n\r\n`, 1000), -1);
});

test('a body framed by the connection ends with it', () => {
  const closeFramed = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome body';
  assert.equal(completeAt(closeFramed, 1000), -1, 'not before the connection ends');
  assert.equal(completeAt(closeFramed, 1000, 'GET', true), closeFramed.length);
});

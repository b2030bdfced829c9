/**
 * The explorer's interned execution keys (orchestrator/search/keys.ts) stand for exactly the equality the md5
 * keys did: same log (call keys in order) and same failures (canonical text, in order).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyInterner, failureHead } from '../orchestrator/search/keys.js';
import { stableJson, type Failure } from '../orchestrator/search/model.js';
import { simulate } from './simulated-app.js';

test('prefix ids: equal logs give equal ids, a different call anywhere gives a different id from there on', () => {
  const keys = new KeyInterner();
  const a = keys.prefixIds(simulate(4, []));
  assert.deepEqual(keys.prefixIds(simulate(4, [])), a);
  assert.equal(new Set(a).size, 4);
  const other = simulate(4, []);
  other[2] = { ...other[2], key: 'different' };
  const b = keys.prefixIds(other);
  assert.deepEqual(b.slice(0, 2), a.slice(0, 2));
  assert.notEqual(b[2], a[2]);
  assert.notEqual(b[3], a[3], 'the same last call after a different one is a different prefix');
});

test('a new failure serialised from the call head has the id of the whole failure serialised', () => {
  const call = simulate(1, [])[0];
  const faults = [
    { forced_exception: { name: 'node.ECONNREFUSED', metadata: { cause: 'x', code: 'ECONNREFUSED' } } },
    { failure_metadata: { return_value: { status_code: '503' } } },
    { failure_metadata: { return_value: { status_code: '503', body: '{"b":1}' } }, forced_exception: { name: 'z', metadata: {} } },
  ];
  const keys = new KeyInterner();
  const head = failureHead(call);
  for (const fault of faults) {
    const failure: Failure = { execution_index: call.ei, ...fault, args: call.args };
    const fresh = new KeyInterner();
    assert.equal(fresh.newFailureId(head, failure, fault), fresh.failureId(failure), stableJson(failure));
    assert.equal(keys.newFailureId(head, failure, fault), keys.failureId(structuredClone(failure)));
  }
  assert.notEqual(keys.failureId({ execution_index: call.ei, ...faults[0], args: call.args }), keys.failureId({ execution_index: call.ei, ...faults[1], args: call.args }));
});

test('execution keys: equal iff same prefix and same failures in the same order', () => {
  const keys = new KeyInterner();
  const f = (ei: string, code: string): Failure => ({ execution_index: ei, failure_metadata: { return_value: { status_code: code } }, args: [] });
  assert.equal(keys.executionKey(3, [f('a', '503'), f('b', '500')]), keys.executionKey(3, [f('a', '503'), f('b', '500')]));
  assert.notEqual(keys.executionKey(3, [f('a', '503')]), keys.executionKey(4, [f('a', '503')]));
  assert.notEqual(keys.executionKey(3, [f('a', '503')]), keys.executionKey(3, [f('a', '500')]));
  assert.notEqual(keys.executionKey(3, [f('a', '503')]), keys.executionKey(3, [f('a', '503'), f('b', '500')]));
  assert.notEqual(keys.executionKey(3, []), keys.executionKey(31, []), 'ids do not run into each other');
  const known = new Map([[f('a', '503'), 999]]);
  assert.equal(keys.executionKey(1, [...known.keys()], known), '1,999', 'known ids are used as given');
});

test('stableJson: keys sorted at every depth, undefined written as null', () => {
  assert.equal(stableJson({ b: [1, { d: undefined, c: 'x' }], a: null }), '{"a":null,"b":[1,{"c":"x","d":null}]}');
  assert.equal(stableJson([undefined, 'é"', 2.5]), '[null,"é\\"",2.5]');
});

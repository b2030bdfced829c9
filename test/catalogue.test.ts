/**
 * The fault catalogue: the original's default entries verbatim plus the Node entries, matched as the
 * original does (regex anchored at the start of module.method, file order, restrictions), `@expr` evaluated,
 * and what Node clients cannot honour refused with a message when the file is loaded.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CatalogueError, FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { ROOT } from './helpers.js';

const names = (c: FaultCatalogue, module: string, method: string, metadata: Record<string, unknown>, target?: string) => [
  ...c.exceptionFaults({ module, method, metadata }).map((f) => f.name),
  ...(target ? c.errorFaults({ module, method, metadata }, target).map((f) => f.return_value?.status_code ?? 'exception') : []),
];

test('default catalogue: five faults per Node call with a visible timeout, four without', () => {
  const c = FaultCatalogue.default();
  assert.deepEqual(names(c, 'node.fetch', 'GET', { timeout: 10 }, 'bar'), ['node.ECONNREFUSED', 'node.Timeout', '500', '502', '503']);
  assert.deepEqual(names(c, 'node.http', 'POST', {}, 'bar'), ['node.ECONNREFUSED', '500', '502', '503']);
  // Unlike the original's requests entry, DELETE and PATCH are faulted.
  assert.deepEqual(names(c, 'node.undici', 'DELETE', {}, 'bar'), ['node.ECONNREFUSED', '500', '502', '503']);
  assert.deepEqual(names(c, 'node.http', 'PATCH', {}), ['node.ECONNREFUSED']);
});

test("default catalogue: the original's entries, with its quirks", () => {
  const c = FaultCatalogue.default();
  assert.deepEqual(names(c, 'requests', 'get', { timeout: 10 }, 'movies'), [
    'requests.exceptions.ConnectionError',
    'requests.exceptions.Timeout',
    '500',
    '502',
    '503',
  ]);
  // Null timeout: the restriction fails. Upper-case GET and delete are never faulted, as in the original.
  assert.deepEqual(names(c, 'requests', 'get', { timeout: null }, 'movies'), ['requests.exceptions.ConnectionError', '500', '502', '503']);
  assert.deepEqual(names(c, 'requests', 'GET', {}, 'movies'), []);
  assert.deepEqual(names(c, 'requests', 'delete', {}, 'movies'), []);
  assert.deepEqual(
    c.exceptionFaults({ module: 'grpc', method: 'insecure_channel', metadata: {} }).map((f) => f.metadata.code),
    ['UNAVAILABLE', 'DEADLINE_EXCEEDED'],
  );
  assert.deepEqual(c.errorFaults({ module: 'grpc', method: 'insecure_channel', metadata: {} }, 'svc'), [{ exception: { metadata: { code: 'NOT_FOUND' } } }]);
});

test('per-service errors: the callee regex is anchored at the start only (users also matches users-db)', () => {
  const c = FaultCatalogue.fromJson({ http: { pattern: 'node\\.fetch\\.GET', errors: [{ service_name: 'users', types: [{ return_value: { status_code: '404' } }] }] } }, 'test');
  assert.deepEqual(names(c, 'node.fetch', 'GET', {}, 'users-db'), ['404']);
  assert.deepEqual(names(c, 'node.fetch', 'GET', {}, 'movies'), []);
});

test('@expr: the three forms the original evaluates, from the call timeout', () => {
  const c = FaultCatalogue.fromJson(
    {
      py: {
        pattern: 'requests\\.get',
        exceptions: [
          { name: 'requests.exceptions.Timeout', restrictions: 'timeout', metadata: { sleep: "@expr(metadata['timeout']+1)", abort: false } },
          { name: 'requests.exceptions.Timeout', restrictions: 'timeout', metadata: { sleep: "@expr(metadata['timeout']-1)" } },
          { name: 'requests.exceptions.Timeout', restrictions: 'timeout', metadata: { sleep: "@expr(metadata['timeout'])" } },
        ],
      },
    },
    'test',
  );
  assert.deepEqual(
    c.exceptionFaults({ module: 'requests', method: 'get', metadata: { timeout: 10 } }).map((f) => f.metadata),
    [{ sleep: 11, abort: false }, { sleep: 9 }, { sleep: 10 }],
  );
});

test('refused with a message: other @expr forms, and sleep or abort:false on Node clients', () => {
  assert.throws(
    () => FaultCatalogue.fromJson({ py: { pattern: 'requests\\.get', exceptions: [{ name: 'T', metadata: { sleep: "@expr(metadata['timeout'])+0.001" } }] } }, 'a.json'),
    (err: Error) => err instanceof CatalogueError && /a\.json: entry "py", exceptions\[0\], metadata\.sleep: unsupported expression/.test(err.message),
  );
  assert.throws(
    () => FaultCatalogue.fromJson({ n: { pattern: 'node\\.', exceptions: [{ name: 'node.Timeout', metadata: { abort: false } }] } }, 'b.json'),
    /b\.json: entry "n", exceptions\[0\]: abort:false and sleep are not supported for Node clients/,
  );
  // The same metadata on a Python-only pattern is the original's and stays.
  assert.doesNotThrow(() => FaultCatalogue.fromJson({ py: { pattern: 'requests\\.get', exceptions: [{ name: 'T', metadata: { sleep: 1, abort: false } }] } }, 'c.json'));
});

test('malformed catalogues name the place and the problem', () => {
  const cases: [unknown, RegExp][] = [
    [[], /top level: must be an object of entries/],
    [{ e: { pattern: '(' } }, /entry "e": pattern is not a valid regular expression/],
    [{ e: { pattern: 'x', exceptions: {} } }, /entry "e": "exceptions" must be a list/],
    [{ e: { pattern: 'x', exceptions: [{ metadata: {} }] } }, /entry "e", exceptions\[0\]: must be an object with a string "name"/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{}] }] } }, /entry "e", errors\[0\], types\[0\]: must have a "return_value" or an "exception" object/],
    // Status codes: strings of three digits from 100 to 599, as the original writes them.
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: 'abc' } }] }] } }, /entry "e", errors\[0\], types\[0\]: return_value.status_code "abc" is not a status code/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: '999' } }] }] } }, /entry "e", errors\[0\], types\[0\]: return_value.status_code "999" is not a status code/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: '099' } }] }] } }, /"099" is not a status code/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: 503 } }] }] } }, /types\[0\]: return_value.status_code must be a string of three digits, as in the original \("503"\), not 503/],
    // Unknown keys, at every level.
    [{ e: { pattern: 'x', exception: [] } }, /entry "e": unknown key "exception" \(allowed: pattern, exceptions, errors\)/],
    [{ e: { pattern: 'x', exceptions: [{ name: 'T', restriction: 'timeout' }] } }, /entry "e", exceptions\[0\]: unknown key "restriction"/],
    [{ e: { pattern: 'x', errors: [{ service: '.*', types: [] }] } }, /entry "e", errors\[0\]: unknown key "service"/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: '503', bdy: '' } }] }] } }, /types\[0\].return_value: unknown key "bdy"/],
    [{ e: { pattern: 'x', errors: [{ service_name: '.*', types: [{ return_value: { status_code: '503', body: 1 } }] }] } }, /return_value.body must be a string/],
    // Fault names, for entries that apply to Node calls; the original's Python entries pass through.
    [{ e: { pattern: 'node\\.fetch', exceptions: [{ name: 'requests.exceptions.ConnectionError' }] } }, /entry "e", exceptions\[0\]: "requests.exceptions.ConnectionError" is not a Node fault/],
    [{ e: { pattern: 'node\\.fetch', exceptions: [{ name: 'node.ECONNREFUSE' }] } }, /unknown Node fault "node.ECONNREFUSE"/],
  ];
  for (const [json, message] of cases) assert.throws(() => FaultCatalogue.fromJson(json, 'f.json'), message);
});

test("the original's Python entries and every catalogue file in the corpus still load", () => {
  assert.doesNotThrow(() => FaultCatalogue.fromJson({ py: { pattern: 'requests\\.(get|post)', exceptions: [{ name: 'requests.exceptions.ConnectionError' }, { name: 'requests.exceptions.Timeout', restrictions: 'timeout' }] } }, 'py.json'));
  assert.doesNotThrow(() => FaultCatalogue.fromJson({ grpc: { pattern: '(.*Service/.*)', errors: [{ service_name: '.*', types: [{ exception: { metadata: { code: 'NOT_FOUND' } } }] }] } }, 'grpc.json'));
  const files = [join(ROOT, 'corpus/status-only.json'), join(ROOT, 'corpus/network-conditions.json')];
  for (const app of readdirSync(join(ROOT, 'corpus'))) {
    for (const name of ['analysis.json', 'analysis-static.json', 'analysis-latency.json']) if (existsSync(join(ROOT, 'corpus', app, name))) files.push(join(ROOT, 'corpus', app, name));
  }
  assert.ok(files.length >= 6, files.join(' '));
  for (const f of files) assert.doesNotThrow(() => FaultCatalogue.fromFile(f), f);
});

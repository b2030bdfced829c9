/**
 * The default fault catalogue: the original's `default-analysis.json`, entry for entry (so Python
 * services get the original's faults), followed by the Node entries.
 *
 * Node entries use fixed `module.method` strings, matched like the original's (a regex anchored at the
 * start of `<module>.<method>`):
 *   - `node.http.<METHOD>`   node:http / node:https (axios, got, node-fetch, superagent ...)
 *   - `node.fetch.<METHOD>`  global fetch
 *   - `node.undici.<METHOD>` npm undici (request, stream, fetch) through the global dispatcher
 * with the HTTP method upper-case. Unlike the original's `requests` entry, which never faults DELETE,
 * PATCH or OPTIONS, every method is faulted, DELETE and PATCH included.
 *
 * Node faults: `node.ECONNREFUSED` (connection refused) and `node.Timeout` (only where the call has a
 * visible timeout, `restrictions: "timeout"`), then 500, 502, 503 from instrumented callees: the same five
 * faults per call as the original gives a `requests` call with a timeout. `node.ECONNRESET` (connection
 * reset) is available to catalogues but not in the default, to keep the original's counts.
 */
export const DEFAULT_CATALOGUE = {
  'python.grpc': {
    pattern: 'grpc\\.insecure\\_channel',
    exceptions: [
      { name: 'grpc._channel._InactiveRpcError', metadata: { code: 'UNAVAILABLE' } },
      { name: 'grpc._channel._InactiveRpcError', metadata: { code: 'DEADLINE_EXCEEDED' } },
    ],
  },
  'python.requests': {
    pattern: 'requests\\.(get|put|post|head)',
    exceptions: [{ name: 'requests.exceptions.ConnectionError' }, { name: 'requests.exceptions.Timeout', restrictions: 'timeout' }],
  },
  'java.WebClient': {
    pattern: 'WebClient\\.(GET|PUT|POST|HEAD)',
    exceptions: [
      {
        name: 'com.linecorp.armeria.client.UnprocessedRequestException',
        metadata: { cause: 'io.netty.channel.ConnectTimeoutException' },
      },
    ],
  },
  'java.grpc': {
    pattern: '(.*Service/.*)',
    exceptions: [
      { name: 'io.grpc.StatusRuntimeException', metadata: { cause: '', code: 'UNAVAILABLE' } },
      { name: 'io.grpc.StatusRuntimeException', metadata: { cause: '', code: 'DEADLINE_EXCEEDED' } },
    ],
  },
  http: {
    pattern: '(((requests\\.(get|put|post|head))|(WebClient\\.(GET|PUT|POST|HEAD))))',
    errors: [
      {
        service_name: '.*',
        types: [
          { return_value: { status_code: '500' } },
          { return_value: { status_code: '502' } },
          { return_value: { status_code: '503' } },
        ],
      },
    ],
  },
  grpc: {
    pattern: '((grpc\\.insecure\\_channel)|(.*Service/.*))',
    errors: [{ service_name: '.*', types: [{ exception: { metadata: { code: 'NOT_FOUND' } } }] }],
  },
  'node.exceptions': {
    pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$',
    exceptions: [{ name: 'node.ECONNREFUSED' }, { name: 'node.Timeout', restrictions: 'timeout' }],
  },
  'node.errors': {
    pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$',
    errors: [
      {
        service_name: '.*',
        types: [
          { return_value: { status_code: '500' } },
          { return_value: { status_code: '502' } },
          { return_value: { status_code: '503' } },
        ],
      },
    ],
  },
} as const;

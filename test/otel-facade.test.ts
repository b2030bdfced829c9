/**
 * `filibuster/otel`: FilibusterInstrumentation in OpenTelemetry's own registration, as a NodeSDK lists it:
 * it is enabled and disabled like any instrumentation, patches through our own code (it declares no
 * module and `_wrap`s nothing), and records our spans with the tracer provider it was given.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FilibusterInstrumentation } from '../instrumentation/otel.js';
import { recordFaultSpan } from '../instrumentation/otel-spans.js';

test('FilibusterInstrumentation: registered with a tracer provider, enabled, disabled; our spans go to that provider', () => {
  const original = http.request;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const facade = new FilibusterInstrumentation({ enabled: false, serviceName: 'svc', orchestratorUrl: 'http://127.0.0.1:9', propagateOnly: true, executionId: 'e-1' });
  assert.equal(facade.instrumentationName, 'filibuster');
  assert.equal(facade.active, false);
  assert.equal(http.request, original, 'nothing patched before it is enabled');

  const unregister = registerInstrumentations({ instrumentations: [facade], tracerProvider: provider });
  try {
    assert.equal(facade.active, true);
    assert.notEqual(http.request, original, 'enabled: our patching is on');
    assert.equal((http.request as { __wrapped?: boolean }).__wrapped, undefined, 'not a shimmer _wrap');

    // The provider was not registered globally: a span of ours reaches it only through the facade.
    recordFaultSpan({ method: 'GET', url: 'http://127.0.0.1:1/x', host: '127.0.0.1', port: 1 }, { executionId: 'e-1', executionIndex: '[]', generatedId: '7', vclock: '{}' }, { name: 'node.ECONNREFUSED', kind: 'refused' });
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.name, 'GET');
    assert.equal(span.attributes['filibuster.execution_id'], 'e-1');
    assert.equal(span.attributes['url.full'], 'http://127.0.0.1:1/x');
    assert.deepEqual(span.events.map((e) => e.name), ['filibuster.fault']);
  } finally {
    unregister();
    context.disable();
  }
  assert.equal(facade.active, false);
  assert.equal(http.request, original, 'disabled: restored');
});

/**
 * Standalone traces, for users without OpenTelemetry (`filibuster --traces console|file=PATH|otlp=URL`,
 * which sets FILIBUSTER_TRACES for the services and the test): a tracer provider (only if none is
 * registered), the W3C trace-context propagator, OpenTelemetry's own HttpInstrumentation and
 * UndiciInstrumentation for the standard spans, and FilibusterInstrumentation for ours. Loaded by
 * register.ts and the test worker only when FILIBUSTER_TRACES is set: nothing of OpenTelemetry loads
 * otherwise.
 *
 * Each execution is one trace rooted in the test: the test worker opens a root span per execution
 * (`inExecutionTrace`) whose trace id is derived from the execution id (protocol.ts `traceIdOf`), so
 * results.json names the trace without another message.
 */
import { appendFileSync } from 'node:fs';
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { FilibusterInstrumentation } from './otel.js';
import { apiGlobals } from './otel-context.js';
import { filibusterUndiciAttributes } from './otel-spans.js';
import { traceIdOf } from './protocol.js';
import { parseTraces, type TracesTarget } from './traces-spec.js';

/** One JSON line per span: what a reader of the file needs, in OTLP's names. */
class FileSpanExporter implements SpanExporter {
  private readonly path: string;
  private readonly service: string;

  constructor(path: string, service: string) {
    this.path = path;
    this.service = service;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const lines = spans.map((s) => {
      const ctx = s.spanContext();
      return JSON.stringify({
        service: this.service,
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        parentSpanId: s.parentSpanContext?.spanId,
        name: s.name,
        kind: s.kind,
        attributes: s.attributes,
        events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        status: s.status,
      });
    });
    appendFileSync(this.path, lines.join('\n') + '\n');
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function exporterFor(target: TracesTarget, service: string): SpanExporter {
  if (target.kind === 'console') return new ConsoleSpanExporter();
  if (target.kind === 'file') return new FileSpanExporter(target.path, service);
  return new OTLPTraceExporter({ url: target.url });
}

/** Random ids, except the trace id of the next root span when an execution planned it. */
class PlannedIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  next?: string;
  generateTraceId(): string {
    const id = this.next ?? this.random.generateTraceId();
    this.next = undefined;
    return id;
  }
  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

let ids: PlannedIds | undefined;

/** Starts standalone tracing in this process (idempotent); keeps a provider the application registered. */
export function startStandaloneTracing(text: string, service: string): void {
  const target = parseTraces(text);
  if (!apiGlobals()?.context) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator()); // refused (false) when one is registered
  if (!apiGlobals()?.trace) {
    ids = new PlannedIds();
    // One span at a time, as it ends: a run's services are stopped at once, and nothing may be lost.
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      idGenerator: ids,
      spanProcessors: [new SimpleSpanProcessor(exporterFor(target, service))],
    });
    trace.setGlobalTracerProvider(provider);
  }
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation({ startSpanHook: filibusterUndiciAttributes }), new FilibusterInstrumentation()] });
}

/** Runs `fn` inside the root span of an execution's trace (the test's side). */
export async function inExecutionTrace<T>(executionId: string, fn: () => Promise<T>): Promise<T> {
  if (ids) ids.next = traceIdOf(executionId);
  const span: Span = trace.getTracer('filibuster').startSpan('filibuster execution', { root: true, attributes: { 'filibuster.execution_id': executionId } });
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}

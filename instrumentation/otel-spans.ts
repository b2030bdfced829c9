/**
 * Filibuster on OpenTelemetry spans, without loading OpenTelemetry: the active span is a context value
 * under a `Symbol.for` key, and the registered tracer provider is in the API's global registry
 * (otel-context.ts). With no OpenTelemetry in the process every function here returns at once.
 *
 * - A call's client span (the one the client's instrumentation made: OpenTelemetry's http span) gets the
 *   Filibuster attributes and, when a fault is injected, a `filibuster.fault` event.
 * - A faulted call that never reaches the client's instrumentation (a faulted undici call: undici never
 *   sees the request, so its diagnostics channels stay silent) gets a client span of ours, with the
 *   stable HTTP semantic-convention attributes, so that every call is in the trace.
 * - The server side annotates the active server span with the inbound call's attributes.
 */
import type { EventEmitter } from 'node:events';
import { activeContext, apiGlobals } from './otel-context.js';
import { HEADERS } from './protocol.js';

const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const CLIENT = 2;
const STATUS_ERROR = 2;

type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** The part of an OpenTelemetry `Span` we use (`kind` is the SDK's, absent from other implementations). */
export interface Span {
  setAttributes(attributes: Attributes): unknown;
  addEvent(name: string, attributes?: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
  isRecording(): boolean;
  readonly kind?: number;
}

interface Tracer {
  startSpan(name: string, options: { kind: number; attributes: Attributes }, context?: unknown): Span;
}

/** The span active where this is called, if it records. */
export function activeSpan(): Span | undefined {
  const span = activeContext()?.getValue(SPAN_KEY) as Span | undefined;
  return span && typeof span.isRecording === 'function' && span.isRecording() ? span : undefined;
}

/** The active span when it is a client span (a span without a kind is taken as one). */
export function activeClientSpan(): Span | undefined {
  const span = activeSpan();
  return span && (span.kind === undefined || span.kind === CLIENT) ? span : undefined;
}

/** The Filibuster attributes of a call. */
export interface CallAttributes {
  executionId?: string;
  executionIndex: string;
  generatedId: number | string;
  vclock: string;
}

export function filibusterAttributes(a: CallAttributes): Attributes {
  const out: Attributes = {
    'filibuster.execution_index': a.executionIndex,
    'filibuster.generated_id': String(a.generatedId),
    'filibuster.vclock': a.vclock,
  };
  if (a.executionId) out['filibuster.execution_id'] = a.executionId;
  return out;
}

/** What a fault event says: the fault's catalogue name (an exception) or its status. */
export interface FaultDescription {
  name: string;
  kind: string;
}

export function annotateCall(span: Span, attributes: CallAttributes, fault: FaultDescription | undefined): void {
  span.setAttributes(filibusterAttributes(attributes));
  if (fault) span.addEvent('filibuster.fault', { 'filibuster.fault.name': fault.name, 'filibuster.fault.kind': fault.kind });
}

/**
 * Annotates the server span of the request `server` is about to emit. A tracing wrapper of `emit` inside
 * ours has not made its span yet, so a first 'request' listener (run inside the span's context, whichever
 * wrapper is outermost) does it. Nothing without OpenTelemetry.
 */
export function annotateServerSpan(server: EventEmitter, attributes: CallAttributes): void {
  if (!activeContext()) return;
  server.prependOnceListener('request', () => activeSpan()?.setAttributes(filibusterAttributes(attributes)));
}

/** The part of undici's request that OpenTelemetry's UndiciInstrumentation hands to its hooks. */
export interface UndiciHookRequest {
  /** `name: value\r\n` text (undici 5) or a flat name, value array (undici 6+). */
  headers: string | (string | string[])[];
}

/**
 * For UndiciInstrumentation's `startSpanHook`: the Filibuster attributes of a fetch/undici call, read
 * from the X-Filibuster-* headers we put on it (undici's span is made where we cannot reach it). A
 * faulted call never gets here: it has a span of ours.
 */
export function filibusterUndiciAttributes(request: UndiciHookRequest): Attributes {
  const headers = new Map<string, string>();
  if (typeof request.headers === 'string') {
    for (const line of request.headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  } else {
    for (let i = 0; i + 1 < request.headers.length; i += 2) headers.set(String(request.headers[i]).toLowerCase(), String(request.headers[i + 1]));
  }
  const ei = headers.get(HEADERS.executionIndex);
  if (ei === undefined) return {};
  return filibusterAttributes({ executionId: headers.get(HEADERS.execution), executionIndex: ei, generatedId: headers.get(HEADERS.generatedId) ?? '', vclock: headers.get(HEADERS.vclock) ?? '' });
}

/** The request a span of ours describes. */
export interface SpanRequest {
  method: string;
  url: string;
  host: string;
  port: number;
}

let userProvider: { getTracer(name: string): Tracer } | undefined;

/** The tracer provider `FilibusterInstrumentation` was given (otel.ts); else the registered global one. */
export function useTracerProvider(provider: unknown): void {
  userProvider = provider as typeof userProvider;
}

/**
 * A client span of ours for a faulted call no instrumentation saw, ended at once (the fault is delivered
 * now); undefined when no tracer provider is registered.
 */
export function recordFaultSpan(request: SpanRequest, attributes: CallAttributes, fault: FaultDescription): void {
  const provider = userProvider ?? (apiGlobals()?.trace as typeof userProvider);
  if (!provider) return;
  const span = provider.getTracer('filibuster').startSpan(
    request.method,
    {
      kind: CLIENT,
      attributes: {
        'http.request.method': request.method,
        'url.full': request.url,
        'server.address': request.host,
        'server.port': request.port,
        ...filibusterAttributes(attributes),
      },
    },
    activeContext(),
  );
  span.addEvent('filibuster.fault', { 'filibuster.fault.name': fault.name, 'filibuster.fault.kind': fault.kind });
  if (/^\d+$/.test(fault.name)) span.setAttributes({ 'http.response.status_code': Number(fault.name) });
  else span.setAttributes({ 'error.type': fault.name });
  span.setStatus({ code: STATUS_ERROR, message: `filibuster injected ${fault.name}` });
  span.end();
}

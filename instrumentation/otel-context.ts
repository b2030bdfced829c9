/**
 * OpenTelemetry's context, read without loading OpenTelemetry: a process that does not use it pays
 * nothing. The API keeps its registered globals (context manager, tracer provider, propagator) at a
 * well-known symbol, and `@opentelemetry/core`'s suppress-tracing flag is a context key made with
 * `Symbol.for`, so both can be reached by name whichever copy of the packages the application loaded.
 *
 * Suppress-tracing is how OpenTelemetry marks its own traffic (an exporter sending spans runs under it):
 * calls made under it are never instrumented by us either, and our own control traffic runs under it, so
 * that no tracer records it.
 */

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** The part of an OpenTelemetry `Context` we use. */
export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
}

/** The part of an OpenTelemetry `ContextManager` we use. */
interface ContextManager {
  active(): OtelContext;
  with<T>(context: OtelContext, fn: () => T): T;
}

/** The API's registered globals (the tracer provider is used by otel-spans.ts). */
export interface ApiGlobals {
  context?: ContextManager;
  trace?: unknown;
}

export function apiGlobals(): ApiGlobals | undefined {
  return (globalThis as Record<symbol, ApiGlobals | undefined>)[API_GLOBAL];
}

function contextManager(): ContextManager | undefined {
  return apiGlobals()?.context;
}

/** The active OpenTelemetry context; undefined without OpenTelemetry. */
export function activeContext(): OtelContext | undefined {
  return contextManager()?.active();
}

/** True when the active OpenTelemetry context suppresses tracing (an exporter sending, our own traffic). */
export function tracingSuppressed(): boolean {
  const manager = contextManager();
  return manager !== undefined && manager.active().getValue(SUPPRESS_TRACING) === true;
}

/** Runs `fn` under suppress-tracing when OpenTelemetry is present; just runs it otherwise. */
export function runSuppressed<T>(fn: () => T): T {
  const manager = contextManager();
  if (!manager) return fn();
  return manager.with(manager.active().setValue(SUPPRESS_TRACING, true), fn);
}

/**
 * The function below every shimmer wrapper (`__original`, as OpenTelemetry's instrumentations wrap): a
 * tracing preload that ran before ours (`node -r tracing.js`) has already wrapped `http.request` when we
 * capture it, and our control traffic must not go through it.
 */
export function unwrapped<F extends Function>(fn: F): F {
  let inner: Function = fn;
  for (let seen = 0; seen < 16; seen++) {
    const original = (inner as { __original?: unknown }).__original;
    if (typeof original !== 'function') break;
    inner = original;
  }
  return inner as F;
}

/**
 * `filibuster/otel`: Filibuster as an OpenTelemetry instrumentation, for users who set up tracing with the
 * NodeSDK (or `registerInstrumentations`):
 *
 *     new NodeSDK({ instrumentations: [getNodeAutoInstrumentations(), new FilibusterInstrumentation()] })
 *
 * It takes its configuration like any instrumentation (`enabled`, and the instrumentation's own fields,
 * which override the environment's: see env.ts), is switched by `enable()`/`disable()`, and records the
 * spans of ours (faulted calls no client instrumentation saw) with the tracer provider it is given.
 *
 * It declares no module to patch and `_wrap`s nothing: the fault path is our own patching (DESIGN 12),
 * because two instrumentations that `_wrap` one function unwrap each other. `node --import
 * filibuster/register` stays the zero-code way; both together are one instrumentation (instrument() runs
 * once per process).
 */
import { InstrumentationBase, type InstrumentationConfig as OtelInstrumentationConfig } from '@opentelemetry/instrumentation';
import type { TracerProvider } from '@opentelemetry/api';
import { configFromEnv } from './env.js';
import { instrument, type Instrumented } from './instrument.js';
import { useTracerProvider } from './otel-spans.js';
import type { InstrumentationConfig } from './types.js';

/** For your UndiciInstrumentation: `new UndiciInstrumentation({ startSpanHook: filibusterUndiciAttributes })`. */
export { filibusterUndiciAttributes } from './otel-spans.js';

export type FilibusterInstrumentationConfig = OtelInstrumentationConfig & Partial<InstrumentationConfig>;

const VERSION = '0.1.0';

export class FilibusterInstrumentation extends InstrumentationBase<FilibusterInstrumentationConfig> {
  // Not a field initialiser: the base constructor calls enable() before those run.
  private declare instrumented?: Instrumented;

  constructor(config: FilibusterInstrumentationConfig = {}) {
    super('filibuster', VERSION, config);
  }

  /** No module definitions: nothing is hooked on require/import, nothing `_wrap`ped. */
  protected init(): void {}

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    useTracerProvider(tracerProvider);
  }

  override enable(): void {
    if (this.instrumented?.active) return;
    const { enabled: _enabled, ...own } = this.getConfig();
    this.instrumented = instrument({ ...configFromEnv(), ...own });
  }

  override disable(): void {
    this.instrumented?.shutdown();
    this.instrumented = undefined;
  }

  /** True when fault injection is on (an orchestrator URL, and not refused in production). */
  get active(): boolean {
    return this.instrumented?.active ?? false;
  }
}

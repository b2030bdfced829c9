/**
 * Zero-code preload for a service: `node --import filibuster/register app.js`.
 * Without FILIBUSTER_URL it loads nothing more and does nothing at all; with it, only what a call needs at
 * start (fault delivery, conditions and the test-side helpers load when first used). OpenTelemetry loads
 * only with FILIBUSTER_TRACES (standalone traces, otel-standalone.ts).
 */
import { configFromEnv } from './env.js';

const config = configFromEnv();
if (config.orchestratorUrl) {
  (await import('./instrument.js')).instrument(config);
  const traces = process.env.FILIBUSTER_TRACES;
  if (traces) (await import('./otel-standalone.js')).startStandaloneTracing(traces, config.serviceName);
}

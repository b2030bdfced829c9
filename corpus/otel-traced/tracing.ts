/**
 * A user's tracing preload, as OpenTelemetry's getting-started guide writes it: the NodeSDK with every
 * auto-instrumentation, exporting OTLP/http to OTEL_COLLECTOR_URL through a batch span processor. Its
 * timer starts when the first span ends, inside a request, so the export runs in a timer that inherits
 * the request's context. Preloaded with `-r` (before Filibuster's `--import`) or `--import` (after it).
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const exporter = new OTLPTraceExporter({ url: `${process.env.OTEL_COLLECTOR_URL ?? 'http://127.0.0.1:4318'}/v1/traces` });
const sdk = new NodeSDK({
  serviceName: process.env.FILIBUSTER_SERVICE_NAME ?? 'service',
  spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 20 })],
  // fs spans would only add noise (every module load).
  instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
});
sdk.start();
// Export the last spans before the runner's SIGTERM ends the process.
process.once('SIGTERM', () => void sdk.shutdown().finally(() => process.exit(0)));

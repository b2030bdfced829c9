/**
 * FILIBUSTER_TEST_OTEL=before|after (unset: nothing changes): every service the corpus and realism suites
 * start runs a user's OpenTelemetry tracing (fixtures/otel-preload/tracing.ts) exporting to a collector
 * stub in the test process, loaded before our `--import filibuster/register` (`--require`: Node runs every
 * --require before any --import) or after it (`--import`: the runner puts ours first in NODE_OPTIONS, the
 * services' own after it). The tests' assertions stay as they are: the counts must not move.
 *
 * So that a broken switch cannot pass silently, the end of a test file checks what the collector received:
 * spans, spans with our attributes, every service's tracing loaded in the order asked for (recorded by the
 * preload itself), and not one span of the orchestrator protocol.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CollectorStub, type CollectorTally } from './otel-collector-stub.js';

type Order = 'before' | 'after';

function orderFromEnv(): Order | undefined {
  const value = process.env.FILIBUSTER_TEST_OTEL;
  if (!value) return undefined;
  if (value !== 'before' && value !== 'after') throw new Error(`FILIBUSTER_TEST_OTEL=${value}: expected before or after (or unset)`);
  return value;
}

export const OTEL_ORDER = orderFromEnv();

const TRACING = fileURLToPath(new URL('./fixtures/otel-preload/tracing.js', import.meta.url));

let collector: Promise<{ stub: CollectorStub; url: string }> | undefined;
/** Whether the tracing went to a service our instrumentation runs in (then its spans must carry ours). */
let instrumented = false;

function collectorUrl(): Promise<string> {
  collector ??= (async () => {
    const stub = new CollectorStub();
    return { stub, url: await stub.start() };
  })();
  return collector.then((c) => c.url);
}

/** `serviceEnv` for an exploration: the preload in NODE_OPTIONS and the collector's URL. */
export async function otelServiceEnv(): Promise<Record<string, string>> {
  if (!OTEL_ORDER) return {};
  instrumented = true;
  const flag = OTEL_ORDER === 'before' ? '--require' : '--import';
  return { NODE_OPTIONS: `${flag} "${TRACING}"`, OTEL_COLLECTOR_URL: await collectorUrl() };
}

/**
 * `--service-env` arguments for a CLI invocation: always for a run; for a replay or loadgen only when the
 * test gives `--service-env` itself, because given ones replace the recorded run's (which already hold
 * the tracing when it was recorded under the switch).
 */
export async function otelCliArgs(args: readonly string[]): Promise<string[]> {
  if (!OTEL_ORDER || args.includes('--help')) return [];
  const isRun = args[0] === 'run' || args[0]?.startsWith('--');
  const replaysRecord = args[0] === 'loadgen' || args.includes('--counterexample-file');
  if (!(isRun || args[0] === 'loadgen') || (replaysRecord && !args.includes('--service-env'))) return [];
  return Object.entries(await otelServiceEnv()).flatMap(([k, v]) => ['--service-env', `${k}=${v}`]);
}

/**
 * A process a test spawns itself: `ours` (the instrumentation's node arguments, or none for a plain
 * process) with the preload placed in the switch's order, and the environment it needs.
 */
export async function otelNodeArgs(ours: readonly string[]): Promise<{ args: string[]; env: Record<string, string> }> {
  if (!OTEL_ORDER) return { args: [...ours], env: {} };
  if (ours.length > 0) instrumented = true;
  const args = OTEL_ORDER === 'before' ? ['--require', TRACING, ...ours] : [...ours, '--import', TRACING];
  return { args, env: { OTEL_COLLECTOR_URL: await collectorUrl() } };
}

function summary(t: CollectorTally): string {
  const orders = [...t.loadOrders].map(([k, n]) => `${k}: ${n}`).join(', ');
  return `${t.spans} span(s) in ${t.exports} export(s), ${t.filibusterSpans} with filibuster.* attributes, ${t.protocolSpans} of /filibuster/, ${t.controlSpans} of /__filibuster/; by service and load order: ${orders || 'none'}`;
}

function check(order: Order, t: CollectorTally): void {
  const said = summary(t);
  assert.ok(t.spans > 0, `FILIBUSTER_TEST_OTEL=${order}: the collector stub received no span (${said})`);
  assert.equal(t.malformed, 0, `FILIBUSTER_TEST_OTEL=${order}: ${t.malformed} export(s) were not OTLP JSON`);
  const wrong = [...t.loadOrders.keys()].filter((k) => !k.endsWith(` ${order}`) && !k.endsWith(' uninstrumented'));
  assert.deepEqual(wrong, [], `FILIBUSTER_TEST_OTEL=${order}: services whose tracing did not load ${order} ours (${said})`);
  if (instrumented) {
    assert.ok([...t.loadOrders.keys()].some((k) => k.endsWith(` ${order}`)), `FILIBUSTER_TEST_OTEL=${order}: no instrumented service exported a span (${said})`);
    assert.ok(t.filibusterSpans > 0, `FILIBUSTER_TEST_OTEL=${order}: no span carries filibuster.* attributes (${said})`);
  }
  assert.equal(t.protocolSpans, 0, `FILIBUSTER_TEST_OTEL=${order}: spans of the orchestrator protocol were exported: ${t.protocolExamples.join('; ')}`);
}

if (OTEL_ORDER) {
  const order = OTEL_ORDER;
  after(async () => {
    assert.ok(collector, `FILIBUSTER_TEST_OTEL=${order}, but no service of this test file was started with the tracing (start them through test/helpers.ts run or cli, corpus-helpers.ts or realism-harness.ts)`);
    const { stub } = await collector;
    await stub.close();
    process.stderr.write(`FILIBUSTER_TEST_OTEL=${order}: ${summary(stub.tally)}\n`);
    check(order, stub.tally);
  });
}

/**
 * Coexistence with a user's OpenTelemetry tracing (corpus/otel-traced): the services preload the NodeSDK
 * with every auto-instrumentation, exporting OTLP/http to a collector stub through a batch span processor
 * whose timer starts inside a request. In both load orders (their `--require` before our `--import`, their
 * `--import` after it) the exploration equals the one without OpenTelemetry, execution by execution; the
 * exporter's calls are never faulted (they would add fault sets); none of our control traffic is traced.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { counts } from './corpus-helpers.js';
import { DIST, faultSets, ROOT, run, tempDir } from './helpers.js';

const TRACING = join(DIST, 'corpus/otel-traced/tracing.js');

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  name: string;
  traceId: string;
  /** OTLP's enum: 2 server, 3 client. */
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
  events?: { name: string; attributes?: { key: string; value: OtlpValue }[] }[];
}

const SERVER = 2;
const CLIENT = 3;

function attribute(span: OtlpSpan, key: string): string | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : String(v.stringValue ?? v.intValue);
}

const faulted = (s: OtlpSpan) => (s.events ?? []).some((e) => e.name === 'filibuster.fault');

/** The executions whose entry server span was exported (by trace: every span of an execution shares it). */
function exportedExecutions(spans: OtlpSpan[]): Set<string> {
  const entryTraces = new Set(spans.filter((s) => s.kind === SERVER && /\/checkout/.test(`${s.name} ${attributeText(s)}`)).map((s) => s.traceId));
  const ids = new Set<string>();
  for (const s of spans) {
    const id = attribute(s, 'filibuster.execution_id');
    if (id && entryTraces.has(s.traceId)) ids.add(id);
  }
  return ids;
}
interface OtlpBody {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** Every span the collector stub recorded. */
function exportedSpans(file: string): OtlpSpan[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return lines.flatMap((line) => {
    const body = (JSON.parse(line) as { body: OtlpBody }).body;
    return (body.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
  });
}

function attributeText(span: OtlpSpan): string {
  return (span.attributes ?? []).map((a) => `${a.key}=${a.value.stringValue ?? a.value.intValue ?? ''}`).join(' ');
}

async function explore(nodeOptions: string | undefined): Promise<{ outcome: ExplorationOutcome; spans: OtlpSpan[] }> {
  const dir = tempDir();
  const collectorFile = join(dir, 'collector.jsonl');
  const serviceEnv: Record<string, string> = { OTEL_COLLECTOR_FILE: collectorFile };
  if (nodeOptions) serviceEnv.NODE_OPTIONS = nodeOptions;
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/otel-traced.js') },
    servicesConfig: join(ROOT, 'corpus/otel-traced/services.json'),
    dynamicReduction: false,
    serviceEnv,
    outputDir: join(dir, 'out'),
    order: 'dfs',
  });
  return { outcome, spans: exportedSpans(collectorFile) };
}

test('otel-traced: with a user NodeSDK loaded before or after ours, the exploration is the one without it', async () => {
  const plain = await explore(undefined);
  assert.deepEqual(counts(plain.outcome), { ran: 30, pruned: 0, failing: 0 });
  assert.equal(plain.spans.length, 0, 'without tracing nothing is exported');

  for (const [order, options] of [
    ['before', `--require "${TRACING}"`],
    ['after', `--import "${TRACING}"`],
  ] as const) {
    const traced = await explore(options);
    assert.deepEqual(counts(traced.outcome), counts(plain.outcome), `${order}: counts`);
    // Same fault sets in the same order: no exporter call entered the fault space.
    assert.deepEqual(faultSets(traced.outcome), faultSets(plain.outcome), `${order}: fault sets`);
    assert.ok(traced.spans.length > 0, `${order}: the collector received spans`);
    assert.ok(
      traced.spans.some((s) => /\/balance|\/history|\/checkout/.test(`${s.name} ${attributeText(s)}`)),
      `${order}: the application's calls were traced`,
    );
    const ours = traced.spans.filter((s) => /\/filibuster\//.test(`${s.name} ${attributeText(s)}`));
    assert.deepEqual(ours.map((s) => `${s.name} ${attributeText(s)}`), [], `${order}: no span of our control traffic`);
    const toCollector = traced.spans.filter((s) => /\/v1\/traces/.test(attributeText(s)));
    assert.deepEqual(toCollector.map((s) => s.name), [], `${order}: the exporter's own calls are not traced`);

    // Filibuster on the spans: every client span of an http call, every server span of a call, and one
    // faulted span per faulted call, fetch included (undici never sees a faulted request).
    const clients = traced.spans.filter((s) => s.kind === CLIENT && /\/history/.test(attributeText(s)));
    assert.ok(clients.length > 0 && clients.every((s) => attribute(s, 'filibuster.execution_id') && attribute(s, 'filibuster.execution_index') && attribute(s, 'filibuster.vclock') && attribute(s, 'filibuster.generated_id')), `${order}: http client spans carry the Filibuster attributes`);
    const servers = traced.spans.filter((s) => s.kind === SERVER && /ledger|\/balance|\/history/.test(attributeText(s)));
    assert.ok(servers.length > 0 && servers.every((s) => attribute(s, 'filibuster.execution_index')), `${order}: ledger's server spans carry the Filibuster attributes`);
    // The runner stops every service at once, so the spans of the last executions may never be exported:
    // count the executions whose entry span (front's /checkout, the last of an execution to end) was.
    const exported = exportedExecutions(traced.spans);
    assert.ok(exported.size >= 20, `${order}: ${exported.size} of 30 executions exported`);
    // Each execution is one trace (the test's request starts it at front).
    for (const id of exported) {
      const traces = new Set(traced.spans.filter((s) => attribute(s, 'filibuster.execution_id') === id).map((s) => s.traceId));
      assert.equal(traces.size, 1, `${order}: execution ${id} is in ${traces.size} traces`);
    }
    for (const path of ['/balance', '/history']) {
      const spans = traced.spans.filter((s) => faulted(s) && attributeText(s).includes(path));
      const ids = new Set(spans.map((s) => attribute(s, 'filibuster.execution_id')));
      const expected = traced.outcome.results.executions.filter((e) => e.id !== undefined && exported.has(e.id) && e.faults.some((f) => f.description.includes(path)));
      assert.ok(expected.length > 0);
      assert.deepEqual(expected.filter((e) => !ids.has(e.id)).map((e) => e.id), [], `${order}: every faulted call to ${path} has a span`);
    }
  }
});

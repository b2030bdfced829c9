/**
 * `--traces` (standalone traces, for users without OpenTelemetry): the services and the test record
 * OpenTelemetry spans; each execution is one trace rooted in the test's span, its id in results.json
 * (which still validates); every faulted call, fetch included, has a span with the Filibuster attributes;
 * a malformed --traces is a usage error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { traceIdOf } from '../instrumentation/protocol.js';
import { counts } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object);

interface FileSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string }[];
}

test('--traces file=PATH: one trace per execution, rooted in the test; its id in results.json; faulted calls have spans', async () => {
  const dir = tempDir();
  const file = join(dir, 'spans.jsonl');
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/otel-traced.js') },
    servicesConfig: join(ROOT, 'corpus/otel-traced/services.json'),
    dynamicReduction: false,
    order: 'dfs',
    traces: `file=${file}`,
    traceUrl: 'http://viewer.test/trace/{traceId}',
    outputDir: join(dir, 'out'),
  });
  assert.deepEqual(counts(outcome), { ran: 30, pruned: 0, failing: 0 }, 'the same exploration as without traces');
  const results = JSON.parse(readFileSync(outcome.resultsPath, 'utf8'));
  assert.ok(validate(results), JSON.stringify(validate.errors));
  const report = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  assert.ok(report.includes(`http://viewer.test/trace/${outcome.results.executions[0].trace_id}`), 'the report links the trace');
  const spans = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FileSpan);

  for (const e of outcome.results.executions) {
    assert.equal(e.trace_id, traceIdOf(e.id!));
    assert.equal(e.trace_url, `http://viewer.test/trace/${e.trace_id}`);
    const trace = spans.filter((s) => s.traceId === e.trace_id);
    const roots = trace.filter((s) => !s.parentSpanId);
    assert.deepEqual(roots.map((s) => `${s.service}: ${s.name}`), ['functional-test: filibuster execution'], `#${e.number}: one root, the test's`);
    assert.ok(trace.some((s) => s.service === 'front' && s.kind === 1), `#${e.number}: front's server span is in the trace`);
    // Every span that names an execution is in that execution's trace.
    for (const s of spans) if (s.attributes['filibuster.execution_id'] === e.id) assert.equal(s.traceId, e.trace_id);
    const balance = trace.filter((s) => s.kind === 2 && JSON.stringify(s.attributes).includes('/balance'));
    assert.ok(balance.length >= 1 && balance.every((s) => s.attributes['filibuster.execution_index']), `#${e.number}: the fetch's client span carries the Filibuster attributes`);
    for (const f of e.faults) {
      const path = f.description.includes('/balance') ? '/balance' : '/history';
      const faulted = trace.filter((s) => s.events.some((ev) => ev.name === 'filibuster.fault') && JSON.stringify(s.attributes).includes(path));
      assert.equal(faulted.length, 1, `#${e.number}: ${f.description} has one faulted span`);
      assert.ok(faulted[0].attributes['filibuster.execution_index'], `#${e.number}: with the Filibuster attributes`);
    }
  }
});

test('--traces with a malformed value is a usage error (exit 2) naming the accepted forms', async () => {
  const r = await cli(['--test-module', join(DIST, 'functional-tests/otel-traced.js'), '--traces', 'jaeger', '--output-dir', tempDir()]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--traces "jaeger": expected console, file=PATH or otlp=URL/);
  const alone = await cli(['--test-module', join(DIST, 'functional-tests/otel-traced.js'), '--trace-url', 'http://x/{traceId}', '--output-dir', tempDir()]);
  assert.equal(alone.code, 2, alone.stdout + alone.stderr);
  assert.match(alone.stderr, /--trace-url links the traces of --traces/);
});

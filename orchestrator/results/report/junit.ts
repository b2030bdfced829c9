/**
 * junit.xml: one test case per execution run, so CI systems show a run like any test suite. A failing
 * execution is a <failure> (assertion; a leak, of type "leak": the test passed, the application left a
 * call open) or <error> (crash, hang) with its fault set and the test's output;
 * an inconclusive one is an <error> of type "inconclusive" (it proves nothing either way, and the run
 * exits 3 for it, so CI must not read it as passed).
 *
 * The document is valid against both schemas CI tools check JUnit files with: Jenkins' junit-4.xsd and
 * the stricter Apache Ant JUnit schema. The Ant schema has no way to say "skipped" (a test case holds at
 * most one <error> or <failure>; no <skipped> element, no `skipped` attribute), so pruned executions,
 * which were never run, are not test cases: they are listed in the suite's <system-out> and counted in its
 * properties. The Ant schema also fixes the shape: <testsuites> without attributes, each <testsuite> with
 * `id`, `package`, `hostname` and a `timestamp` without time zone, then <properties>, the test cases,
 * <system-out> and <system-err>, in that order and all present; Jenkins' schema wants at least one
 * <property> when <properties> is there.
 */
import { hostname } from 'node:os';
import type { ExecutionResult, RunResults } from '../run-results.js';

export function xmlEscape(text: string): string {
  // Characters XML 1.0 forbids even when escaped are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function faultText(e: ExecutionResult): string {
  return e.faults.length === 0 ? 'no fault' : e.faults.map((f) => f.description).join(' + ');
}

function testCase(e: ExecutionResult, className: string): string {
  const name = xmlEscape(`execution ${e.number}: ${faultText(e)}`);
  const time = ((e.duration_ms ?? 0) / 1000).toFixed(3);
  const open = `    <testcase classname="${xmlEscape(className)}" name="${name}" time="${time}"`;
  const detail = e.detail ?? '';
  const body = xmlEscape(`faults: ${faultText(e)}\n${detail}${e.counterexample ? `\ncounterexample: ${e.counterexample}` : ''}`);
  const message = xmlEscape(detail.split('\n')[0] ?? '');
  switch (e.verdict) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
    case 'leak':
      return `${open}>\n      <failure message="${message}" type="${e.verdict}">${body}</failure>\n    </testcase>`;
    default:
      // crash, hang (a call that never returned says so in its message), inconclusive, not-reproduced
      return `${open}>\n      <error message="${message}" type="${e.verdict ?? 'error'}">${body}</error>\n    </testcase>`;
  }
}

/** Ant's timestamp is an xs:dateTime restricted to YYYY-MM-DDThh:mm:ss: no fraction, no zone (this is UTC). */
function antTimestamp(iso: string): string {
  const date = new Date(iso);
  return (Number.isNaN(date.getTime()) ? new Date(0) : date).toISOString().slice(0, 19);
}

function propertyValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}

/** The run's options and counts; never empty (Jenkins' schema wants at least one <property>). */
function properties(results: RunResults): string[] {
  const c = results.counts;
  const entries: [string, unknown][] = [
    ...Object.entries(results.options),
    ['ran', c.ran],
    ['pruned', c.pruned],
    ['not_explored', c.not_explored],
    ['complete', results.complete],
    ['stop_reason', results.stop_reason],
  ];
  return entries.map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(propertyValue(v))}"/>`);
}

/** Executions pruned by dynamic reduction: not run, so not test cases, but named for the reader. */
function systemOut(results: RunResults): string {
  const pruned = results.executions.filter((e) => e.status === 'pruned');
  if (pruned.length === 0) return '    <system-out/>';
  const lines = [
    `${pruned.length} execution${pruned.length === 1 ? '' : 's'} pruned by dynamic reduction (not run: an execution already run showed the same outcomes):`,
    ...pruned.map((e) => `execution ${e.number}: ${faultText(e)}`),
  ];
  return `    <system-out>${xmlEscape(lines.join('\n'))}</system-out>`;
}

export function junitXml(results: RunResults): string {
  const c = results.counts;
  const name = `filibuster: ${results.test.value}`;
  const ran = results.executions.filter((e) => e.status === 'ran');
  const cases = ran.map((e) => testCase(e, name));
  const failures = c.failed + c.leaked;
  const errors = c.crashed + c.hung + c.inconclusive + c.not_reproduced;
  const time = (results.wall_ms / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite name="${xmlEscape(name)}" tests="${ran.length}" failures="${failures}" errors="${errors}" time="${time}" timestamp="${antTimestamp(results.started_at)}" hostname="${xmlEscape(hostname() || 'localhost')}" id="0" package="filibuster">`,
    '    <properties>',
    ...properties(results),
    '    </properties>',
    ...cases,
    systemOut(results),
    '    <system-err/>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * junit.xml: one test case per execution, so CI systems show a run like any test suite. A failing
 * execution is a <failure> (assertion) or <error> (crash, hang) with its fault set and the test's output;
 * a pruned one is <skipped> (dynamic reduction showed it cannot change the outcome); an inconclusive one
 * is <skipped> with the reason, since it proves nothing either way.
 */
import type { ExecutionResult, RunResults } from '../results.js';

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
  if (e.status === 'pruned') return `${open}>\n      <skipped message="pruned by dynamic reduction"/>\n    </testcase>`;
  const detail = e.detail ?? '';
  const body = xmlEscape(`faults: ${faultText(e)}\n${detail}${e.counterexample ? `\ncounterexample: ${e.counterexample}` : ''}`);
  const message = xmlEscape(detail.split('\n')[0] ?? '');
  switch (e.verdict) {
    case 'pass':
      return `${open}/>`;
    case 'inconclusive':
      return `${open}>\n      <skipped message="inconclusive: ${message}"/>\n    </testcase>`;
    case 'fail':
      return `${open}>\n      <failure message="${message}" type="fail">${body}</failure>\n    </testcase>`;
    default:
      return `${open}>\n      <error message="${message}" type="${e.verdict ?? 'error'}">${body}</error>\n    </testcase>`;
  }
}

export function junitXml(results: RunResults): string {
  const c = results.counts;
  const name = `filibuster: ${results.test.value}`;
  const cases = results.executions.map((e) => testCase(e, name));
  const failures = c.failed;
  const errors = c.crashed + c.hung;
  const skipped = c.pruned + c.inconclusive;
  const time = (results.wall_ms / 1000).toFixed(3);
  const timestamp = results.started_at.replace(/\.\d+Z$/, '');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="filibuster" tests="${results.executions.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${results.executions.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${timestamp}" hostname="localhost" id="0" package="filibuster">`,
    '    <properties>',
    ...Object.entries(results.options).map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(String(v))}"/>`),
    '    </properties>',
    ...cases,
    '    <system-out/>',
    '    <system-err/>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

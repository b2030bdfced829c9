/**
 * The architecture of the README holds in the code: every import is one the "Architecture" table allows,
 * no two files import each other in a circle, and the checker catches both when they are added on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forbiddenImports, importCycles, importGraph, parseRules, partOf, readSources } from './import-rules.js';
import { ROOT } from './helpers.js';

const rules = parseRules(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const sources = readSources(ROOT);

const show = (v: { from: string; to: string; why: string }[]) => v.map((x) => `${x.from} → ${x.to}: ${x.why}`).join('\n');

test('the README table names the parts of the design, each with files', () => {
  const parts = rules.map((r) => r.part);
  for (const p of ['protocol', 'instrumentation', 'analysis', 'corpus', 'functional tests', 'server', 'search', 'catalogue', 'run', 'results', 'cli']) assert.ok(parts.includes(p), `no row for ${p}`);
  for (const r of rules) {
    assert.ok(r.patterns.length > 0, `${r.part}: no files`);
    if (r.mayImport !== 'anything') for (const p of r.mayImport) assert.ok(parts.includes(p), `${r.part} may import ${p}, which is no part`);
  }
  assert.equal(partOf('instrumentation/protocol.ts', rules), 'protocol');
  assert.equal(partOf('instrumentation/http.ts', rules), 'instrumentation');
  assert.equal(partOf('orchestrator/option-error.ts', rules), 'helpers');
  assert.equal(partOf('orchestrator/run/exploration.ts', rules), 'run');
});

test('every import is one the table allows, and there is no import cycle', () => {
  assert.ok(sources.size > 200, `only ${sources.size} sources found`);
  const graph = importGraph(sources);
  assert.equal(show(forbiddenImports(graph, rules)), '');
  assert.deepEqual(importCycles(graph), []);
});

test('nothing in analysis/, corpus/ or instrumentation/ imports orchestrator/', () => {
  const graph = importGraph(sources);
  const crossing = [...graph].flatMap(([from, to]) => (/^(analysis|corpus|instrumentation)\//.test(from) ? to.filter((t) => t.startsWith('orchestrator/')).map((t) => `${from} → ${t}`) : []));
  assert.deepEqual(crossing, []);
});

test('an import the table forbids is caught', () => {
  const changed = new Map(sources);
  changed.set('analysis/summary.ts', `import { explore } from '../orchestrator/run/exploration.js';\n${sources.get('analysis/summary.ts')}`);
  changed.set('orchestrator/search/frontier.ts', `import type { Session } from '../server/session.js';\n${sources.get('orchestrator/search/frontier.ts')}`);
  const found = show(forbiddenImports(importGraph(changed), rules));
  assert.match(found, /analysis\/summary\.ts → orchestrator\/run\/exploration\.ts: analysis may not import run/);
  assert.match(found, /orchestrator\/search\/frontier\.ts → orchestrator\/server\/session\.ts: search may not import server/);
});

test('an import cycle is caught, type-only imports included', () => {
  const changed = new Map(sources);
  // explorer.ts imports frontier.ts; frontier.ts importing a type of explorer.ts closes a circle.
  changed.set('orchestrator/search/frontier.ts', `import type { Explorer } from './explorer.js';\n${sources.get('orchestrator/search/frontier.ts')}`);
  const cycles = importCycles(importGraph(changed));
  assert.equal(cycles.length, 1);
  assert.ok(cycles[0].includes('orchestrator/search/frontier.ts') && cycles[0].includes('orchestrator/search/explorer.ts'), cycles[0].join(' '));
  assert.deepEqual(forbiddenImports(importGraph(changed), rules), [], 'a cycle inside one part is not a forbidden edge: only the cycle check catches it');
});

test('a file in no part of the table is caught', () => {
  const changed = new Map(sources);
  changed.set('orchestrator/newroom/thing.ts', 'export const x = 1;\n');
  assert.match(show(forbiddenImports(importGraph(changed), rules)), /orchestrator\/newroom\/thing\.ts → : belongs to no part/);
});

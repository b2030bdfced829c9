/**
 * The import rules of the README's "Architecture" table, as a checker: which part each source file belongs
 * to, which parts it may import, and the import cycles between files. Pure functions over file texts, so
 * a test can check the real tree and a tree with a forbidden edge or a cycle added on purpose.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';

export interface PartRule {
  part: string;
  /** `dir/` (everything under it), `dir/*.ts` (its loose files) or a file path. */
  patterns: string[];
  /** Parts it may import; `anything` for tests and benchmarks. */
  mayImport: Set<string> | 'anything';
}

export interface Violation {
  from: string;
  to: string;
  why: string;
}

/** The first table under "## Architecture" whose header is `| part | files | may import |`. */
export function parseRules(readme: string): PartRule[] {
  const section = readme.slice(readme.indexOf('## Architecture'));
  const lines = section.split('\n');
  const header = lines.findIndex((l) => /^\|\s*part\s*\|\s*files\s*\|\s*may import\s*\|/.test(l));
  if (header < 0) throw new Error('README: no "| part | files | may import |" table under "## Architecture"');
  const rules: PartRule[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [part, files, may] = line.split('|').slice(1, 4).map((c) => c.trim());
    const patterns = [...files.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const mayImport = may === 'anything' ? 'anything' : new Set(may === '—' ? [] : may.split(',').map((p) => p.trim()));
    rules.push({ part, patterns, mayImport });
  }
  return rules;
}

/** The part a file belongs to: the rule with the most specific matching pattern. */
export function partOf(file: string, rules: readonly PartRule[]): string | undefined {
  let best: { part: string; weight: number } | undefined;
  for (const rule of rules) {
    for (const p of rule.patterns) {
      let weight = -1;
      if (p === file) weight = 3;
      else if (p.endsWith('/*.ts') && dirname(file) === p.slice(0, -5) && file.endsWith('.ts')) weight = 2;
      else if (p.endsWith('/') && file.startsWith(p)) weight = 1;
      if (weight > (best?.weight ?? -1)) best = { part: rule.part, weight };
    }
  }
  return best?.part;
}

/** Relative imports (static, type-only, re-exports and dynamic) of one file, as repository paths of .ts files. */
export function importsOf(file: string, text: string, exists: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    const spec = imported.fileName;
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    if (exists(target)) out.push(target);
  }
  return out;
}

/** Every import that the rules forbid, and every file without a part. */
export function forbiddenImports(graph: ReadonlyMap<string, readonly string[]>, rules: readonly PartRule[]): Violation[] {
  const byPart = new Map(rules.map((r) => [r.part, r]));
  const violations: Violation[] = [];
  for (const [from, targets] of graph) {
    const part = partOf(from, rules);
    if (!part) {
      violations.push({ from, to: '', why: 'belongs to no part of the table' });
      continue;
    }
    const allowed = byPart.get(part)!.mayImport;
    for (const to of targets) {
      const target = partOf(to, rules);
      if (target === part || allowed === 'anything') continue;
      if (!target || !allowed.has(target)) violations.push({ from, to, why: `${part} may not import ${target ?? 'a file of no part'}` });
    }
  }
  return violations;
}

/** The import cycles between files: each strongly connected component of more than one file, or a file importing itself. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so a deep chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const to = targets[frame.next++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || (graph.get(frame.node) ?? []).includes(frame.node)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

const SOURCE_ROOTS = ['instrumentation', 'orchestrator', 'analysis', 'corpus', 'functional-tests', 'test', 'bench'];
/** Analysed as data by the analyser's tests, never compiled: their imports are not ours. */
const NOT_OURS = ['test/fixtures/analysis/'];

/** The repository's TypeScript sources (relative paths), with their texts. */
export function readSources(root: string): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = `${dir}/${name}`;
      if (name === 'node_modules' || NOT_OURS.some((p) => `${rel}/`.startsWith(p))) continue;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) texts.set(rel, readFileSync(join(root, rel), 'utf8'));
    }
  };
  for (const dir of SOURCE_ROOTS) if (existsSync(join(root, dir))) walk(dir);
  return texts;
}

export function importGraph(texts: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of texts) graph.set(file, importsOf(file, text, (p) => texts.has(p)));
  return graph;
}

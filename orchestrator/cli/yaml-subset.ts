/**
 * A reader for the part of YAML compose files and the examples use (examples/docker-compose,
 * examples/kubernetes), so that `filibuster init` and the tests read them without a YAML dependency:
 * documents split by `---`, block mappings and sequences (a sequence item may open a mapping:
 * `- name: PORT`), flow sequences of scalars (`["node", "a.js"]`),
 * plain, single- and double-quoted scalars, comments. Plain integers become numbers and true/false
 * booleans; every other scalar is a string. Anything else (anchors, aliases, block scalars, flow mappings,
 * tabs) is refused with its line, so a file is never misread: it is refused, saying where.
 */

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  n: number;
  indent: number;
  text: string;
}

export class YamlSubsetError extends Error {}

export function parseYamlDocuments(source: string): Yaml[] {
  const docs: Line[][] = [[]];
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new YamlSubsetError(`line ${i + 1}: tabs are not read`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') return;
    if (text === '---') docs.push([]);
    else docs[docs.length - 1].push({ n: i + 1, indent: text.length - text.trimStart().length, text: text.trimStart() });
  });
  return docs.filter((d) => d.length > 0).map((lines) => {
    const at = { i: 0 };
    const value = block(lines, at, lines[0].indent);
    if (at.i < lines.length) throw new YamlSubsetError(`line ${lines[at.i].n}: unexpected indentation`);
    return value;
  });
}

/** The line without its comment (a `#` at its start or after a space, outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i);
  }
  return line;
}

function block(lines: Line[], at: { i: number }, indent: number): Yaml {
  return lines[at.i].text.startsWith('- ') || lines[at.i].text === '-' ? sequence(lines, at, indent) : mapping(lines, at, indent);
}

function sequence(lines: Line[], at: { i: number }, indent: number): Yaml[] {
  const out: Yaml[] = [];
  while (at.i < lines.length && lines[at.i].indent === indent && lines[at.i].text.startsWith('-')) {
    const line = lines[at.i];
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      at.i++;
      out.push(nested(lines, at, indent));
    } else if (keyOf(rest)) {
      // "- key: value" opens a mapping whose other keys sit under "key".
      const inner = indent + (line.text.length - rest.length);
      lines[at.i] = { n: line.n, indent: inner, text: rest };
      out.push(mapping(lines, at, inner));
    } else {
      at.i++;
      out.push(scalar(rest, line.n));
    }
  }
  return out;
}

function mapping(lines: Line[], at: { i: number }, indent: number): { [key: string]: Yaml } {
  const out: { [key: string]: Yaml } = {};
  while (at.i < lines.length && lines[at.i].indent === indent) {
    const line = lines[at.i];
    const key = keyOf(line.text);
    if (!key) throw new YamlSubsetError(`line ${line.n}: expected "key: value"`);
    if (key.name in out) throw new YamlSubsetError(`line ${line.n}: key ${key.name} given twice`);
    at.i++;
    out[key.name] = key.rest === '' ? nested(lines, at, indent, true) : scalar(key.rest, line.n);
  }
  return out;
}

/** The block under a line that ended with ":" or "-" (a mapping's sequence may sit at the key's own indent). */
function nested(lines: Line[], at: { i: number }, indent: number, sameIndentSequence = false): Yaml {
  const next = lines[at.i];
  if (next && (next.indent > indent || (sameIndentSequence && next.indent === indent && next.text.startsWith('- ')))) return block(lines, at, next.indent);
  return null;
}

function keyOf(text: string): { name: string; rest: string } | undefined {
  const m = /^("[^"]*"|'[^']*'|[A-Za-z0-9_.\/-]+):(?: +(.*)|$)/.exec(text);
  if (!m) return undefined;
  const name = /^["']/.test(m[1]) ? m[1].slice(1, -1) : m[1];
  return { name, rest: (m[2] ?? '').trim() };
}

function scalar(text: string, n: number): Yaml {
  if (/^[&*|>{!%@`]/.test(text)) throw new YamlSubsetError(`line ${n}: ${text[0]} is not read by this subset`);
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new YamlSubsetError(`line ${n}: a flow sequence must end on its line`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : splitFlow(inner, n).map((item) => scalar(item, n));
  }
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new YamlSubsetError(`line ${n}: unterminated or trailing text after "…"`);
    return JSON.parse(text) as string;
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new YamlSubsetError(`line ${n}: unterminated or trailing text after '…'`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/: |\s#/.test(text)) throw new YamlSubsetError(`line ${n}: ambiguous plain scalar ${text} (quote it)`);
  return text;
}

function splitFlow(inner: string, n: number): string[] {
  const items: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') throw new YamlSubsetError(`line ${n}: nested flow collections are not read`);
    else if (c === ',') {
      items.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(inner.slice(start).trim());
  return items;
}

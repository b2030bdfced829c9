/**
 * coverage/faults.html: the services' sources with every line marked by who reached it: the fault-free
 * execution, only the fault-injected executions (the error handling the exploration exercised and a
 * plain test never does), or no execution. Self-contained, like report.html; the files with lines reached
 * only under faults come first and open, the others closed. c8's own pages (coverage/all/) link to it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Per file (relative to the sources' root): every instrumentable line and whether it was reached. */
export type LineHits = Map<string, Map<number, boolean>>;

export type LineMark = 'fault-only' | 'covered' | 'missed' | 'plain';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** How a line reads: reached by the fault-free execution, only under faults, never, or not code. */
export function lineMark(line: number, all: Map<number, boolean> | undefined, faultFree: Map<number, boolean> | undefined): LineMark {
  if (faultFree?.get(line)) return 'covered';
  const hit = all?.get(line);
  if (hit === undefined) return 'plain';
  return hit ? 'fault-only' : 'missed';
}

function fileSection(file: string, root: string, all: Map<number, boolean>, faultFree: Map<number, boolean> | undefined, index: number): string {
  const path = join(root, file);
  const source = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : undefined;
  const marks = source?.map((_, i) => lineMark(i + 1, all, faultFree)) ?? [];
  const faultOnly = marks.filter((m) => m === 'fault-only').length;
  const title = `${escape(file)} — ${faultOnly} line${faultOnly === 1 ? '' : 's'} reached only under faults`;
  if (!source) return `<section class="file"><h2>${title}</h2><p class="muted">The source is not where the coverage says (${escape(path)}).</p></section>`;
  const lines = source.map((text, i) => `<span class="line ${marks[i]}" id="f${index}-L${i + 1}"><span class="n">${i + 1}</span>${escape(text) || ' '}</span>`);
  return `<details class="file"${faultOnly > 0 ? ' open' : ''} data-file="${escape(file)}"><summary>${title}</summary><pre>${lines.join('\n')}</pre></details>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}summary{cursor:pointer;font-weight:bold;margin:.6em 0}
pre{font:12px/1.5 monospace;background:#fafafa;border:1px solid #eee;padding:.4em 0;overflow:auto}.line{display:block;padding-right:1em}
.n{display:inline-block;width:4em;padding-right:1em;text-align:right;color:#999;user-select:none}
.fault-only{background:#fed7aa}.fault-only .n{color:#9a3412;font-weight:bold}.covered{background:#dcfce7}.missed{background:#fee2e2}.muted{color:#777}
.key span{padding:0 .4em;margin-right:.6em}`;

/** The page for `all` (every execution) against `faultFree`, sources read under `root`. */
export function faultLinesHtml(all: LineHits, faultFree: LineHits, root: string): string {
  const files = [...all.keys()].sort((a, b) => {
    const only = (f: string) => [...all.get(f)!].filter(([l, hit]) => hit && !faultFree.get(f)?.get(l)).length;
    return Number(only(b) > 0) - Number(only(a) > 0) || a.localeCompare(b);
  });
  const sections = files.map((f, i) => fileSection(f, root, all.get(f)!, faultFree.get(f), i));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>filibuster coverage: lines reached only under faults</title><style>${STYLE}</style></head><body>
<h1>Lines reached only under faults</h1>
<p class="key"><span class="fault-only">reached only in fault-injected executions</span><span class="covered">reached by the fault-free execution</span><span class="missed">reached by no execution</span></p>
${sections.join('\n')}
</body></html>
`;
}

/** Writes coverage/faults.html and links it from c8's index page, when there is one. */
export function writeFaultLines(dir: string, all: LineHits, faultFree: LineHits, root: string): void {
  writeFileSync(join(dir, 'faults.html'), faultLinesHtml(all, faultFree, root));
  const index = join(dir, 'all', 'index.html');
  if (!existsSync(index)) return;
  const html = readFileSync(index, 'utf8');
  if (html.includes('href="../faults.html"')) return;
  writeFileSync(index, html.replace(/<body[^>]*>/, (body) => `${body}<p style="margin:1em 2em"><a href="../faults.html">The lines reached only under faults, marked in the sources</a></p>`));
}

/**
 * report.html: one self-contained page (no script, no network) that a developer reads after a run:
 * the summary, the failures grouped by cause, the resiliency matrix, and every execution with its call
 * tree in causal order (faulted calls marked). Rendered on the server side, so it reads the same in any
 * browser, in a CI artifact viewer, or with scripts disabled.
 */
import type { CallNode } from '../call-tree.js';
import type { ExecutionResult, RunResults } from '../run-results.js';
import { failureBlocks } from './failure-html.js';
import { htmlEscape } from './html-escape.js';
import { resiliencyMatrix, type CellState } from './matrix.js';

export { htmlEscape };

/** Call trees drawn in full for at most this many executions (failing ones always); results.json has all. */
const MAX_TREES = 2000;

const READABLE: Record<string, string> = {
  'node.ECONNREFUSED': 'connection refused',
  'node.ECONNRESET': 'connection reset',
  'node.Timeout': 'timeout',
};

/** "node.ECONNREFUSED on foo → bar (GET /bar)" → "connection refused on foo → bar (GET /bar)". */
export function readable(description: string): string {
  const space = description.indexOf(' ');
  const name = space < 0 ? description : description.slice(0, space);
  return (READABLE[name] ?? name) + (space < 0 ? '' : description.slice(space));
}

function faultText(e: ExecutionResult): string {
  return e.faults.length === 0 ? 'no fault' : e.faults.map((f) => readable(f.description)).join(' + ');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0];
}

const isFailing = (e: ExecutionResult) => e.status === 'ran' && (e.verdict === 'fail' || e.verdict === 'crash' || e.verdict === 'hang');

function tree(nodes: readonly CallNode[]): string {
  if (nodes.length === 0) return '<p class="muted">No instrumented call.</p>';
  const items = nodes.map((n) => {
    const cls = n.fault ? 'call faulted' : 'call';
    const mark = n.fault ? ` <span class="fault">injected: ${htmlEscape(readable(n.fault).replace(/ on .*$/, ''))}</span>` : '';
    return `<li class="${cls}" style="margin-left:${n.depth * 1.5}em"><span class="edge">${htmlEscape(n.source)} → ${htmlEscape(n.target)}</span> <code>${htmlEscape(n.method)} ${htmlEscape(n.path)}</code> <span class="outcome">${htmlEscape(n.outcome)}</span>${mark}</li>`;
  });
  return `<ol class="tree">${items.join('')}</ol>`;
}

function summary(r: RunResults): string {
  const c = r.counts;
  const rows: [string, string][] = [
    ['Test', r.test.value],
    ['Services', String(r.options.services_config ?? '—')],
    ['Executions ran', String(c.ran)],
    ['Pruned (not run: dynamic reduction showed they cannot change the outcome)', String(c.pruned)],
    ['Not explored', `${c.not_explored}${r.complete ? '' : ` (stopped early: ${r.stop_reason})`}`],
    ['Passed', String(c.passed)],
    ['Failed (assertion)', String(c.failed)],
    ['Crashed', String(c.crashed)],
    ['Hung', String(c.hung)],
    ['Inconclusive', String(c.inconclusive)],
    ...(c.not_reproduced ? [['Not reproduced', String(c.not_reproduced)] as [string, string]] : []),
    ['Wall time', `${(r.wall_ms / 1000).toFixed(2)} s`],
    ['Started', r.started_at],
  ];
  return `<table class="summary">${rows.map(([k, v]) => `<tr><th>${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`).join('')}</table>`;
}

/** Failures grouped by their minimal failing fault set (triage), each with one counterexample. */
function triageGroups(r: RunResults): string {
  const groups = r.triage!.groups;
  if (groups.length === 0) return '<p class="ok">No failing execution.</p>';
  const parts = groups.map((g) => {
    const faults = g.faults.length === 0 ? 'no fault needed' : g.faults.map((f) => readable(f.description)).join(' + ');
    const link = g.counterexample ? ` — counterexample <a href="${htmlEscape(g.counterexample)}">${htmlEscape(g.counterexample)}</a>` : '';
    const members = g.executions.map((n) => `<a href="#execution-${n}">#${n}</a>`).join(' ');
    const count = `${g.executions.length} execution${g.executions.length === 1 ? '' : 's'}`;
    const detail = g.detail ? `<p>${htmlEscape(firstLine(g.detail))}</p>` : '';
    if (g.signature) {
      // Not minimised (triage was cut short): the executions share this signature; one is shown as an example.
      const s = g.signature;
      const head = `<strong>${htmlEscape(s.verdict)} at ${htmlEscape(s.entry)}</strong>: ${htmlEscape(s.error || 'no message')} (${count}; grouped by signature, not minimised: triage was cut short)`;
      const example = `<p>Faulted edges: ${htmlEscape(s.edges.join(', ') || 'none')}. For example <a href="#execution-${s.example}">#${s.example}</a>: ${htmlEscape(faults)}${link}</p>`;
      return `<li class="cause" id="group-${g.id}"><p>${head}</p>${example}${detail}<p class="muted">Executions: ${members}</p></li>`;
    }
    const minimal = g.minimal ? 'minimal fault set' : 'fault set (not minimised: triage was cut short)';
    return `<li class="cause" id="group-${g.id}"><p><strong>${htmlEscape(faults)}</strong> → ${htmlEscape(g.verdict)} (${count}; ${minimal}; ${htmlEscape(g.stability)})${link}</p>${detail}<p class="muted">Executions: ${members}</p></li>`;
  });
  const stopped = r.triage!.stopped ? `<p class="muted">Triage stopped: ${htmlEscape(r.triage!.stopped)}</p>` : '';
  return `<p>${groups.length} distinct failure${groups.length === 1 ? '' : 's'} (failing executions grouped by their minimal failing fault set, or by signature where triage was cut short).</p><ul class="causes">${parts.join('')}</ul>${stopped}`;
}

/** Failures grouped by what went wrong: by minimal fault set when triage ran, else by verdict and message. */
function failureGroups(r: RunResults): string {
  if (r.triage) return triageGroups(r);
  const groups = new Map<string, ExecutionResult[]>();
  for (const e of r.executions.filter(isFailing)) {
    const key = `${e.verdict}: ${firstLine(e.detail)}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  if (groups.size === 0) return '<p class="ok">No failing execution.</p>';
  const parts = [...groups].map(([cause, list]) => {
    const first = list[0];
    const link = first.counterexample ? ` — counterexample <a href="${htmlEscape(first.counterexample)}">${htmlEscape(first.counterexample)}</a>` : '';
    const members = list.map((e) => `<a href="#execution-${e.number}">#${e.number}</a>`).join(' ');
    return `<li class="cause"><p><strong>${htmlEscape(cause)}</strong> (${list.length} execution${list.length === 1 ? '' : 's'})</p><p>First: #${first.number}, ${htmlEscape(faultText(first))}${link}</p><p class="muted">All: ${members}</p></li>`;
  });
  return `<p>${groups.size} distinct cause${groups.size === 1 ? '' : 's'}.</p><ul class="causes">${parts.join('')}</ul>`;
}

const CELL_TEXT: Record<CellState, string> = { up: 'up', degraded: 'degraded', leak: 'leak', down: 'down', crash: 'crash', pruned: 'pruned', untested: 'untested', none: '—' };

function matrix(r: RunResults): string {
  const m = resiliencyMatrix(r);
  if (m.edges.length === 0) return '<p class="muted">No dependency edge was seen.</p>';
  const head = `<tr><th>entry point \\ edge</th>${m.edges.map((e) => `<th>${htmlEscape(e)}</th>`).join('')}</tr>`;
  const rows = m.entryPoints.map((entry) => {
    const cells = m.edges.map((edge) => {
      const cell = m.cells[entry][edge];
      const title = cell.executions.length ? `single-fault executions: ${cell.executions.map((n) => `#${n}`).join(', ')}` : 'no single-fault execution';
      return `<td class="cell ${cell.state}" data-entry="${htmlEscape(entry)}" data-edge="${htmlEscape(edge)}" title="${htmlEscape(title)}">${CELL_TEXT[cell.state]}</td>`;
    });
    return `<tr><th>${htmlEscape(entry)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix">${head}${rows.join('')}</table>
<p class="muted">Each cell: the worst outcome of the single-fault executions on that edge. up = the test passed and the entry point answered as without faults; degraded = the test passed with a different answer, or a <code>sometimes</code> property (a fallback) held; leak = the test passed but a call was left open after it; down = the test failed; crash = a service crashed; a pruned execution counts as the execution it was pruned as (it would have shown the same), and pruned = dynamic reduction skipped them without saying which; untested = no fault applied to that edge; — = the entry point never called that edge.</p>`;
}

function executions(r: RunResults): string {
  let drawn = 0;
  const rows = r.executions.map((e) => {
    const verdict = e.status === 'pruned' ? 'pruned' : (e.verdict ?? '');
    const link = e.counterexample ? `<a href="${htmlEscape(e.counterexample)}">counterexample</a>` : '';
    const draw = e.status === 'ran' && (isFailing(e) || drawn < MAX_TREES);
    if (draw) drawn++;
    const details =
      e.status !== 'ran'
        ? ''
        : draw
          ? `<details${isFailing(e) ? ' open' : ''}><summary>call tree (${e.tree?.length ?? 0})</summary>${tree(e.tree ?? [])}${e.detail ? `<pre>${htmlEscape(e.detail)}</pre>` : ''}</details>${isFailing(e) ? failureBlocks(e) : ''}`
          : '<span class="muted">in results.json</span>';
    return `<tr id="execution-${e.number}" class="execution verdict-${htmlEscape(verdict)}"><td>#${e.number}</td><td>${htmlEscape(faultText(e))}</td><td class="verdict">${htmlEscape(verdict)}</td><td>${e.duration_ms ?? ''}${e.duration_ms !== undefined ? ' ms' : ''}</td><td>${link}</td><td>${details}</td></tr>`;
  });
  return `<table class="executions"><tr><th>#</th><th>faults</th><th>verdict</th><th>duration</th><th></th><th></th></tr>${rows.join('')}</table>`;
}

function properties(r: RunResults): string {
  if (!r.properties || r.properties.length === 0) return '<p class="muted">No sometimes/always/unreachable property was evaluated.</p>';
  const rows = r.properties.map(
    (p) =>
      `<tr class="property ${p.satisfied ? 'satisfied' : 'violated'}"><td>${htmlEscape(p.kind)}</td><td>${htmlEscape(p.name)}</td><td>${p.held_in}</td><td>${p.failed_in}</td><td class="verdict">${p.satisfied ? 'satisfied' : 'violated'}</td><td>${htmlEscape(p.verdict)}</td></tr>`,
  );
  return `<table class="properties"><tr><th>kind</th><th>name</th><th>held in</th><th>failed in</th><th></th><th></th></tr>${rows.join('')}</table>`;
}

function backgroundCalls(r: RunResults): string {
  if (r.background_calls.length === 0) return '<p class="muted">None.</p>';
  return `<ul>${r.background_calls.map((c) => `<li><code>${htmlEscape(c)}</code></li>`).join('')}</ul>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
.summary th{background:#f6f6f6;font-weight:normal}
.muted{color:#777}.ok{color:#1a7f37}
.verdict-fail .verdict,.verdict-crash .verdict,.verdict-hang .verdict,.verdict-leak .verdict{color:#b42318;font-weight:bold}
.verdict-pruned{color:#777}.property.violated .verdict{color:#b42318;font-weight:bold}
.cell.up{background:#dcfce7}.cell.degraded{background:#fef9c3}.cell.down{background:#fee2e2;font-weight:bold}.cell.crash{background:#fca5a5;font-weight:bold}.cell.leak{background:#fed7aa}.cell.none{color:#9ca3af}.cell.pruned{background:#f3f4f6}
.tree{list-style:none;padding-left:0;margin:.3em 0}.call.faulted{color:#b42318}.fault{font-weight:bold}
.outcome{font-family:monospace}pre{white-space:pre-wrap;max-width:60em}
.readable details{margin:.3em 0}.readable summary{cursor:pointer;color:#444}.readable pre{background:#f6f6f6;padding:.4em;max-height:40em;overflow:auto}
.headers th{font-weight:normal;font-family:monospace}.headers td{font-family:monospace}
`;

export function reportHtml(r: RunResults): string {
  const failing = r.executions.filter(isFailing).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>filibuster report: ${htmlEscape(r.test.value)}</title><style>${STYLE}</style></head>
<body>
<h1>filibuster: ${failing === 0 ? 'no failing execution' : `${failing} failing execution${failing === 1 ? '' : 's'}`}</h1>
<section id="summary"><h2>Summary</h2>${summary(r)}</section>
<section id="failures"><h2>Failures by cause</h2>${failureGroups(r)}</section>
<section id="properties"><h2>Properties</h2>${properties(r)}</section>
<section id="matrix"><h2>Resiliency matrix</h2>${matrix(r)}</section>
<section id="executions"><h2>Executions</h2>${executions(r)}</section>
<section id="background"><h2>Not explored: calls outside any request, and connections the instrumentation does not cover (HTTP/2, raw TCP/TLS)</h2>${backgroundCalls(r)}</section>
</body></html>
`;
}

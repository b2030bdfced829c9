/**
 * report.html: one self-contained page (nothing fetched: styles, script and data inline) that a developer
 * works from after a run: the summary, the failures grouped by cause with the command that replays each,
 * the services as a graph coloured by the resiliency matrix, the matrix itself, and the executions,
 * failing ones first, rendered a page at a time from an embedded blob by the page's script (report-data.ts,
 * report-client.ts), with filters kept in the URL. Everything but the execution list reads without scripts.
 */
import type { ExecutionResult, RunResults } from '../run-results.js';
import { htmlEscape } from './html-escape.js';
import { resiliencyMatrix, type CellState } from './matrix.js';
import { readable } from './readable.js';
import { CLIENT_SCRIPT } from './report-client.js';
import { embeddedJson, isFailingResult, reportData } from './report-data.js';
import { STYLE } from './report-style.js';
import { serviceGraph } from './service-graph.js';

export { htmlEscape, readable };

/** How the report names the command replaying a counterexample (relative to the results folder). */
export interface ReplayOptions {
  /** The command, as the CLI prints it; absent when the test cannot be replayed from the CLI. */
  command?: (counterexample: string) => string;
  /** What to do instead, when there is no command. */
  note?: string;
}

function faultText(e: ExecutionResult): string {
  return e.faults.length === 0 ? 'no fault' : e.faults.map((f) => readable(f.description)).join(' + ');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0];
}

const isFailing = isFailingResult;

/** The replay command of a counterexample, with a copy button; the note when there is none. */
function replayLine(counterexample: string | undefined, replay: ReplayOptions): string {
  if (!counterexample) return '';
  if (!replay.command) return replay.note ? `<p class="replay muted">${htmlEscape(replay.note)}</p>` : '';
  const command = replay.command(counterexample);
  return `<div class="replay"><span class="label">replay: </span><code class="replay-command">${htmlEscape(command)}</code><button type="button" class="copy" data-text="${htmlEscape(command)}">copy</button></div>`;
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
function triageGroups(r: RunResults, replay: ReplayOptions): string {
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
      return `<li class="cause" id="group-${g.id}"><p>${head}</p>${example}${replayLine(g.counterexample, replay)}${detail}<p class="muted">Executions: ${members}</p></li>`;
    }
    const minimal = g.minimal ? 'minimal fault set' : 'fault set (not minimised: triage was cut short)';
    return `<li class="cause" id="group-${g.id}"><p><strong>${htmlEscape(faults)}</strong> → ${htmlEscape(g.verdict)} (${count}; ${minimal}; ${htmlEscape(g.stability)})${link}</p>${replayLine(g.counterexample, replay)}${detail}<p class="muted">Executions: ${members}</p></li>`;
  });
  const stopped = r.triage!.stopped ? `<p class="muted">Triage stopped: ${htmlEscape(r.triage!.stopped)}</p>` : '';
  return `<p>${groups.length} distinct failure${groups.length === 1 ? '' : 's'} (failing executions grouped by their minimal failing fault set, or by signature where triage was cut short).</p><ul class="causes">${parts.join('')}</ul>${stopped}`;
}

/** Failures grouped by what went wrong: by minimal fault set when triage ran, else by verdict and message. */
function failureGroups(r: RunResults, replay: ReplayOptions): string {
  if (r.triage) return triageGroups(r, replay);
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
    return `<li class="cause"><p><strong>${htmlEscape(cause)}</strong> (${list.length} execution${list.length === 1 ? '' : 's'})</p><p>First: <a href="#execution-${first.number}">#${first.number}</a>, ${htmlEscape(faultText(first))}${link}</p>${replayLine(first.counterexample, replay)}<p class="muted">All: ${members}</p></li>`;
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

/** The filters, the pager and the table the page's script fills (report-client.ts). */
function executions(r: RunResults): string {
  const verdicts = ['fail', 'crash', 'hang', 'leak', 'pass', 'inconclusive', 'not-reproduced', 'pruned'].filter((v) => r.executions.some((e) => (e.status === 'pruned' ? 'pruned' : e.verdict) === v));
  const filters = `<form class="filters" onsubmit="return false">
<label>verdict <select id="filter-verdict"><option value="">any</option>${verdicts.map((v) => `<option>${v}</option>`).join('')}</select></label>
<label>faulted edge <select id="filter-edge"><option value="">any</option></select></label>
<label>fault type <select id="filter-kind"><option value="">any</option></select></label>
<label>search <input id="filter-text" type="search" placeholder="text in faults, errors, calls"></label>
</form>`;
  const pager = `<p class="pager"><button type="button" id="page-prev">← previous</button> <span id="execution-info"></span> <button type="button" id="page-next">next →</button></p>`;
  return `${filters}${pager}<noscript><p>The list of executions is drawn by the page's script; results.json holds every execution.</p></noscript>
<table class="executions"><thead><tr><th>#</th><th>faults</th><th>verdict</th><th>duration</th><th></th><th></th></tr></thead><tbody id="execution-list"></tbody></table>`;
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

/** The copy buttons of the server-rendered replay commands (the execution list's are the client's own). */
const COPY_SCRIPT = `document.querySelectorAll('button.copy[data-text]').forEach(function (b) { b.addEventListener('click', function () { var t = b.getAttribute('data-text'); var ok = function () { b.textContent = 'copied'; }; if (navigator.clipboard) navigator.clipboard.writeText(t).then(ok, ok); }); });`;

/** The page for `r`; `replay` names the command that replays a counterexample (the CLI's own). */
export function reportHtml(r: RunResults, replay: ReplayOptions = {}): string {
  const failing = r.executions.filter(isFailing).length;
  const data = reportData(r, replay.command, replay.note);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>filibuster report: ${htmlEscape(r.test.value)}</title><style>${STYLE}</style></head>
<body>
<h1>filibuster: ${failing === 0 ? 'no failing execution' : `${failing} failing execution${failing === 1 ? '' : 's'}`}</h1>
<nav class="toc"><a href="#failures">failures</a> · <a href="#graph">services</a> · <a href="#matrix">matrix</a> · <a href="#executions">executions</a> · <a href="#summary">summary</a></nav>
<section id="failures"><h2>Failures by cause</h2>${failureGroups(r, replay)}</section>
<section id="graph"><h2>Services</h2>${serviceGraph(r)}</section>
<section id="matrix"><h2>Resiliency matrix</h2>${matrix(r)}</section>
<section id="executions"><h2>Executions</h2>${executions(r)}</section>
<section id="summary"><h2>Summary</h2>${summary(r)}</section>
<section id="properties"><h2>Properties</h2>${properties(r)}</section>
<section id="background"><h2>Not explored: calls outside any request, and connections the instrumentation does not cover (HTTP/2, raw TCP/TLS)</h2>${backgroundCalls(r)}</section>
<script type="application/json" id="report-data">${embeddedJson(data)}</script>
<script>${CLIENT_SCRIPT}
${COPY_SCRIPT}</script>
</body></html>
`;
}

/**
 * The script of report.html, inline (the page fetches nothing): it renders the executions from the
 * embedded blob (report-data.ts) one page at a time, failing ones first, and applies the filters (verdict,
 * faulted edge, fault kind, text) kept in the URL's fragment (`#filter:v=fail&edge=foo%20→%20bar&q=...`),
 * so a filtered view is a link one can share or reload. `#execution-12` opens the page holding it.
 * Plain ES2020 in a string: it runs in the reader's browser, not in Node.
 */
import { READABLE } from './readable.js';

/** Rows per page: a page of failing executions with their blocks stays a few hundred DOM nodes. */
export const PAGE_SIZE = 50;

const SOURCE = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var S = D.strings, READABLE = __READABLE__, PAGE = __PAGE__;
  var list = document.getElementById('execution-list'), info = document.getElementById('execution-info');
  var controls = { v: document.getElementById('filter-verdict'), edge: document.getElementById('filter-edge'), kind: document.getElementById('filter-kind'), q: document.getElementById('filter-text') };
  var state = { v: '', edge: '', kind: '', q: '', page: 1 };
  var haystacks = new Map();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function readable(d) {
    var i = d.indexOf(' '), name = i < 0 ? d : d.slice(0, i);
    return (READABLE[name] || name) + (i < 0 ? '' : d.slice(i));
  }
  function faultText(x) { return x.f.length === 0 ? 'no fault' : x.f.map(function (i) { return readable(S[i]); }).join(' + '); }
  function failing(x) { return x.v === 'fail' || x.v === 'crash' || x.v === 'hang' || x.v === 'leak'; }

  function haystack(x) {
    var h = haystacks.get(x.n);
    if (h !== undefined) return h;
    var parts = ['#' + x.n, x.v, faultText(x), x.x || ''];
    (x.t || []).forEach(function (c) { var r = D.calls[c]; parts.push(S[r[1]] + ' → ' + S[r[2]], S[r[3]] + ' ' + S[r[4]], S[r[5]]); });
    h = parts.join('\n').toLowerCase();
    haystacks.set(x.n, h);
    return h;
  }
  function matches(x) {
    if (state.v && x.v !== state.v) return false;
    if (state.edge && x.e.map(function (i) { return S[i]; }).indexOf(state.edge) < 0) return false;
    if (state.kind && x.k.map(function (i) { return S[i]; }).indexOf(state.kind) < 0) return false;
    return !state.q || haystack(x).indexOf(state.q.toLowerCase()) >= 0;
  }

  function waterfall(x) {
    var ol = el('ol', 'tree'), times = x.m || [], end = 0;
    for (var i = 1; i < times.length; i += 2) end = Math.max(end, times[i] === null ? times[i - 1] : times[i]);
    (x.t || []).forEach(function (c, i) {
      var r = D.calls[c], li = el('li', r[6] >= 0 ? 'call faulted' : 'call');
      li.style.marginLeft = r[0] * 1.5 + 'em';
      li.appendChild(el('span', 'edge', S[r[1]] + ' → ' + S[r[2]]));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('code', '', S[r[3]] + ' ' + S[r[4]]));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'outcome', S[r[5]]));
      if (r[6] >= 0) li.appendChild(el('span', 'fault', ' injected: ' + readable(S[r[6]]).replace(/ on .*$/, '')));
      if (times.length > 2 * i) li.appendChild(bar(times[2 * i], times[2 * i + 1], end));
      ol.appendChild(li);
    });
    if (!x.t || x.t.length === 0) return el('p', 'muted', 'No instrumented call.');
    return ol;
  }
  function bar(start, stop, end) {
    var wrap = el('span', 'bar'), span = el('span', stop === null ? 'span open' : 'span');
    var scale = end > 0 ? 100 / end : 0, until = stop === null ? end : stop;
    span.style.left = (start * scale).toFixed(2) + '%';
    span.style.width = Math.max(0.5, (until - start) * scale).toFixed(2) + '%';
    wrap.appendChild(span);
    wrap.title = start + ' ms → ' + (stop === null ? 'no outcome' : stop + ' ms') + ' since the execution started';
    var t = el('span', 'times', start + '–' + (stop === null ? '…' : stop) + ' ms');
    var both = el('span', 'timing');
    both.appendChild(wrap);
    both.appendChild(t);
    return both;
  }

  function replayBlock(x) {
    var div = el('div', 'replay');
    if (!x.r) { div.appendChild(el('p', 'muted', D.replayNote || 'No counterexample was written for this execution.')); return div; }
    div.appendChild(el('span', 'label', 'replay: '));
    var code = el('code', 'replay-command', x.r), button = el('button', 'copy', 'copy');
    button.type = 'button';
    button.addEventListener('click', function () { copy(x.r, button); });
    div.appendChild(code);
    div.appendChild(button);
    return div;
  }
  function copy(text, button) {
    var done = function () { button.textContent = 'copied'; };
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    fallbackCopy(text);
    done();
  }
  function fallbackCopy(text) {
    var area = el('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }

  function detailsCell(x) {
    var td = el('td');
    if (x.v === 'pruned') { if (x.p) td.appendChild(el('span', 'muted', 'pruned as #' + x.p)); return td; }
    if (failing(x)) td.appendChild(replayBlock(x));
    var d = el('details');
    d.open = failing(x);
    d.appendChild(el('summary', '', 'call tree (' + (x.t ? x.t.length : 0) + ')' + (x.m ? ', as a waterfall' : '')));
    d.appendChild(waterfall(x));
    if (x.x) d.appendChild(el('pre', 'detail', x.x));
    td.appendChild(d);
    if (x.h) { var blocks = el('div'); blocks.innerHTML = x.h; td.appendChild(blocks.firstChild || blocks); }
    return td;
  }
  function row(x) {
    var tr = el('tr', 'execution verdict-' + x.v);
    tr.id = 'execution-' + x.n;
    tr.appendChild(el('td', '', '#' + x.n));
    tr.appendChild(el('td', 'faults', faultText(x)));
    tr.appendChild(el('td', 'verdict', x.v));
    tr.appendChild(el('td', '', x.d === undefined ? '' : x.d + ' ms'));
    var link = el('td');
    if (x.c) { var a = el('a', '', 'counterexample'); a.href = x.c; link.appendChild(a); }
    if (x.u) { var t = el('a', 'trace', 'trace'); t.href = x.u; t.title = 'trace ' + x.i; link.appendChild(t); }
    else if (x.i) link.appendChild(el('span', 'muted trace', 'trace ' + x.i));
    tr.appendChild(link);
    tr.appendChild(detailsCell(x));
    return tr;
  }

  function render() {
    var shown = D.executions.filter(matches), pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(Math.max(1, state.page), pages);
    var from = (state.page - 1) * PAGE, page = shown.slice(from, from + PAGE);
    var body = document.createDocumentFragment();
    page.forEach(function (x) { body.appendChild(row(x)); });
    list.replaceChildren(body);
    info.textContent = shown.length === 0 ? 'No execution matches.' : 'Executions ' + (from + 1) + '–' + (from + page.length) + ' of ' + shown.length + ' matching (' + D.executions.length + ' in all), page ' + state.page + ' of ' + pages + '; failing ones first.';
    document.getElementById('page-prev').disabled = state.page <= 1;
    document.getElementById('page-next').disabled = state.page >= pages;
    Object.keys(controls).forEach(function (k) { if (controls[k].value !== state[k]) controls[k].value = state[k]; });
  }

  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    var m = /^execution-(\d+)$/.exec(h);
    if (m) return showExecution(Number(m[1]));
    state = { v: '', edge: '', kind: '', q: '', page: 1 };
    if (location.hash.indexOf('#filter:') === 0) {
      new URLSearchParams(location.hash.slice(8)).forEach(function (value, key) { if (key in state) state[key] = key === 'page' ? Number(value) || 1 : value; });
    }
    render();
  }
  function showExecution(n) {
    var i = D.executions.findIndex(function (x) { return x.n === n; });
    state = { v: '', edge: '', kind: '', q: '', page: i < 0 ? 1 : Math.floor(i / PAGE) + 1 };
    render();
    var target = document.getElementById('execution-' + n);
    if (target) target.scrollIntoView();
  }
  function toHash() {
    var p = new URLSearchParams();
    ['v', 'edge', 'kind', 'q'].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.page > 1) p.set('page', String(state.page));
    var text = p.toString();
    history.replaceState(null, '', text ? '#filter:' + text : location.pathname + location.search);
    render();
  }

  function options(select, indices) {
    indices.map(function (i) { return S[i]; }).sort().forEach(function (s) {
      var o = el('option', '', READABLE[s] ? s + ' (' + READABLE[s] + ')' : s);
      o.value = s;
      select.appendChild(o);
    });
  }
  options(controls.edge, D.edges);
  options(controls.kind, D.kinds);
  ['v', 'edge', 'kind'].forEach(function (k) { controls[k].addEventListener('change', function () { state[k] = controls[k].value; state.page = 1; toHash(); }); });
  controls.q.addEventListener('input', function () { state.q = controls.q.value; state.page = 1; toHash(); });
  document.getElementById('page-prev').addEventListener('click', function () { state.page--; toHash(); });
  document.getElementById('page-next').addEventListener('click', function () { state.page++; toHash(); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
`;

export const CLIENT_SCRIPT = SOURCE.replace('__READABLE__', JSON.stringify(READABLE)).replace('__PAGE__', String(PAGE_SIZE));

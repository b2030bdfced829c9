/**
 * report.html, per failing execution: collapsible blocks with what the test printed and threw, the
 * responses the entry services sent it, and each service's log lines while it ran (readable-failure.ts).
 * Closed by default: the execution's detail already says the error; these are for the why.
 */
import type { EntryResponse } from '../call-tree.js';
import type { ExecutionResult } from '../run-results.js';
import { htmlEscape } from './html-escape.js';

const OUTPUT_PARTS = [
  ['error', 'thrown error'],
  ['stderr', 'test output: stderr'],
  ['stdout', 'test output: stdout'],
  ['console', 'test output: console'],
] as const;

function lineCount(text: string): string {
  const n = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).length;
  return `${n} line${n === 1 ? '' : 's'}`;
}

function block(cls: string, title: string, body: string): string {
  return `<details class="${cls}"><summary>${htmlEscape(title)}</summary>${body}</details>`;
}

function textBlock(cls: string, title: string, text: string): string {
  return block(cls, `${title} (${lineCount(text)})`, `<pre>${htmlEscape(text)}</pre>`);
}

function entryBlock(r: EntryResponse): string {
  const size = r.body_bytes !== undefined ? `, ${r.body_bytes} bytes` : '';
  const title = `entry response: ${r.service} ${r.method} ${r.path} → ${r.status}${r.content_type ? ` (${r.content_type}${size})` : size ? ` (${size.slice(2)})` : ''}`;
  const headers = r.headers ? `<table class="headers">${Object.entries(r.headers).map(([k, v]) => `<tr><th>${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`).join('')}</table>` : '';
  const body =
    r.body_excerpt !== undefined
      ? `<pre class="body">${htmlEscape(r.body_excerpt)}${r.body_bytes !== undefined && r.body_bytes > Buffer.byteLength(r.body_excerpt) ? '\n…' : ''}</pre>`
      : r.body_bytes
        ? '<p class="muted">(the body is not text)</p>'
        : '<p class="muted">(no body)</p>';
  return block('entry-response', title, headers + body);
}

/** The blocks of one failing execution; empty when it kept nothing (a file from before they were kept). */
export function failureBlocks(e: ExecutionResult): string {
  const parts: string[] = [];
  for (const [key, title] of OUTPUT_PARTS) {
    const text = e.output?.[key];
    if (text) parts.push(textBlock(`output output-${key}`, title, text));
  }
  for (const r of e.entry ?? []) if (r.headers || r.body_excerpt !== undefined) parts.push(entryBlock(r));
  for (const [service, text] of Object.entries(e.logs ?? {})) {
    parts.push(text ? textBlock('service-log', `log lines of ${service} while it ran`, text) : `<p class="service-log muted">${htmlEscape(service)} wrote nothing while it ran.</p>`);
  }
  if (e.logs_note) parts.push(`<p class="logs-note muted">${htmlEscape(e.logs_note)}</p>`);
  return parts.length > 0 ? `<div class="readable">${parts.join('')}</div>` : '';
}

/**
 * A call site named as people name it: "gateway → catalog GET /products/:id". The callee and the path are
 * read from the URL's source text (through the wrappers: url-text.ts), for findings only (the catalogue matches calls by place, never
 * by these names):
 *   - callee: the service of the run whose name appears first in the text as a word (`${CATALOG_URL}`,
 *     `urlOf('catalog')`, `catalogUrl`, `http://catalog:3000`); none when no service name appears
 *     (`${this.baseUrls[backend]}${path}`);
 *   - path: what follows the base (a leading `${...}` or `scheme://host[:port]`), each `${expr}` written as
 *     `:name` after the expression's last identifier (`${encodeURIComponent(sku)}` → `:sku`); none when
 *     what follows does not start with a slash.
 */
import type { CallSite } from './model.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** camelCase split into words, so that `catalogUrl` holds the word `catalog`. */
function words(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
}

/** The service whose name appears first in the URL text, or undefined. */
export function calleeOf(target: string, services: readonly string[]): string | undefined {
  const text = words(target);
  let best: { name: string; at: number } | undefined;
  for (const name of services) {
    const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean).map(escape);
    if (parts.length === 0) continue;
    const match = new RegExp(`(?<![A-Za-z0-9])${parts.join('[-_ ]?')}(?![a-z0-9])`, 'i').exec(text);
    if (!match) continue;
    if (!best || match.index < best.at || (match.index === best.at && name.length > best.name.length)) best = { name, at: match.index };
  }
  return best?.name;
}

/** The last identifier of an expression: `encodeURIComponent(sku)` → sku, `req.params.id` → id. */
function slotName(expression: string): string {
  const ids = expression.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? [];
  return ids[ids.length - 1] ?? 'value';
}

/** The request path written in the URL text, with `:name` for interpolations; undefined when none shows. */
export function pathOf(target: string): string | undefined {
  const text = target.trim().replace(/^[`'"]|[`'"]$/g, '');
  const rest = text.startsWith('${') ? text.slice(closing(text, 1) + 1) : text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  if (!rest.startsWith('/')) return undefined;
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    if (rest.startsWith('${', i)) {
      const end = closing(rest, i + 1);
      out += `:${slotName(rest.slice(i + 2, end))}`;
      i = end;
    } else out += rest[i];
  }
  return out.split('?')[0];
}

/** The index of the brace that closes the one at `open`, or the end of the text. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length - 1;
}

/** "gateway → catalog GET /products/:id (src/file.ts:12)": the call in words, the URL text where names fail. */
export function callSiteInWords(service: string, site: Pick<CallSite, 'file' | 'line' | 'method' | 'target' | 'url' | 'callee'>): string {
  const url = site.url ?? site.target;
  const path = pathOf(url);
  return `${service} → ${site.callee ? `${site.callee} ` : ''}${site.method ?? '?'} ${path ?? url} (${site.file}:${site.line})`;
}

/**
 * The URL of a call site as its outermost caller writes it: inside the wrappers a call goes through, the
 * wrappers' parameters are replaced by the arguments passed to them, so that a gateway's
 * `${this.baseUrls[backend]}${path}` reads `${this.baseUrls['catalog']}/products/${encodeURIComponent(id)}`
 * at the controller's `this.backends.get('catalog', `/products/${encodeURIComponent(id)}`)`. For people
 * (call-names.ts names the callee and the path from it), never for matching.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { unwrap } from './symbols.js';
import type { Binding } from './values.js';

const MAX_LENGTH = 160;

function parameterNames(b: Binding): string[] {
  return b.fn.getParameters().map((p) => (p as Node & { getName(): string }).getName());
}

/** An identifier that is a name being read (not `x.name` or `{ name: ... }`). */
function isRead(id: Node): boolean {
  const parent = id.getParent();
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) return false;
  if (Node.isPropertyAssignment(parent) && parent.getNameNode() === id) return false;
  return true;
}

function textThrough(node: Node | undefined, b: Binding | undefined, depth: number): string {
  const e = unwrap(node);
  if (!e) return '?';
  if (!b || depth > 8) return e.getText();
  const params = parameterNames(b);
  const argument = (name: string) => b.call.getArguments()[params.indexOf(name)];
  if (Node.isIdentifier(e)) return params.includes(e.getText()) && argument(e.getText()) ? textThrough(argument(e.getText()), b.outer, depth + 1) : e.getText();
  const text = e.getText();
  const start = e.getStart();
  let out = '';
  let pos = start;
  for (const id of e.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const arg = params.includes(id.getText()) && isRead(id) ? argument(id.getText()) : undefined;
    if (!arg || id.getStart() < pos) continue;
    out += text.slice(pos - start, id.getStart() - start) + textThrough(arg, b.outer, depth + 1);
    pos = id.getEnd();
  }
  return out + text.slice(pos - start);
}

/** `${'/orders'}` → `/orders`, `${`/p/${id}`}` → `/p/${id}`: literals passed into a template, inlined. */
function inlineLiterals(text: string): string {
  return text.replace(/\$\{\s*(['"])([^'"`]*)\1\s*\}/g, '$2').replace(/\$\{\s*`([^`]*)`\s*\}/g, '$1');
}

/** The URL expression's text with the wrappers' parameters replaced by their outermost arguments. */
export function urlText(url: Node | undefined, binding: Binding | undefined): string {
  const text = inlineLiterals(textThrough(url, binding, 0).replace(/\s+/g, ' '));
  return text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH - 1) + '…' : text;
}

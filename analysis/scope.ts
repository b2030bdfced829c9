/**
 * One service's view of the Project: its files (entry plus what it imports), the calls among them indexed
 * by the project function they call (so a helper's parameter can be followed to its call sites in this
 * service only), and the warnings raised while analysing it.
 */
import type { Environment } from './environment.js';
import { Node, SyntaxKind, type CallExpression, type NewExpression, type SourceFile } from 'ts-morph';
import type { Warning } from './model.js';
import { relativeName } from './project.js';
import { calledFunction, declarationOf, isFunctionLike, type FunctionLike } from './symbols.js';

export type Invocation = CallExpression | NewExpression;

export class ServiceScope {
  readonly files: SourceFile[];
  readonly fileSet: Set<SourceFile>;
  readonly warnings: Warning[] = [];
  private callIndex: Map<Node, Invocation[]> | undefined;
  private readonly warned = new Set<string>();

  /** The environment the service runs with, when assumed known (environment.ts). */
  readonly env: Environment | undefined;

  constructor(files: SourceFile[], env?: Environment) {
    this.files = files;
    this.fileSet = new Set(files);
    this.env = env;
  }

  contains(node: Node): boolean {
    return this.fileSet.has(node.getSourceFile());
  }

  /** Every call and `new` in the service's files, in file order then source order. */
  invocations(): Invocation[] {
    const out: Invocation[] = [];
    for (const sf of this.files) {
      sf.forEachDescendant((n) => {
        if (Node.isCallExpression(n) || Node.isNewExpression(n)) out.push(n);
      });
    }
    return out;
  }

  /** The calls of a project function made from this service's files. */
  callsTo(fn: FunctionLike): Invocation[] {
    if (!this.callIndex) {
      this.callIndex = new Map();
      for (const call of this.invocations()) {
        const target = calledFunction(call);
        if (!target) continue;
        const list = this.callIndex.get(target) ?? [];
        list.push(call);
        this.callIndex.set(target, list);
      }
    }
    return this.callIndex.get(fn) ?? [];
  }

  private identifiersByName: Map<string, Node[]> | undefined;
  private readonly liveness = new Map<Node, boolean>();

  /**
   * Can this service run the code at `node`? Not when it sits in a named function (a function
   * declaration, or one bound to a variable or property) that nothing in the service's files refers to:
   * an exported helper another service uses. Handlers and inline callbacks are live.
   */
  isLive(node: Node): boolean {
    for (let n: Node | undefined = node; n; n = n.getParent()) {
      if (isFunctionLike(n) && !this.functionIsLive(n)) return false;
    }
    return true;
  }

  /** A function the framework calls though nothing in the files refers to it (an autoloaded plugin). */
  markLive(fn: Node): void {
    this.liveness.set(fn, true);
  }

  private functionIsLive(fn: FunctionLike): boolean {
    const cached = this.liveness.get(fn);
    if (cached !== undefined) return cached;
    const parent = fn.getParent();
    const declaration = Node.isFunctionDeclaration(fn) ? fn : Node.isVariableDeclaration(parent) ? parent : undefined;
    const name = declaration?.getName();
    let live = true;
    if (declaration && name) {
      if (!this.identifiersByName) {
        this.identifiersByName = new Map();
        for (const sf of this.files) for (const id of sf.getDescendantsOfKind(SyntaxKind.Identifier)) {
          const list = this.identifiersByName.get(id.getText()) ?? [];
          list.push(id);
          this.identifiersByName.set(id.getText(), list);
        }
      }
      const own = declaration.getNameNode();
      live = (this.identifiersByName.get(name) ?? []).some(
        (id) => id !== own && !Node.isExportSpecifier(id.getParent()) && declarationOf(id) === declaration,
      );
    }
    this.liveness.set(fn, live);
    return live;
  }

  /** Warns once per place and message: the analysis goes on. */
  warn(node: Node, message: string): void {
    const file = relativeName(node.getSourceFile().getFilePath());
    const line = node.getStartLineNumber();
    const key = `${file}:${line}:${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ file, line, message });
  }
}

export function location(node: Node): { file: string; line: number } {
  return { file: relativeName(node.getSourceFile().getFilePath()), line: node.getStartLineNumber() };
}

/** Short source text for messages. */
export function snippet(node: Node, max = 60): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export const isKind = (node: Node | undefined, kind: SyntaxKind): boolean => node?.getKind() === kind;

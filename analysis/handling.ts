/**
 * Which failures of a call the calling function handles, and what it answers instead.
 *
 * Looked at, from the call up to the function's boundary: an enclosing try statement whose *try block*
 * holds the call (a call in a catch or finally block is not protected by it), a `.catch(handler)` or
 * `.then(_, onRejected)` on the call's promise, `Promise.allSettled([...])` (a rejection becomes a
 * settled result). In a catch block, the statements are followed with the failure kinds still open:
 * `err instanceof ConnectionError`, `err.code === 'ECONNREFUSED'`, `err.name === 'TimeoutError'`,
 * `switch (err.code)`, a project predicate such as `isRequestFailure(err)` (its body is read) narrow
 * them; `throw err` (a rethrow) or throwing an error without a status means not handled; throwing an
 * error with a status, answering, returning, or falling off the block means handled. A condition that
 * does not test the error (a retry counter, a feature flag) leaves both outcomes possible: "maybe".
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { FailureKind, Handling, Tristate } from './model.js';
import { location, type ServiceScope } from './scope.js';
import { calledFunction, isFunctionLike, unwrap } from './symbols.js';
import { statusOfThrown } from './thrown-errors.js';
import { resolveLiterals, resolveNumbers } from './values.js';

export const KINDS: FailureKind[] = ['ECONNREFUSED', 'Timeout'];

const CONNECTION = /ConnectionError|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ERR_NETWORK|UND_ERR_SOCKET|UND_ERR_CONNECT\b|FetchError|RequestError|TypeError|fetch failed/;
const TIMEOUT = /Timeout|ETIMEDOUT|ECONNABORTED|ESOCKETTIMEDOUT|AbortError/;
const ANY_FAILURE = /RequestException|AxiosError|isAxiosError|HTTPError|instanceof\s+Error\b/;

/**
 * `thrown`: handled only by throwing an error with a status (`throw new ServiceUnavailableException()`):
 * the function still leaves by an exception (the framework answers its status), so a wrapper doing this
 * still hands the call's outcome to its callers (call-sites.ts).
 */
export type Handled = Record<FailureKind, Handling & { thrown?: boolean }>;

interface Outcome {
  handled: Tristate;
  answers: number[];
  thrown?: boolean;
}

function combine(outcomes: Outcome[]): Outcome {
  const states = new Set(outcomes.map((o) => o.handled));
  const handled: Tristate = states.size === 1 ? [...states][0] : 'maybe';
  const thrown = handled === 'yes' && outcomes.every((o) => o.thrown);
  return { handled, answers: [...new Set(outcomes.flatMap((o) => o.answers))], ...(thrown ? { thrown } : {}) };
}

/** The failure kinds a condition singles out; undefined when it does not test the error at all. */
function kindsTested(cond: Node, errName: string | undefined): Set<FailureKind> | undefined {
  let text = cond.getText();
  for (const call of [cond, ...cond.getDescendantsOfKind(SyntaxKind.CallExpression)]) {
    const fn = Node.isCallExpression(call) ? calledFunction(call) : undefined;
    if (fn) text += ' ' + fn.getText();
  }
  if (!errName || !new RegExp(`\\b${errName}\\b`).test(cond.getText())) return undefined;
  const kinds = new Set<FailureKind>();
  if (ANY_FAILURE.test(text)) KINDS.forEach((k) => kinds.add(k));
  if (CONNECTION.test(text.replace(/Timeout\w*/g, ''))) kinds.add('ECONNREFUSED');
  if (TIMEOUT.test(text)) kinds.add('Timeout');
  return kinds;
}

/** Status codes answered by a statement (`res.status(503).send()`, `sendError(res, 503)`, `reply.code(503)`). */
function answersIn(stmt: Node, scope: ServiceScope): number[] {
  const out: number[] = [];
  for (const call of stmt.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
    if (!/status|code|error|send/i.test(name)) continue;
    for (const arg of call.getArguments()) {
      for (const v of resolveNumbers(arg, scope).values) if (v.value >= 400 && v.value < 600) out.push(v.value);
    }
  }
  return out;
}

class CatchWalker {
  private readonly exits = new Map<FailureKind, Outcome[]>();
  private readonly scope: ServiceScope;
  private readonly errName: string | undefined;

  constructor(scope: ServiceScope, errName: string | undefined) {
    this.scope = scope;
    this.errName = errName;
  }

  private exit(kinds: Iterable<FailureKind>, outcome: Outcome): void {
    for (const k of kinds) this.exits.set(k, [...(this.exits.get(k) ?? []), outcome]);
  }

  /** Runs statements for the open kinds; returns the kinds that fall through, with what was answered. */
  run(statements: Node[], open: Set<FailureKind>, answers: number[]): { open: Set<FailureKind>; answers: number[] } {
    let current = new Set(open);
    let said = [...answers];
    for (const stmt of statements) {
      if (current.size === 0) break;
      if (Node.isThrowStatement(stmt)) {
        const t = statusOfThrown(stmt.getExpression(), this.scope);
        if (t.kind === 'status') this.exit(current, { handled: 'yes', answers: t.codes, thrown: true });
        else if (t.kind === 'unknown') this.exit(current, { handled: 'maybe', answers: [] });
        else this.exit(current, { handled: 'no', answers: [] });
        return { open: new Set(), answers: said };
      }
      if (Node.isReturnStatement(stmt) || Node.isContinueStatement(stmt) || Node.isBreakStatement(stmt)) {
        this.exit(current, { handled: 'yes', answers: [...said, ...answersIn(stmt, this.scope)] });
        return { open: new Set(), answers: said };
      }
      if (Node.isBlock(stmt)) {
        ({ open: current, answers: said } = this.run(stmt.getStatements(), current, said));
      } else if (Node.isIfStatement(stmt)) {
        ({ open: current, answers: said } = this.runIf(stmt, current, said));
      } else if (Node.isSwitchStatement(stmt)) {
        ({ open: current, answers: said } = this.runSwitch(stmt, current, said));
      } else said = [...said, ...answersIn(stmt, this.scope)];
    }
    return { open: current, answers: said };
  }

  /** The kinds a condition tests, and whether it holds for the other kinds (`!(e instanceof X)`). */
  private testOf(cond: Node): { kinds: Set<FailureKind>; negated: boolean } | undefined {
    const c = unwrap(cond);
    if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const inner = this.testOf(c.getOperand());
      return inner && { kinds: inner.kinds, negated: !inner.negated };
    }
    if (Node.isBinaryExpression(c) && [SyntaxKind.AmpersandAmpersandToken, SyntaxKind.BarBarToken].includes(c.getOperatorToken().getKind())) {
      const a = this.testOf(c.getLeft());
      const b = this.testOf(c.getRight());
      const and = c.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken;
      // !A && !B is !(A || B); A || B is the union. Other mixes are read as a whole.
      if (a && b && a.negated === b.negated && a.negated === and) return { kinds: new Set([...a.kinds, ...b.kinds]), negated: a.negated };
    }
    const kinds = kindsTested(c, this.errName);
    return kinds && { kinds, negated: false };
  }

  private branch(stmt: Node | undefined): Node[] {
    if (!stmt) return [];
    return Node.isBlock(stmt) ? stmt.getStatements() : [stmt];
  }

  private runIf(stmt: Node, open: Set<FailureKind>, said: number[]): { open: Set<FailureKind>; answers: number[] } {
    if (!Node.isIfStatement(stmt)) return { open, answers: said };
    const cond = unwrap(stmt.getExpression());
    const constant = resolveLiterals(cond, this.scope);
    if (constant.unresolved.length === 0 && constant.values.length > 0 && constant.values.every((v) => typeof v.value === 'boolean')) {
      const truths = new Set(constant.values.map((v) => v.value));
      if (truths.size === 1) return this.run(this.branch(truths.has(true) ? stmt.getThenStatement() : stmt.getElseStatement()), open, said);
    }
    const test = this.testOf(cond);
    const negated = test?.negated ?? false;
    const tested = test?.kinds;
    let thenKinds: Set<FailureKind>;
    let elseKinds: Set<FailureKind>;
    if (tested) {
      const matched = [...open].filter((k) => tested.has(k) !== negated);
      thenKinds = new Set(matched);
      elseKinds = new Set([...open].filter((k) => !matched.includes(k)));
    } else {
      thenKinds = new Set(open);
      elseKinds = new Set(open);
    }
    const a = this.run(this.branch(stmt.getThenStatement()), thenKinds, said);
    const b = this.run(this.branch(stmt.getElseStatement()), elseKinds, said);
    return { open: new Set([...a.open, ...b.open]), answers: [...new Set([...a.answers, ...b.answers])] };
  }

  private runSwitch(stmt: Node, open: Set<FailureKind>, said: number[]): { open: Set<FailureKind>; answers: number[] } {
    if (!Node.isSwitchStatement(stmt)) return { open, answers: said };
    const tested = kindsTested(stmt.getExpression(), this.errName);
    if (!tested) return { open, answers: said };
    const remaining = new Set(open);
    const falls = new Set<FailureKind>();
    let answers = said;
    for (const clause of stmt.getClauses()) {
      let kinds: Set<FailureKind>;
      if (Node.isCaseClause(clause)) {
        const label = clause.getExpression().getText();
        kinds = new Set([...remaining].filter((k) => (k === 'ECONNREFUSED' ? CONNECTION : TIMEOUT).test(label)));
      } else kinds = new Set(remaining);
      kinds.forEach((k) => remaining.delete(k));
      const body = clause.getStatements().filter((s) => !Node.isBreakStatement(s));
      const r = this.run(body, kinds, said);
      r.open.forEach((k) => falls.add(k));
      answers = [...new Set([...answers, ...r.answers])];
    }
    remaining.forEach((k) => falls.add(k));
    return { open: falls, answers };
  }

  /** Runs a whole catch body; kinds falling off the end are handled (swallowed or answered). */
  outcome(statements: Node[]): Map<FailureKind, Outcome> {
    const rest = this.run(statements, new Set(KINDS), []);
    this.exit(rest.open, { handled: 'yes', answers: rest.answers });
    return new Map(KINDS.map((k) => [k, combine(this.exits.get(k) ?? [{ handled: 'yes', answers: [] }])]));
  }
}

function handlerBody(fn: Node | undefined): { statements: Node[]; errName?: string } | undefined {
  const f = unwrap(fn);
  if (!isFunctionLike(f)) return undefined;
  const errName = (f.getParameters()[0] as Node & { getName?: () => string } | undefined)?.getName?.();
  const body = (f as Node & { getBody?: () => Node | undefined }).getBody?.();
  if (!body) return undefined;
  return { statements: Node.isBlock(body) ? body.getStatements() : [], errName };
}

/**
 * How the function containing `call` reacts to each failure kind of it. `handled: 'no'` means the
 * failure leaves the function (to its caller, or to the framework's 500 in a route handler).
 */
export function handlingAt(call: Node, boundary: Node | undefined, scope: ServiceScope): Handled {
  const open = new Map<FailureKind, Outcome[]>();
  let pending = new Set<FailureKind>(KINDS);
  const hows = new Map<FailureKind, string>();
  const settle = (outcomes: Map<FailureKind, Outcome>, how: string) => {
    for (const k of [...pending]) {
      const o = outcomes.get(k)!;
      if (o.handled === 'no') {
        if (!hows.has(k)) hows.set(k, `rethrown by the ${how}`);
        continue;
      }
      open.set(k, [...(open.get(k) ?? []), o]);
      hows.set(k, how);
      if (o.handled === 'yes') pending.delete(k);
    }
  };
  let child: Node = call;
  for (let n = call.getParent(); n && n !== boundary; child = n, n = n.getParent()) {
    if (pending.size === 0) break;
    if (Node.isTryStatement(n) && child === n.getTryBlock()) {
      const clause = n.getCatchClause();
      if (!clause) continue;
      const errName = clause.getVariableDeclaration()?.getName();
      const at = location(clause);
      settle(new CatchWalker(scope, errName).outcome(clause.getBlock().getStatements()), `catch at ${at.file}:${at.line}`);
    } else if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : '';
      const onPromise = Node.isPropertyAccessExpression(callee) && callee === child;
      if (onPromise && (name === 'catch' || name === 'then')) {
        const handler = handlerBody(n.getArguments()[name === 'catch' ? 0 : 1]);
        if (handler) settle(new CatchWalker(scope, handler.errName).outcome(handler.statements), `.${name}() at ${location(n).file}:${location(n).line}`);
      } else if (name === 'allSettled' && n.getArguments().some((a) => a === child)) {
        settle(new Map(KINDS.map((k) => [k, { handled: 'yes' as Tristate, answers: [] }])), 'Promise.allSettled');
      }
    }
  }
  const result = {} as Handled;
  for (const k of KINDS) {
    const outcomes = [...(open.get(k) ?? [])];
    if (pending.has(k)) outcomes.push({ handled: 'no', answers: [] });
    const c = combine(outcomes);
    result[k] = { handled: c.handled, answers: c.answers, how: hows.get(k) ?? 'not caught', ...(c.thrown ? { thrown: true } : {}) };
  }
  pending = new Set();
  return result;
}

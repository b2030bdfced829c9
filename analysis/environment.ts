/**
 * The environment a service will run with, for conditions on `process.env`. A port of a corpus app, or
 * any service with a feature switch, decides its answers on variables: `process.env.BUG === '1' ? 503 :
 * 500`. Without knowing the environment both branches count (a sound over-approximation). With
 * `--assume-env`, the environment is taken to be exactly the service config's `env` plus `--env`
 * entries, any other variable unset, and such conditions are decided: the catalogue then matches the
 * code that will run.
 */
import { Node, SyntaxKind } from 'ts-morph';

/** Known variables; `undefined` = unset. Absent environment = nothing is known. */
export type Environment = ReadonlyMap<string, string | undefined> & { complete: true };

export function environment(vars: Record<string, string>): Environment {
  return Object.assign(new Map(Object.entries(vars)), { complete: true as const });
}

/** `process.env.NAME` or `process.env['NAME']`: the variable's name. */
function envName(e: Node): string | undefined {
  const inner = unparen(e);
  if (Node.isPropertyAccessExpression(inner) && inner.getExpression().getText() === 'process.env') return inner.getName();
  if (Node.isElementAccessExpression(inner) && inner.getExpression().getText() === 'process.env') {
    const arg = inner.getArgumentExpression();
    if (arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) return arg.getLiteralValue();
  }
  return undefined;
}

function unparen(e: Node): Node {
  let n = e;
  while (Node.isParenthesizedExpression(n)) n = n.getExpression();
  return n;
}

function stringLiteral(e: Node): string | undefined {
  const n = unparen(e);
  return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralValue() : undefined;
}

const EQUAL = new Set([SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.EqualsEqualsToken]);
const NOT_EQUAL = new Set([SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.ExclamationEqualsToken]);

/**
 * The value of a condition on the environment: `process.env.X` (truthy), `!…`, `process.env.X === 'v'`
 * (and `==`, `!==`, `!=`, either side), `a && b`, `a || b`. Undefined when it is not such a condition or
 * nothing is known.
 */
export function decide(condition: Node, env: Environment | undefined): boolean | undefined {
  if (!env) return undefined;
  const e = unparen(condition);
  const name = envName(e);
  if (name !== undefined) {
    const v = env.get(name);
    return v !== undefined && v !== '';
  }
  if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const inner = decide(e.getOperand(), env);
    return inner === undefined ? undefined : !inner;
  }
  if (Node.isBinaryExpression(e)) {
    const op = e.getOperatorToken().getKind();
    if (op === SyntaxKind.AmpersandAmpersandToken || op === SyntaxKind.BarBarToken) {
      const l = decide(e.getLeft(), env);
      const r = decide(e.getRight(), env);
      if (op === SyntaxKind.AmpersandAmpersandToken) return l === false || r === false ? false : l === true && r === true ? true : undefined;
      return l === true || r === true ? true : l === false && r === false ? false : undefined;
    }
    if (EQUAL.has(op) || NOT_EQUAL.has(op)) {
      const [variable, literal] = envName(e.getLeft()) !== undefined ? [envName(e.getLeft()), stringLiteral(e.getRight())] : [envName(e.getRight()), stringLiteral(e.getLeft())];
      if (variable === undefined || literal === undefined) return undefined;
      const equal = env.get(variable) === literal;
      return EQUAL.has(op) ? equal : !equal;
    }
  }
  return undefined;
}

/**
 * Call identity rules (instrumentation/identity-rules.ts applies them): set by the orchestrator for the
 * run, sent to every service, recorded with counterexamples and journals. Part of the protocol
 * (protocol.ts re-exports it).
 */

/** The identity a counterexample or journal was recorded with; files of another version are refused. */
export const IDENTITY_VERSION = 2;

/** The control request that sets a service's identity rules (identity-control.ts). */
export const IDENTITY_PATH = '/__filibuster/identity';

export type IdentityMode = 'original' | 'templated';

export interface IdentityRules {
  mode: IdentityMode;
  /** Route templates (`/users/:id/orders`): a matching path becomes the template. */
  templates: string[];
  /** Query parameters left out entirely. */
  ignoredQuery: string[];
  /** Query parameters whose value is a slot (`?nonce=:v`): present, value not part of the identity. */
  slottedQuery: string[];
}

export const ORIGINAL_RULES: IdentityRules = { mode: 'original', templates: [], ignoredQuery: [], slottedQuery: [] };

/** The rules in a message or a file, checked; undefined when it is not a set of rules. */
export function checkRules(value: unknown): IdentityRules | undefined {
  const v = value as Partial<IdentityRules> | undefined;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!v || (v.mode !== 'original' && v.mode !== 'templated')) return undefined;
  if (!strings(v.templates) || !strings(v.ignoredQuery) || !strings(v.slottedQuery)) return undefined;
  return { mode: v.mode, templates: v.templates!, ignoredQuery: v.ignoredQuery!, slottedQuery: v.slottedQuery! };
}

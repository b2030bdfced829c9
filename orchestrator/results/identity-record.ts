/**
 * Call identity as files record it (the journal's first line, every counterexample): the run's rules with
 * the version of their meaning. A file of another version is refused rather than misread: its execution
 * indexes would not mean what this version's mean.
 */
import { checkRules, IDENTITY_VERSION, type IdentityRules } from '../../instrumentation/protocol.js';
import { InvalidOptionError } from '../option-error.js';

export type RecordedIdentity = IdentityRules & { version: number };

export function recordIdentity(rules: IdentityRules): RecordedIdentity {
  return { version: IDENTITY_VERSION, ...rules };
}

/** The rules a file recorded, checked; `where` names the file (and line) for the message. */
export function recordedIdentity(value: unknown, where: string): IdentityRules {
  const version = (value as { version?: unknown } | undefined)?.version;
  if (version !== IDENTITY_VERSION) {
    throw new InvalidOptionError(`${where}: recorded with call identity version ${JSON.stringify(version ?? 1)}, and this version reads ${IDENTITY_VERSION}; explore again to get a file of this version`);
  }
  const rules = checkRules(value);
  if (!rules) throw new InvalidOptionError(`${where}: the recorded call identity is malformed`);
  return rules;
}

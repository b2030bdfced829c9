/**
 * Configuration from the environment, for the zero-code preloads.
 *
 * | variable                          | meaning                                                        |
 * |-----------------------------------|----------------------------------------------------------------|
 * | FILIBUSTER_URL                    | orchestrator URL; unset = the instrumentation does nothing     |
 * | FILIBUSTER_SERVICE_NAME           | this service's name (default: the entry script's file name)    |
 * | FILIBUSTER_SERVICE_MAP            | JSON `{"127.0.0.1:5001": "bar", ...}`: logical callee names    |
 * | FILIBUSTER_EI_COMPAT=1            | the original's execution-index counters (see types.ts)         |
 * | FILIBUSTER_PATH_TEMPLATES         | comma-separated route templates, e.g. `/movies/:id`            |
 * | FILIBUSTER_IGNORED_QUERY_PARAMS   | comma-separated query parameters left out of call identity     |
 * | FILIBUSTER_IDENTITY_RULES         | JSON identity rules of the run (identity-rules.ts), set by the runner |
 * | FILIBUSTER_DECISION_TIMEOUT_MS    | how long a call waits for a decision (default 2000)            |
 * | FILIBUSTER_ALLOW_PRODUCTION=1     | allow injection under NODE_ENV=production                      |
 * | FILIBUSTER_EXECUTION_ID           | propagate-only mode: the execution the test process belongs to|
 */
import { basename } from 'node:path';
import { checkRules, type IdentityRules } from './identity-rules.js';
import type { InstrumentationConfig } from './types.js';

function list(value: string | undefined): string[] | undefined {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function serviceMap(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
  } catch {
    /* fall through */
  }
  process.emitWarning(`filibuster: FILIBUSTER_SERVICE_MAP is not a JSON object; ignored`);
  return undefined;
}

function identityRules(value: string | undefined): IdentityRules | undefined {
  if (!value) return undefined;
  try {
    const rules = checkRules(JSON.parse(value));
    if (rules) return rules;
  } catch {
    /* fall through */
  }
  process.emitWarning('filibuster: FILIBUSTER_IDENTITY_RULES is not a set of identity rules; ignored');
  return undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): InstrumentationConfig {
  const timeout = Number(env.FILIBUSTER_DECISION_TIMEOUT_MS);
  return {
    serviceName: env.FILIBUSTER_SERVICE_NAME || basename(process.argv[1] ?? 'service').replace(/\.[cm]?[jt]s$/, ''),
    orchestratorUrl: env.FILIBUSTER_URL || undefined,
    serviceMap: serviceMap(env.FILIBUSTER_SERVICE_MAP),
    eiCompat: env.FILIBUSTER_EI_COMPAT === '1',
    pathTemplates: list(env.FILIBUSTER_PATH_TEMPLATES),
    ignoredQueryParams: list(env.FILIBUSTER_IGNORED_QUERY_PARAMS),
    identity: identityRules(env.FILIBUSTER_IDENTITY_RULES),
    decisionTimeoutMs: timeout > 0 ? timeout : undefined,
    allowInProduction: env.FILIBUSTER_ALLOW_PRODUCTION === '1',
    executionId: env.FILIBUSTER_EXECUTION_ID || undefined,
  };
}

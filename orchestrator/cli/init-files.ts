/**
 * The two files `filibuster init` writes: the services file (the format of
 * `orchestrator/runner/service-config.ts`) and a test module (`--test-module`) that calls the entry
 * service, with TODOs where only the user knows the answer.
 */
import type { InitPlan } from './init-plan.js';
import type { PlannedService } from './init-wiring.js';

export function servicesFileText(plan: InitPlan): string {
  const services = Object.fromEntries(plan.services.map((s) => [s.name, s.entry]));
  return `${JSON.stringify({ services }, null, 2)}\n`;
}

/** A GET route of the service's source that is not a probe (health, readiness, metrics), for the skeleton to call. */
export function firstRoute(source: string): string | undefined {
  const routes = [
    ...source.matchAll(/\.get\(\s*['"`](\/[^'"`]*)['"`]/g),
    ...source.matchAll(/\b(?:url|pathname)\s*===?\s*['"`](\/[^'"`]*)['"`]/g),
  ]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((m) => m[1]);
  return routes.find((r) => !/health|ready|live|metrics|status|ping/i.test(r) && r !== '/favicon.ico');
}

const identifier = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);

export function testFileText(plan: InitPlan, servicesFile: string, testFile: string): string {
  const entry = plan.services.find((s) => s.name === plan.entry) as PlannedService;
  const route = firstRoute(entry.source);
  const routeNote = route
    ? `// TODO: the request a user makes. GET ${route} is the first route found in ${entry.name}'s source.`
    : `// TODO: the request a user makes (method, path, body): no route was found in ${entry.name}'s source.`;
  const entryNote = plan.undecided.includes(plan.entryReason)
    ? `// TODO: check the service called: ${plan.entryReason}.`
    : `// ${entry.name} is the entry point: ${plan.entryReason}.`;
  return `/**
 * The functional test filibuster runs once per execution, each time with other calls between the services
 * failing (connection refused, timeouts, error statuses). A throw fails the execution.
 *
 *   npx filibuster --test-module ${testFile} --services ${servicesFile}
 *
 * ctx.services holds every service of ${servicesFile} by name ({ name, url, port }); the requests made
 * here carry the execution's id, so the services' calls are attributed to it.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from 'filibuster/testing';

export default async function functionalTest(ctx) {
  ${entryNote}
  ${routeNote}
  const response = await fetch(\`\${ctx.services${identifier(entry.name)}.url}${route ?? '/'}\`);
  const body = await response.text();
  if (await wasFaultInjected()) {
    // TODO: what must hold when a call between services fails: a fallback answer, or a clean error
    // rather than a crash (a 500 usually means an unhandled failure).
    assert.ok(response.status < 500 || response.status === 503, \`under a fault: \${response.status} \${body}\`);
  } else {
    // TODO: what the request answers when nothing fails (its body too).
    assert.equal(response.status, 200, \`without faults: \${response.status} \${body}\`);
  }
}
`;
}

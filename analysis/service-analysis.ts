/**
 * Analyses one service: its routes, the codes it can answer, its call sites (their findings come after
 * every service is analysed: index.ts).
 */
import type { Environment } from './environment.js';
import type { SourceFile } from 'ts-morph';
import { callSitesOf } from './call-sites.js';
import type { Route, ServiceAnalysis, StatusOrigin } from './model.js';
import { decoratorSettingsOf, relativeName } from './project.js';
import { findHandlers, frameworksOf, type Handler } from './routes.js';
import { ServiceScope } from './scope.js';
import { StatusCollector } from './status-codes.js';

/** Codes in discovery order, without repeats; 500 first when a framework answers it for unhandled errors. */
function orderedCodes(origins: StatusOrigin[], frameworkDefault: boolean): number[] {
  const codes = frameworkDefault ? [500] : [];
  for (const o of origins) if (!codes.includes(o.code)) codes.push(o.code);
  return codes;
}

function routesOf(handlers: Handler[], origins: StatusOrigin[], reached: Map<StatusOrigin, string[]>): Route[] {
  const routes = new Map<string, Route>();
  for (const h of handlers) {
    if (h.guard || routes.has(h.route)) continue;
    const [method, ...path] = h.route.split(' ');
    const file = relativeName(h.fn.getSourceFile().getFilePath());
    routes.set(h.route, { method, path: path.join(' '), file, line: h.fn.getStartLineNumber(), codes: [] });
  }
  for (const o of origins) {
    for (const key of [o.route, ...(reached.get(o) ?? [])]) {
      const r = key ? routes.get(key) : undefined;
      if (r && !r.codes.includes(o.code)) r.codes.push(o.code);
    }
  }
  return [...routes.values()];
}

/** A Nest guard's key → the routes it guards. */
function guardedRoutes(handlers: Handler[]): Map<string, string[]> {
  const guarded = new Map<string, string[]>();
  for (const h of handlers) for (const g of h.guards ?? []) guarded.set(g, [...new Set([...(guarded.get(g) ?? []), h.route])]);
  return guarded;
}

/** Nest needs legacy decorators (and their metadata for injection by type) from the service's own tsconfig. */
function checkDecoratorSettings(scope: ServiceScope, entry: SourceFile): void {
  const settings = decoratorSettingsOf(entry.getFilePath());
  const unset = settings.tsconfig ? `which ${relativeName(settings.tsconfig)} does not set` : 'and there is no tsconfig.json above the entry';
  if (!settings.experimentalDecorators) scope.warn(entry, `NestJS needs "experimentalDecorators": true, ${unset} (its decorators are read all the same)`);
  if (!settings.emitDecoratorMetadata) scope.warn(entry, `NestJS injects providers by their constructor parameter types only with "emitDecoratorMetadata": true, ${unset}`);
}

export function analyseService(name: string, files: SourceFile[], env?: Environment): { analysis: ServiceAnalysis; scope: ServiceScope } {
  const scope = new ServiceScope(files, env);
  const frameworks = frameworksOf(files);
  const handlers = findHandlers(scope, frameworks);
  if (frameworks.includes('nest')) checkDecoratorSettings(scope, files[0]);
  const byFunction = new Map(handlers.map((h) => [h.fn as import('ts-morph').Node, h]));
  const routesByFunction = new Map<import('ts-morph').Node, string[]>();
  for (const h of handlers) if (!h.guard) routesByFunction.set(h.fn, [...new Set([...(routesByFunction.get(h.fn) ?? []), h.route])]);
  const collector = new StatusCollector(scope, { byFunction, guarded: guardedRoutes(handlers), routesByFunction });
  const origins = collector.collect();
  // express, fastify, koa and Nest answer 500 for an error no one handled; so does the original's analysis.
  const frameworkDefault = frameworks.some((f) => f !== 'http');
  if (frameworkDefault && files[0]) origins.unshift({ code: 500, file: relativeName(files[0].getFilePath()), line: 1, how: `${frameworks.filter((f) => f !== 'http').join('/')} default for an unhandled error` });
  const callSites = callSitesOf(scope, { byFunction });
  const analysis: ServiceAnalysis = {
    name,
    entry: relativeName(files[0].getFilePath()),
    files: files.map((f) => relativeName(f.getFilePath())),
    frameworks,
    codes: orderedCodes(origins, frameworkDefault),
    origins,
    routes: routesOf(handlers, origins, collector.reached),
    callSites,
    findings: [],
  };
  // Findings need the other services' names (call-names.ts): analyze() adds them once every service is read.
  return { analysis, scope };
}

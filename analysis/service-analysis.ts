/**
 * Analyses one service: its routes, the codes it can answer, its call sites and their findings.
 */
import type { Environment } from './environment.js';
import type { SourceFile } from 'ts-morph';
import { callSitesOf } from './call-sites.js';
import { findingsOf } from './findings.js';
import type { Route, ServiceAnalysis, StatusOrigin } from './model.js';
import { relativeName } from './project.js';
import { findHandlers, frameworksOf, type Handler } from './routes.js';
import { ServiceScope } from './scope.js';
import { StatusCollector } from './status-codes.js';

/** Codes in discovery order, without repeats; 500 first when a framework answers it for unhandled errors. */
function orderedCodes(origins: StatusOrigin[], frameworkDefault: boolean): number[] {
  const codes = frameworkDefault ? [500] : [];
  for (const o of origins) if (!codes.includes(o.code)) codes.push(o.code);
  return codes;
}

function routesOf(handlers: Handler[], origins: StatusOrigin[]): Route[] {
  const routes = new Map<string, Route>();
  for (const h of handlers) {
    if (routes.has(h.route)) continue;
    const [method, ...path] = h.route.split(' ');
    const file = relativeName(h.fn.getSourceFile().getFilePath());
    routes.set(h.route, { method, path: path.join(' '), file, line: h.fn.getStartLineNumber(), codes: [] });
  }
  for (const o of origins) {
    const r = o.route ? routes.get(o.route) : undefined;
    if (r && !r.codes.includes(o.code)) r.codes.push(o.code);
  }
  return [...routes.values()];
}

export function analyseService(name: string, files: SourceFile[], env?: Environment): { analysis: ServiceAnalysis; scope: ServiceScope } {
  const scope = new ServiceScope(files, env);
  const frameworks = frameworksOf(files);
  const handlers = findHandlers(scope, frameworks);
  const byFunction = new Map(handlers.map((h) => [h.fn as import('ts-morph').Node, h]));
  const origins = new StatusCollector(scope, { byFunction }).collect();
  // express, fastify and koa answer 500 for an error no one handled; so does the original's analysis.
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
    routes: routesOf(handlers, origins),
    callSites,
    findings: [],
  };
  analysis.findings = findingsOf(analysis);
  return { analysis, scope };
}

/**
 * The static analyser, usable without spawning a process:
 *
 *   const result = analyze({ servicesDirectory: 'services' });
 *   const result = analyze({ services: specs, origin: 'services.json' });  // an application's parsed config
 *   writeFileSync('analysis.json', JSON.stringify(compatCatalogue(result), null, 2));
 *
 * One ts-morph Project for the whole run; every service's files are loaded first, then analysed.
 */
import { environment } from './environment.js';
import { performance } from 'node:perf_hooks';
import type { AnalysisResult, Warning } from './model.js';
import { addServiceFiles, createProject } from './project.js';
import { calleeOf } from './call-names.js';
import { findingsOf } from './findings.js';
import { analyseService } from './service-analysis.js';
import { AnalysisInputError, servicesOfDirectory, servicesOfSpecs, type ServiceDiscovery, type ServiceSpecInput } from './services.js';

export { AnalysisInputError, type ServiceSpecInput } from './services.js';
export type * from './model.js';
export { compatCatalogue, extendedCatalogue, EXTENDED_FORMAT } from './catalogue-writer.js';
export { summary } from './summary.js';

export interface AnalyzeOptions {
  /** One service per subdirectory (the original's layout). */
  servicesDirectory?: string;
  /** The services of an application's config (services.json), as its loader parsed them. */
  services?: readonly ServiceSpecInput[];
  /** Where `services` came from, for messages (the config file's path). */
  origin?: string;
  /**
   * Decide conditions on `process.env`: the environment is exactly each service's config `env` plus
   * `env`, any other variable unset (environment.ts). Off: both branches count.
   */
  assumeEnv?: boolean;
  /** Variables added to every service's environment (with `assumeEnv`). */
  env?: Record<string, string>;
}

export function analyze(options: AnalyzeOptions): AnalysisResult {
  const started = performance.now();
  let discovery: ServiceDiscovery;
  if (options.services) discovery = servicesOfSpecs(options.services, options.origin ?? 'the services config');
  else if (options.servicesDirectory) discovery = servicesOfDirectory(options.servicesDirectory);
  else throw new AnalysisInputError('give a services directory or the services of a config');
  const project = createProject();
  const warnings: Warning[] = [];
  const loaded = discovery.services.map((s) => {
    const files = s.entries.flatMap((e) => addServiceFiles(project, e, warnings));
    const env = options.assumeEnv ? environment({ ...(s.env ?? {}), ...(options.env ?? {}) }) : undefined;
    return { name: s.name, files: [...new Set(files)], env };
  });
  const services = loaded.map(({ name, files, env }) => {
    const { analysis, scope } = analyseService(name, files, env);
    for (const w of scope.warnings) if (!warnings.some((x) => x.file === w.file && x.line === w.line && x.message === w.message)) warnings.push(w);
    return analysis;
  });
  // Call sites named after the services their URL names, then the findings, which say so.
  const names = [...services.map((s) => s.name), ...discovery.skipped.map((s) => s.name)];
  for (const s of services) {
    for (const site of s.callSites) {
      const callee = calleeOf(site.url ?? site.target, names);
      if (callee) site.callee = callee;
    }
    s.findings = findingsOf(s);
  }
  return { services, skipped: discovery.skipped, warnings, durationMs: performance.now() - started };
}

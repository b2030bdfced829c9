/**
 * The analyser on an application's services config: the CLI loads the file (runner/service-config.ts) and
 * hands the analyser its parsed services, so the analyser itself never reads our config format.
 */
import { analyze, AnalysisInputError, type AnalysisResult, type AnalyzeOptions } from '../../analysis/index.js';
import { ConfigError, loadServicesConfig } from '../runner/service-config.js';

export function analyzeConfig(configFile: string, options: Omit<AnalyzeOptions, 'services' | 'origin' | 'servicesDirectory'> = {}): AnalysisResult {
  let config;
  try {
    config = loadServicesConfig(configFile);
  } catch (err) {
    if (err instanceof ConfigError) throw new AnalysisInputError(err.message);
    throw err;
  }
  return analyze({ ...options, services: config.services, origin: configFile });
}

/**
 * The fault catalogue of a plain `run`: derived from the services' own source by the analyser, as the
 * original Filibuster does, so that each call is offered the statuses its callee (and the route it calls)
 * can really answer, a 404 or a 409 included, and not only a generic 5xx. Services the analyser cannot read
 * (no source found, another language) keep the built-in statuses. `--analysis-file` gives a catalogue of
 * one's own; `--no-analysis` the built-in one; the Python profile keeps the built-in one (the original's
 * defaults: its counts depend on them).
 */
import { AnalysisInputError, extendedCatalogue } from '../../analysis/index.js';
import { FaultCatalogue } from '../catalogue/catalogue.js';
import { analyzeConfig } from './analyze-config.js';

export interface CatalogueChoice {
  analysisFile?: string;
  /** False with --no-analysis. */
  analysis?: boolean;
  servicesConfig?: string;
  profile?: 'node' | 'python';
}

export function catalogueForRun(choice: CatalogueChoice, log: (line: string) => void): FaultCatalogue {
  if (choice.analysisFile) return FaultCatalogue.fromFile(choice.analysisFile);
  const builtIn = FaultCatalogue.default();
  if (choice.analysis === false || choice.profile === 'python' || !choice.servicesConfig) return builtIn;
  let result;
  try {
    result = analyzeConfig(choice.servicesConfig);
  } catch (err) {
    if (!(err instanceof AnalysisInputError)) throw err;
    log(`fault catalogue: the built-in one (the services' source could not be analysed: ${err.message})`);
    return builtIn;
  }
  const read = result.services.filter((s) => s.codes.length > 0 || s.routes.length > 0);
  if (read.length === 0) {
    log('fault catalogue: the built-in one (the analyser found no service source it could read)');
    return builtIn;
  }
  const others = result.skipped.map((s) => s.name);
  log(
    `fault catalogue: derived from the source of ${read.map((s) => s.name).join(', ')} (the statuses each callee and route can answer; ` +
      `connection refused, and timeouts where a call has one)${others.length ? `; the built-in statuses for ${others.join(', ')}` : ''}` +
      ` (--no-analysis: the built-in catalogue; --analysis-file: your own)`,
  );
  return FaultCatalogue.fromJson(extendedCatalogue(result), `the analysis of ${choice.servicesConfig}`).withErrorsElsewhere(builtIn);
}

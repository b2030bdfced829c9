/**
 * The static catalogue of a corpus application: the analyser's `--compat` output for the app's
 * services.json, derived once per app (and bug switch) per process, with the environment the services
 * run with assumed (conditions on process.env decided). An app keeps a hand-written `analysis-static.json`
 * only where honest analysis of the port cannot give the original's codes (its README says why): the
 * file, when present, wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compatCatalogue } from '../../analysis/index.js';
import { analyzeConfig } from './analyze-config.js';
import { FaultCatalogue } from '../catalogue/catalogue.js';

const derived = new Map<string, unknown>();

/**
 * The catalogue in the original's analysis-file format (what `--analysis-file` reads), for the services
 * run as the config says plus `serviceEnv` (a bug switch): conditions on process.env are decided.
 */
export function staticCatalogueJson(root: string, app: string, serviceEnv: Record<string, string> = {}): unknown {
  const handWritten = join(root, 'corpus', app, 'analysis-static.json');
  if (existsSync(handWritten)) return JSON.parse(readFileSync(handWritten, 'utf8'));
  const key = `${app} ${JSON.stringify(serviceEnv)}`;
  let json = derived.get(key);
  if (!json) {
    json = compatCatalogue(analyzeConfig(join(root, 'corpus', app, 'services.json'), { assumeEnv: true, env: serviceEnv }));
    derived.set(key, json);
  }
  return json;
}

export function staticCatalogue(root: string, app: string, serviceEnv: Record<string, string> = {}): FaultCatalogue {
  return FaultCatalogue.fromJson(staticCatalogueJson(root, app, serviceEnv), `the static catalogue of corpus/${app}`);
}

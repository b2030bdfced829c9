/**
 * The static catalogue of a corpus application: the analyser's `--compat` output for the app's
 * services.json, derived once per app per process. An app keeps a hand-written `analysis-static.json`
 * only where honest analysis of the port cannot give the original's codes (its README says why): the
 * file, when present, wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, compatCatalogue } from '../analysis/index.js';
import { FaultCatalogue } from '../orchestrator/catalogue.js';

const derived = new Map<string, unknown>();

/** The catalogue in the original's analysis-file format (what `--analysis-file` reads). */
export function staticCatalogueJson(root: string, app: string): unknown {
  const handWritten = join(root, 'corpus', app, 'analysis-static.json');
  if (existsSync(handWritten)) return JSON.parse(readFileSync(handWritten, 'utf8'));
  let json = derived.get(app);
  if (!json) {
    json = compatCatalogue(analyze({ config: join(root, 'corpus', app, 'services.json') }));
    derived.set(app, json);
  }
  return json;
}

export function staticCatalogue(root: string, app: string): FaultCatalogue {
  return FaultCatalogue.fromJson(staticCatalogueJson(root, app), `the static catalogue of corpus/${app}`);
}

/**
 * The static catalogue of a corpus application: the analyser's `--compat` output for the app's
 * services.json, derived once per app per process. An app keeps a hand-written `analysis-static.json`
 * only where honest analysis of the port cannot give the original's codes (its README says why): the
 * file, when present, wins.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, compatCatalogue } from '../analysis/index.js';
import { FaultCatalogue } from '../orchestrator/catalogue.js';

const derived = new Map<string, FaultCatalogue>();

export function staticCatalogue(root: string, app: string): FaultCatalogue {
  const handWritten = join(root, 'corpus', app, 'analysis-static.json');
  if (existsSync(handWritten)) return FaultCatalogue.fromFile(handWritten);
  let catalogue = derived.get(app);
  if (!catalogue) {
    const result = analyze({ config: join(root, 'corpus', app, 'services.json') });
    catalogue = FaultCatalogue.fromJson(compatCatalogue(result), `the analysis of corpus/${app}`);
    derived.set(app, catalogue);
  }
  return catalogue;
}

/**
 * The static analyser over the corpus: per application, services and call sites found and the analysis
 * time (one ts-morph Project per run, as `filibuster analyze` makes), then the whole corpus in one run
 * per app, back to back.
 */
import { analyzeConfig } from '../orchestrator/cli/analyze-config.js';
import { join } from 'node:path';
import { analyze } from '../analysis/index.js';

export const ANALYSED_APPS = [
  'cinema-1', 'cinema-2', 'cinema-3', 'cinema-4', 'cinema-5', 'cinema-6', 'cinema-7', 'cinema-8', 'cinema-9', 'cinema-10',
  'cinema-11', 'cinema-12', 'cinema-13', 'cinema-14', 'audible', 'expedia', 'mailchimp', 'netflix', 'node-fanout', 'node-resilient',
];

export function analysisTimes(root: string): (string | number)[][] {
  const rows: (string | number)[][] = [];
  let total = 0;
  for (const app of ANALYSED_APPS) {
    const result = analyzeConfig(join(root, 'corpus', app, 'services.json'));
    total += result.durationMs;
    rows.push([app, result.services.length, result.services.reduce((n, s) => n + s.callSites.length, 0), result.durationMs]);
  }
  rows.push(['all', '', '', total]);
  return rows;
}

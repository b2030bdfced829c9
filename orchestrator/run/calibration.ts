/**
 * Calibration (DESIGN §13): before the search, the fault-free execution runs twice and the two runs' calls
 * are compared call site by call site. A path segment or a query value that differs between them is a
 * value that changes from run to run (a fresh id, a nonce, a timestamp) and becomes a slot of the run's
 * identity rules: a route template for the segment, a slotted query parameter for the value. Id-shaped
 * segments and values are slots already (instrumentation/identity-rules.ts). The rules found here hold for
 * the whole search, in every process, and are recorded in the journal and in every counterexample.
 */
import { ORIGINAL_RULES, type IdentityRules } from '../../instrumentation/protocol.js';
import { callPath, type Call } from '../search/model.js';
import type { TestBed } from './test-bed.js';

export interface Calibration {
  rules: IdentityRules;
  /** The templates and slotted query parameters this calibration added, in words. */
  found: string[];
  /** Differences no rule can absorb (another number of calls, a path of another shape), in words. */
  unexplained: string[];
}

/** A call site: the caller, the method, the callee, the stack signature. */
function siteOf(c: Call): string {
  return `${c.source}|${c.method}|${c.target ?? c.callee ?? ''}|${c.fullTraceback}`;
}

function bySite(calls: readonly Call[]): Map<string, Call[]> {
  const sites = new Map<string, Call[]>();
  for (const c of calls) {
    const list = sites.get(siteOf(c));
    if (list) list.push(c);
    else sites.set(siteOf(c), [c]);
  }
  return sites;
}

function splitPath(path: string): { segments: string[]; query: Map<string, string> } {
  const q = path.indexOf('?');
  const query = new Map<string, string>();
  if (q >= 0) {
    for (const pair of path.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0) query.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return { segments: (q >= 0 ? path.slice(0, q) : path).split('/'), query };
}

/** Compares two fault-free runs (`first`, `second`: their calls in canonical order) under `rules`. */
export function calibrate(first: readonly Call[], second: readonly Call[], rules: IdentityRules): Calibration {
  const templates = new Set(rules.templates);
  const slotted = new Set(rules.slottedQuery);
  const found: string[] = [];
  const unexplained: string[] = [];
  const later = bySite(second);
  for (const [site, calls] of bySite(first)) {
    const again = later.get(site) ?? [];
    if (again.length !== calls.length) unexplained.push(`${calls[0].source} → ${calls[0].target ?? calls[0].callee} made ${calls.length} call(s) from one place in the first run, ${again.length} in the second`);
    for (let i = 0; i < Math.min(calls.length, again.length); i++) {
      const a = splitPath(callPath(calls[i]));
      const b = splitPath(callPath(again[i]));
      if (a.segments.length !== b.segments.length) {
        unexplained.push(`${calls[i].source} → ${calls[i].target ?? calls[i].callee}: ${callPath(calls[i])} and ${callPath(again[i])} have different shapes`);
        continue;
      }
      const differs = a.segments.some((s, k) => s !== b.segments[k]);
      if (differs) {
        const template = a.segments.map((s, k) => (s === b.segments[k] ? s : ':v')).join('/');
        if (!templates.has(template)) {
          templates.add(template);
          found.push(`path template ${template}`);
        }
      }
      for (const [name, value] of a.query) {
        if (b.query.has(name) && b.query.get(name) !== value && !slotted.has(name)) {
          slotted.add(name);
          found.push(`query parameter ${name} (its value changes)`);
        }
      }
    }
  }
  return { rules: { ...rules, templates: [...templates], slottedQuery: [...slotted] }, found, unexplained };
}

/**
 * The calibration phase on a started test bed: the two fault-free runs (not numbered, their coverage
 * dropped), compared, and the rules found set in every service. A client of the original protocol in the
 * first run (the Python instrumentation) means the Python profile: the services get the original rules
 * back and 'python' is returned for the caller to switch (`alsoOnPython`: what else the switch changes,
 * named in the same log line).
 */
export async function calibrateBed(bed: TestBed, runId: string, timeoutMs: number, log: (message: string) => void, interrupted: () => boolean, alsoOnPython: readonly string[] = []): Promise<'python' | undefined> {
  const faultFree = async (k: number) => {
    const run = await bed.run(0, `${runId}-calibrate-${k}`, [], timeoutMs);
    bed.discardCoverage(run.id); // not an execution of the search: its coverage is no one's
    return run;
  };
  const first = await faultFree(1);
  if (bed.session.originalClientCalls > 0) {
    log(`a service sent messages without an execution id (the Python instrumentation): switching to the Python profile (--profile python): the original call identity, one execution at a time${alsoOnPython.map((w) => `, ${w}`).join('')}`);
    await bed.setIdentityRules(ORIGINAL_RULES);
    return 'python';
  }
  if (interrupted() || first.judgement.verdict !== 'pass') return undefined; // the fault-free execution will say why
  const second = await faultFree(2);
  if (interrupted() || second.judgement.verdict !== 'pass') return undefined;
  const { rules, found, unexplained } = calibrate(first.calls, second.calls, bed.identityRules);
  if (found.length > 0) await bed.setIdentityRules(rules);
  log(`calibration (two fault-free runs compared): ${found.length ? `values that change from run to run become slots: ${found.join('; ')}` : 'no value changes from run to run'}`);
  for (const u of unexplained) log(`warning: calibration: ${u}; executions may not reproduce their scheduled calls`);
  return undefined;
}

/**
 * Before a counterexample is replayed: is this the application it was recorded against? Its calls name
 * the services that made them (and the ones that answered); if the services configuration starts none of
 * those, the replay could only inject nothing, so it is refused with the difference spelled out. A replay
 * against a changed version of the same application runs; when a fault finds no call, the replay is
 * "not reproduced", and says which fault and which call it saw nearest (after the run).
 */
import type { LoadedCounterexample } from '../results/counterexample.js';
import type { ServicesConfig } from '../runner/service-config.js';
import { callInWords, describeFailure, type Call } from '../search/model.js';
import type { NotReproduced } from './verdict.js';

/** The services the counterexample's calls came from or reached (the test process aside). */
export function servicesOf(counterexample: LoadedCounterexample): string[] {
  const names = new Set<string>();
  for (const entry of counterexample.responseLog) {
    if (entry.source_service_name && entry.source_service_name !== 'functional-test') names.add(entry.source_service_name);
    if (entry.target_service_name && entry.target_service_name !== 'external') names.add(entry.target_service_name);
  }
  return [...names].sort();
}

/** A reason to refuse the replay, or undefined when the configuration starts the counterexample's services. */
export function differentApplication(counterexample: LoadedCounterexample, config: ServicesConfig, configFile: string): string | undefined {
  const recorded = servicesOf(counterexample);
  if (recorded.length === 0) return undefined;
  const started = new Set(config.services.map((s) => s.name));
  const missing = recorded.filter((name) => !started.has(name));
  if (missing.length < recorded.length) return undefined;
  return (
    `the counterexample was recorded against services ${recorded.join(', ')}, none of which ${configFile} starts ` +
    `(it starts ${[...started].sort().join(', ') || 'nothing'}): it belongs to a different application, and replaying it here would inject nothing`
  );
}

/** The frames of an execution index (`[["<hash>", n], ...]`); none when it is not one. */
function frames(ei: string): [string, number][] {
  try {
    const parsed = JSON.parse(ei) as unknown;
    return Array.isArray(parsed) ? (parsed as [string, number][]) : [];
  } catch {
    return [];
  }
}

/**
 * The call of a run nearest to a planned execution index: the most leading frames in common; at equal
 * depth, the same call identity with another occurrence wins (a retry that did not happen as often).
 */
export function nearestCall(ei: string, calls: readonly Call[]): { call: Call; sameIdentity: boolean } | undefined {
  const target = frames(ei);
  let best: { call: Call; sameIdentity: boolean; score: number } | undefined;
  for (const call of calls) {
    const own = frames(call.ei);
    let common = 0;
    while (common < target.length && common < own.length && target[common][0] === own[common][0] && target[common][1] === own[common][1]) common++;
    const sameIdentity = own.length === target.length && common === target.length - 1 && own[common][0] === target[common][0];
    const score = common * 2 + (sameIdentity ? 1 : 0);
    if (!best || score > best.score) best = { call, sameIdentity, score };
  }
  return best && { call: best.call, sameIdentity: best.sameIdentity };
}

/**
 * Why a replayed counterexample was not reproduced, in words: each fault that was not injected (as the
 * counterexample describes it) and the call seen nearest to the one it was planned on.
 */
export function notReproducedInWords(counterexample: LoadedCounterexample, why: NotReproduced, calls: readonly Call[]): string {
  const parts = why.notInjected.map((f) => {
    const i = counterexample.failures.indexOf(f);
    const planned = counterexample.faultDescriptions[i] ?? describeFailure(f);
    const near = nearestCall(f.execution_index, calls);
    const seen = !near
      ? 'the run made no call at all'
      : near.sameIdentity
        ? `the same call was made, but not that many times: the nearest is ${callInWords(near.call)}, execution index ${near.call.ei}`
        : `no call had its execution index ${f.execution_index}; the nearest call seen: ${callInWords(near.call)}, execution index ${near.call.ei}`;
    return `the fault "${planned}" was not injected: ${seen}`;
  });
  if (why.diverged) parts.push(`the recorded call ${callInWords(why.diverged)} was not made`);
  return [...parts, ...why.problems].join('; ') + '. The application no longer makes the calls the counterexample was recorded on (a changed application, or other services, environment or options)';
}

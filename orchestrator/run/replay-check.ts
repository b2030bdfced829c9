/**
 * Before a counterexample is replayed: is this the application it was recorded against? Its calls name
 * the services that made them (and the ones that answered); if the services configuration starts none of
 * those, the replay could only inject nothing and "pass", so it is refused with the difference spelled
 * out. (A replay against a changed version of the same application runs, and says afterwards whether
 * every fault found its call.)
 */
import type { LoadedCounterexample } from '../results/counterexample.js';
import type { ServicesConfig } from '../runner/service-config.js';

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

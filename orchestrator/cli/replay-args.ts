/**
 * `--counterexample-file F`: the counterexample says how to replay it (counterexample.ts); flags given on
 * the command line override what it recorded, with a warning where the two differ, and a services
 * configuration changed since the recording is warned about (its hash). The network conditions the run had
 * (`--conditions`) are switched on again, on top of the counterexample's catalogue of its own faults.
 */
import { resolve } from 'node:path';
import { FaultCatalogue } from '../catalogue/catalogue.js';
import { parseConditions } from '../catalogue/conditions.js';
import { sha256OfFile, type LoadedCounterexample, type TestSpec } from '../results/counterexample.js';

/** A run on any free port (`--port 0`) records no port: its replay takes any free port too. */
const DEFAULT_PORT = 0;
/** The CLI's default: a flag left at its default was not given. */
const DEFAULT_HOST = '127.0.0.1';

/** The flags that a counterexample's recording may stand in for (RunArgs has them). */
export interface ReplayFlags {
  services?: string;
  analysisFile?: string;
  /** `--conditions` as given. */
  conditions?: string;
  serviceEnv?: Record<string, string>;
  eiCompat: boolean;
  /** Undefined when not given. */
  port?: number;
  host: string;
  timeout?: number;
}

export interface ReplaySettings {
  test?: TestSpec;
  servicesConfig?: string;
  serviceEnv?: Record<string, string>;
  catalogue: FaultCatalogue;
  /** The network conditions switched on (catalogue/conditions.ts). */
  conditions?: string[];
  eiCompat: boolean;
  port: number;
  host: string;
  timeoutSeconds?: number;
}

/** Two values as a replay sees them: test module paths compared resolved, the rest as JSON. */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => {
    const t = v as TestSpec | undefined;
    if (t?.kind !== 'module') return v;
    const hash = t.value.lastIndexOf('#');
    return { kind: t.kind, value: hash > 0 ? resolve(t.value.slice(0, hash)) + t.value.slice(hash) : resolve(t.value) };
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Merges the counterexample's recorded settings with the flags; `warn` gets one line per difference. */
export function replaySettings(args: ReplayFlags, ce: LoadedCounterexample, flagTest: TestSpec | undefined, warn: (line: string) => void): ReplaySettings {
  const recorded = ce.options;
  const pick = <T>(flag: string, given: T | undefined, theirs: T | undefined): T | undefined => {
    if (given === undefined) return theirs;
    if (theirs !== undefined && !same(given, theirs)) warn(`${flag} ${JSON.stringify(given)} differs from the counterexample's ${JSON.stringify(theirs)}; using ${flag} (the replay may not reproduce it)`);
    return given;
  };
  const servicesConfig = pick('--services', args.services && resolve(args.services), ce.servicesConfig);
  if (servicesConfig && ce.servicesConfigSha256 && sha256OfFile(servicesConfig) !== ce.servicesConfigSha256) {
    warn(`${servicesConfig} has changed since the counterexample was recorded (its content hash differs); the replay may not reproduce it`);
  }
  const catalogue = args.analysisFile
    ? FaultCatalogue.fromFile(args.analysisFile)
    : ce.catalogue
      ? FaultCatalogue.fromJson(ce.catalogue, `${ce.file}: "catalogue"`)
      : FaultCatalogue.default();
  return {
    test: pick('the test', flagTest, ce.test),
    servicesConfig,
    serviceEnv: pick('--service-env', args.serviceEnv, ce.serviceEnv),
    catalogue,
    conditions: pick('--conditions', args.conditions !== undefined ? parseConditions(args.conditions) : undefined, recorded?.conditions),
    eiCompat: pick('--ei-compat', args.eiCompat ? true : undefined, recorded?.ei_compat) ?? false,
    port: pick('--port', args.port, recorded?.port) ?? DEFAULT_PORT,
    host: pick('--host', args.host !== DEFAULT_HOST ? args.host : undefined, recorded?.host) ?? DEFAULT_HOST,
    timeoutSeconds: pick('--timeout', args.timeout, recorded?.timeout_ms !== undefined ? recorded.timeout_ms / 1000 : undefined),
  };
}

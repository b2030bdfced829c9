/**
 * filibuster instrumentation: `instrument({ serviceName, orchestratorUrl })` from code, or zero code with
 * `node --import filibuster/register app.js` (configuration from the environment, see env.ts).
 */
export { instrument, runInExecution, type Instrumented } from './instrument.js';
export type { InstrumentationConfig } from './types.js';
export { wasFaultInjected, wasFaultInjectedOn, wasFaultInjectedOnMethod, withoutFaults, executionCalls } from './testing.js';
export { always, sometimes, unreachable } from './properties.js';

/** Messages between the ModuleTestRunner and its worker process (over the IPC channel). */
import type { FaultPlan } from '../../instrumentation/protocol.js';
import type { ServiceEndpoint } from './services.js';

export type WorkerRequest =
  | { type: 'load'; path: string; exportName: string; services: Record<string, ServiceEndpoint> }
  | { type: 'run'; executionId: string; plan?: FaultPlan };

export type WorkerReply =
  | { type: 'loaded' }
  | { type: 'load-failed'; detail: string }
  | { type: 'passed' }
  /** `error`: the thrown error with its stack and causes; `console`: what the process wrote while the test ran (both bounded). */
  | { type: 'failed'; detail: string; error: string; console: string }
  | { type: 'exit'; detail: string };

/** What a test module's exported function receives. */
export interface TestContext {
  executionId: string;
  /** The services of the configuration: name → { url, port }. */
  services: Record<string, ServiceEndpoint>;
  orchestratorUrl: string;
}

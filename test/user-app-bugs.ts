/**
 * The listed bugs of the four user-written applications (corpus/gateway, event-bus, fallback-chain,
 * breaker: each README's "Bugs" or "What must not be reported"), as predicates over a run's executions,
 * so that the acceptance test and the benchmark (bench/user-apps.ts) read "found" the same way.
 */
import type { ExecutionResult } from '../orchestrator/results/run-results.js';

export interface ListedBug {
  name: string;
  /** True for an execution that shows this bug. */
  shows(e: ExecutionResult): boolean;
}

export interface UserApp {
  app: string;
  bugs: ListedBug[];
  /** For the negative control: an execution that reports something the README says must not be. */
  falseFinding?(e: ExecutionResult): boolean;
}

const onEdge = (e: ExecutionResult, caller: string, callee?: string) => e.faults.some((f) => f.edge?.caller === caller && (callee === undefined || f.edge?.callee === callee));
const faultNamed = (e: ExecutionResult, name: string) => e.faults.some((f) => f.forced_exception?.name === name);

export const USER_APPS: UserApp[] = [
  {
    app: 'gateway',
    bugs: [
      { name: 'no timeout anywhere (a backend that never answers hangs the gateway)', shows: (e) => e.verdict === 'hang' && e.finding === 'never-returned' && onEdge(e, 'gateway') && faultNamed(e, 'node.BlackHole') },
      { name: 'partial writes from the parallel fan-out', shows: (e) => e.verdict === 'fail' && /left a partial write behind/.test(e.detail ?? '') },
      { name: 'a backend 4xx turned into 502', shows: (e) => e.verdict === 'fail' && /a client error, and the gateway turned it into 502/.test(e.detail ?? '') },
    ],
  },
  {
    app: 'event-bus',
    bugs: [
      { name: 'accounts crashes when the bus fails', shows: (e) => e.verdict === 'crash' && /service accounts exited/.test(e.detail ?? '') && onEdge(e, 'accounts', 'bus') },
      { name: 'billing crashes when the bus fails', shows: (e) => e.verdict === 'crash' && /service billing exited/.test(e.detail ?? '') && onEdge(e, 'billing', 'bus') },
    ],
  },
  {
    app: 'fallback-chain',
    bugs: [{ name: 'a fallback that masks the failure (200 without "rating")', shows: (e) => e.verdict === 'fail' && /without "rating"/.test(e.detail ?? '') && onEdge(e, 'books', 'ratings') }],
  },
  {
    app: 'breaker',
    bugs: [{ name: 'an abandoned request (a leak)', shows: (e) => e.verdict === 'leak' && onEdge(e, 'shop') }],
    // Only the leak and an echoed corrupt body may be reported: no crash, no 5xx, no hang, nothing unsure.
    falseFinding: (e) =>
      e.verdict === 'crash' || e.verdict === 'hang' || e.verdict === 'inconclusive' || (e.verdict === 'fail' && !faultNamed(e, 'node.CorruptBody')),
  },
];

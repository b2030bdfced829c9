/**
 * Session: the orchestrator's protocol state. It routes every message to the execution it belongs to
 * (by execution id; messages without one, from the Python-compatible profile, go to the current
 * execution), recognises late messages from finished executions, and answers the functional test's
 * questions (was a fault injected?).
 */
import { anyFault, faultOn, faultOnMethod } from '../../instrumentation/protocol.js';
import type { CreateMessage, CreateResponse, EntryResponseMessage, FaultPlan, InvocationCompleteMessage, PropertyMessage, RequestReceivedMessage } from '../../instrumentation/protocol.js';
import { Execution } from './execution.js';
import type { Call, Failure } from '../search/model.js';
import { ORCHESTRATOR_ID_LIMIT } from './validate.js';

export type Answer = { status: number; body: unknown };

/** What reached the orchestrator over a run: HTTP requests, decisions among them, and calls recorded. */
export interface Traffic {
  requests: number;
  decisions: number;
  /** Reports applied or refused, whether alone, in a batch or riding on a decision. */
  reports: number;
  calls: number;
}

export class Session {
  private readonly active = new Map<string, Execution>();
  private current?: Execution;
  private nextGeneratedId = 0;
  private seenServices = new Set<string>();
  /** Which callees each execution index reached, in executions already run (the original's retcon). */
  private readonly targetsByEi = new Map<string, Set<string>>();
  private readonly methodByEi = new Map<string, string>();
  lateMessages = 0;
  /**
   * Set while executions may run at once (parallel.ts). A message without an execution id cannot be
   * attributed then; such messages are counted (always), and the exploration falls back to one execution
   * at a time when it sees one.
   */
  parallel = false;
  messagesWithoutExecutionId = 0;
  /** Calls reported by a client of the original's protocol (the Python instrumentation): no execution id, no sequence. */
  originalClientCalls = 0;
  backgroundCalls: string[] = [];
  readonly traffic: Traffic = { requests: 0, decisions: 0, reports: 0, calls: 0 };
  private serviceNames: Readonly<Record<string, string>> = {};
  private readonly warn: (message: string) => void;
  /** Network faults are answered with `real_time` (protocol.ts): `--real-time-conditions`. */
  realTimeConditions: boolean;

  /** `realTimeConditions`: network faults are answered with `real_time` (protocol.ts). */
  constructor(warn: (message: string) => void = () => {}, options: { realTimeConditions?: boolean } = {}) {
    this.warn = warn;
    this.realTimeConditions = options.realTimeConditions ?? false;
  }

  begin(number: number, id: string, failures: readonly Failure[]): Execution {
    const execution = new Execution(number, id, failures);
    this.active.set(id, execution);
    this.current = execution;
    this.seenServices = new Set();
    return execution;
  }

  /** The execution is over: later messages for it are late. Its calls feed the fault-injected answers. */
  end(execution: Execution, calls: readonly Call[]): void {
    this.active.delete(execution.id);
    // Calls still open now were abandoned (a leak, a call that never returned: the verdict says so);
    // their outcome may still arrive, and is then expected, not a warning.
    for (const gid of execution.openCalls().keys()) this.abandoned.add(gid);
    if (this.current === execution) this.current = undefined;
    this.traffic.calls += calls.length;
    this.learn(calls);
  }

  /** Records which callee each call reached (also used to seed a replay from a counterexample). */
  learn(calls: readonly Pick<Call, 'ei' | 'target' | 'method'>[]): void {
    for (const c of calls) {
      if (!this.methodByEi.has(c.ei)) this.methodByEi.set(c.ei, c.method);
      if (!c.target) continue;
      const set = this.targetsByEi.get(c.ei);
      if (set) set.add(c.target);
      else this.targetsByEi.set(c.ei, new Set([c.target]));
    }
  }

  private executionFor(executionId: string | undefined): Execution | undefined {
    if (executionId !== undefined) return this.active.get(executionId);
    this.messagesWithoutExecutionId++;
    if (!this.parallel) return this.current;
    // With one execution running it can only be that one's; with several, none can be vouched for.
    return this.active.size === 1 ? this.active.values().next().value : undefined;
  }

  /** Generated ids of calls still open when their execution ended: their late outcomes are expected. */
  private readonly abandoned = new Set<number>();

  private late(what: string): Answer {
    this.lateMessages++;
    this.warn(`ignored a late or unknown message: ${what}`);
    return { status: 200, body: {} };
  }

  create(message: CreateMessage): Answer {
    // Our instrumentation numbers its calls (sibling_sequence); the original's Python one does not, and
    // never names an execution. A call of ours outside any execution (a health probe that reached a
    // handler, start-up work) is not a sign of Python services.
    if (message.execution_id === undefined && typeof message.sibling_sequence !== 'number') this.originalClientCalls++;
    const execution = this.executionFor(message.execution_id);
    if (!execution) {
      // No execution to attribute it to: answer "no fault" so the call goes on, and change nothing.
      this.late(`create for execution ${message.execution_id ?? '(none)'}`);
      return { status: 200, body: { generated_id: message.generated_id ?? -1, execution_index: message.execution_index } };
    }
    let gid = message.generated_id;
    if (gid === undefined) {
      if (this.nextGeneratedId >= ORCHESTRATOR_ID_LIMIT) return { status: 400, body: { error: 'generated id space exhausted' } };
      gid = this.nextGeneratedId++;
    } else if (execution.has(gid)) {
      return { status: 409, body: { error: `generated_id ${gid} is already in use in this execution` } };
    }
    // A client that does not name the callee (the Python instrumentation) is given the service that
    // listens on the port of its URL, so edges read by service name whatever the URL says.
    if (message.callee === undefined) {
      const callee = this.calleeOfUrl(message.args?.[0]);
      if (callee) message.callee = callee;
    }
    const response: CreateResponse = execution.create(message, gid);
    if (this.realTimeConditions && response.forced_exception) response.real_time = true;
    return { status: 200, body: response };
  }

  /** The services of the run, as the instrumentation names callees (host:port, name, `*:port`). */
  nameServices(map: Readonly<Record<string, string>>): void {
    this.serviceNames = map;
  }

  /** The service a host-stripped URL (`5001/movies/1`, the original's form) goes to, by its port. */
  private calleeOfUrl(url: unknown): string | undefined {
    const port = typeof url === 'string' ? /^(\d+)(?:\/|$)/.exec(url)?.[1] : undefined;
    if (!port) return undefined;
    const map = this.serviceNames;
    return map[`*:${port}`] ?? map[`127.0.0.1:${port}`] ?? map[`localhost:${port}`];
  }

  update(message: (RequestReceivedMessage | InvocationCompleteMessage) & { gid: number }): Answer {
    const execution = this.executionFor(message.execution_id);
    if (!execution || !execution.has(message.gid)) {
      if (this.abandoned.delete(message.gid)) {
        this.lateMessages++;
        return { status: 200, body: {} };
      }
      return this.late(`${message.instrumentation_type} for generated_id ${message.gid}`);
    }
    if (message.instrumentation_type === 'request_received') execution.requestReceived(message, message.gid);
    else execution.complete(message, message.gid);
    return { status: 200, body: {} };
  }

  /** An entry service's report of the test's request: its start, then the response it sent. */
  entryResponse(message: EntryResponseMessage): Answer {
    const execution = this.executionFor(message.execution_id);
    if (!execution) return this.late(`entry response for execution ${message.execution_id}`);
    execution.entry(message);
    return { status: 200, body: {} };
  }

  /** One evaluation of a sometimes/always/unreachable property. */
  property(message: PropertyMessage): Answer {
    const execution = this.executionFor(message.execution_id);
    if (!execution) return this.late(`property ${JSON.stringify(message.name)} for execution ${message.execution_id ?? '(none)'}`);
    execution.property(message);
    return { status: 200, body: {} };
  }

  /** The original's new-test-execution: true once per service per execution. */
  newTestExecution(service: string): Answer {
    if (!this.current) return { status: 200, body: { 'new-test-execution': false } };
    const fresh = !this.seenServices.has(service);
    this.seenServices.add(service);
    return { status: 200, body: { 'new-test-execution': fresh } };
  }

  background(description: string): Answer {
    if (this.backgroundCalls.length < 1000) this.backgroundCalls.push(description);
    return { status: 200, body: {} };
  }

  /** was_fault_injected(): the execution plans at least one fault (false for the fault-free one). */
  faultInjected(executionId: string | undefined): Answer {
    const execution = this.executionFor(executionId);
    if (!execution) return this.unknownExecution(executionId);
    return { status: 200, body: { result: anyFault(this.faultPlan(execution)) } };
  }

  /** was_fault_injected_on(service): a planned fault is on a call that reached `service` in an earlier run. */
  faultInjectedOn(executionId: string | undefined, service: string): Answer {
    const execution = this.executionFor(executionId);
    if (!execution) return this.unknownExecution(executionId);
    return { status: 200, body: { result: faultOn(this.faultPlan(execution), service) } };
  }

  /** A planned fault is on a call with this method (and to this service, when given). */
  faultInjectedOnMethod(executionId: string | undefined, first: string, second?: string): Answer {
    const execution = this.executionFor(executionId);
    if (!execution) return this.unknownExecution(executionId);
    return { status: 200, body: { result: faultOnMethod(this.faultPlan(execution), first, second) } };
  }

  /** What the test's own process needs to answer the three questions above itself (fault-plan.ts). */
  faultPlan(execution: Execution): FaultPlan {
    return {
      faults: execution.failures.map((f) => ({
        ...(this.methodByEi.has(f.execution_index) ? { method: this.methodByEi.get(f.execution_index) } : {}),
        targets: [...(this.targetsByEi.get(f.execution_index) ?? [])],
      })),
    };
  }

  /** The calls the execution has made so far, for properties checked by the test. */
  executionCalls(executionId: string | undefined): Answer {
    const execution = this.executionFor(executionId);
    if (!execution) return this.unknownExecution(executionId);
    return { status: 200, body: { calls: execution.observed() } };
  }

  private unknownExecution(executionId: string | undefined): Answer {
    return {
      status: 400,
      body: { error: executionId === undefined ? 'no execution is running' : `unknown execution ${JSON.stringify(executionId)}` },
    };
  }
}

/**
 * Execution: what the orchestrator records while one test execution runs, and its calls in canonical
 * order once it ends.
 *
 * Canonical order = pre-order of the causal call tree. A call's parent is the inbound call it was made
 * while serving (`parent_generated_id`; for clients that do not send it, the call whose vclock equals its
 * origin vclock, as the original pairs them). Siblings are ordered by the sequence number taken
 * synchronously when each call started (`sibling_sequence`; root calls first by the test's request order
 * `root_sequence`), so the order does not depend on when messages arrive. For sequential clients that
 * send neither (the Python instrumentation), arrival order is used, which is then the same thing.
 */
import type {
  CreateMessage,
  CreateResponse,
  EntryResponseMessage,
  PropertyKind,
  PropertyMessage,
  InvocationCompleteMessage,
  ObservedCall,
  RequestReceivedMessage,
} from '../../instrumentation/protocol.js';
import { callKey, stableJson, type Call, type Failure } from '../search/model.js';

/** The response an entry service sent to the functional test (what the test saw). */
export interface EntryResponse {
  service: string;
  method: string;
  path: string;
  status: number;
  body_md5: string;
  content_type?: string;
  /** The path with its ids as slots ("/accounts/:id"): one entry point for every id the test used. */
  template?: string;
  /** Which of the test's requests this was (their order in the test), to tell which calls served it. */
  root_sequence?: number;
  /** What a failing execution's report shows of it (sent by our instrumentation; absent from other clients). */
  headers?: Record<string, string>;
  body_excerpt?: string;
  body_bytes?: number;
}

/** What one execution reported of one property: how often it held and failed, and where. */
export interface PropertyTally {
  name: string;
  kind: PropertyKind;
  held: number;
  failed: number;
  /** Processes that reported a failure (services or "functional-test"). */
  failedIn: string[];
}

/** Distinct properties per execution beyond which reports are dropped. */
const MAX_PROPERTIES = 1024;

/** Entries per execution beyond which reports are dropped (a test is a handful of requests). */
const MAX_ENTRIES = 256;

interface LiveCall {
  arrival: number;
  /**
   * When the call started (performance.now() of this process): the caller's own time when it sent one, else
   * its create message's arrival. How long an open call has been open, and the report's waterfall.
   */
  startedAt: number;
  /** When its outcome was known: the caller's time when sent, else the outcome's arrival. */
  endedAt?: number;
  generatedId: number;
  message: CreateMessage;
  parentGeneratedId?: number | null;
  target?: string;
  completion?: InvocationCompleteMessage;
  failure?: Failure;
  injected: boolean;
}

export class Execution {
  readonly number: number;
  readonly id: string;
  readonly failures: readonly Failure[];
  readonly plannedByEi = new Map<string, Failure>();
  private readonly calls = new Map<number, LiveCall>();
  private arrivals = 0;
  private outstanding = 0;
  private quietWaiters: (() => void)[] = [];
  readonly hitEis = new Set<string>();
  readonly problems: string[] = [];
  private readonly propertyTallies = new Map<string, PropertyTally>();
  private readonly entriesStarted = new Set<string>();
  private readonly entriesEnded: EntryResponse[] = [];
  /** Call times are kept relative to this (performance.now() when the execution was opened). */
  private readonly openedAt = performance.now();

  constructor(number: number, id: string, failures: readonly Failure[]) {
    this.number = number;
    this.id = id;
    this.failures = failures;
    for (const f of failures) this.plannedByEi.set(f.execution_index, f);
  }

  get callCount(): number {
    return this.calls.size;
  }

  has(generatedId: number): boolean {
    return this.calls.has(generatedId);
  }

  /** A call starts: record it and decide its fault. */
  create(message: CreateMessage, generatedId: number): CreateResponse {
    const failure = this.plannedByEi.get(message.execution_index);
    this.calls.set(generatedId, {
      arrival: this.arrivals++,
      startedAt: localTime(message.started_at),
      generatedId,
      message,
      parentGeneratedId: message.parent_generated_id,
      failure,
      injected: failure !== undefined,
    });
    this.outstanding++;
    const response: CreateResponse = { generated_id: generatedId, execution_index: message.execution_index };
    if (failure) {
      this.hitEis.add(failure.execution_index);
      // As the original: every key of the planned failure is copied into the answer.
      if (failure.forced_exception) response.forced_exception = failure.forced_exception;
      if (failure.failure_metadata) response.failure_metadata = failure.failure_metadata;
      response.args = failure.args;
    }
    return response;
  }

  requestReceived(message: RequestReceivedMessage, generatedId: number): void {
    const call = this.calls.get(generatedId);
    if (call) call.target = message.target_service_name;
  }

  complete(message: InvocationCompleteMessage, generatedId: number): void {
    const call = this.calls.get(generatedId);
    if (!call || call.completion) return;
    call.completion = message;
    call.endedAt = localTime(message.ended_at);
    if (message.target_service_name && !call.target) call.target = message.target_service_name;
    if (message.decision_timeout) this.problems.push(`the decision for ${call.message.execution_index} did not arrive in time`);
    if (message.fault_refused) this.problems.push(`a fault was not injected: ${message.fault_refused}`);
    // The call went ahead without its planned fault: the fault was decided here but never injected.
    if ((message.decision_timeout || message.fault_refused) && call.failure) {
      call.injected = false;
      this.hitEis.delete(call.failure.execution_index);
    }
    this.settle();
  }

  /** The test's request reached an entry service (start), or its response was sent (end). */
  entry(message: EntryResponseMessage): void {
    const key = `${message.service}\u0000${message.entry_id}`;
    if (message.phase === 'start') {
      if (this.entriesStarted.has(key) || this.entriesStarted.size >= MAX_ENTRIES) return;
      this.entriesStarted.add(key);
      this.outstanding++;
      return;
    }
    if (!this.entriesStarted.delete(key)) return;
    this.entriesEnded.push({
      service: message.service,
      method: message.method,
      path: message.path,
      status: message.status ?? 0,
      body_md5: message.body_md5 ?? '',
      ...(message.content_type ? { content_type: message.content_type } : {}),
      ...(message.template ? { template: message.template } : {}),
      ...(message.root_sequence !== undefined ? { root_sequence: message.root_sequence } : {}),
      ...(message.headers ? { headers: message.headers } : {}),
      ...(message.body_excerpt !== undefined ? { body_excerpt: message.body_excerpt } : {}),
      ...(message.body_bytes !== undefined ? { body_bytes: message.body_bytes } : {}),
    });
    this.settle();
  }

  /** One evaluation of a property. A name reported with two kinds counts under the first. */
  property(message: PropertyMessage): void {
    let tally = this.propertyTallies.get(message.name);
    if (!tally) {
      if (this.propertyTallies.size >= MAX_PROPERTIES) return;
      tally = { name: message.name, kind: message.kind, held: 0, failed: 0, failedIn: [] };
      this.propertyTallies.set(message.name, tally);
    }
    if (message.holds) tally.held++;
    else {
      tally.failed++;
      if (!tally.failedIn.includes(message.service)) tally.failedIn.push(message.service);
    }
  }

  /** Every property reported in this execution, in the order first seen. */
  get properties(): PropertyTally[] {
    return [...this.propertyTallies.values()];
  }

  /** The responses entry services sent to the test, in the order they were finished. */
  get entryResponses(): readonly EntryResponse[] {
    return this.entriesEnded;
  }

  private settle(): void {
    if (--this.outstanding === 0) for (const w of this.quietWaiters.splice(0)) w();
  }

  /** Calls that started but have not reported their outcome (entry requests not yet answered included). */
  get pending(): number {
    return this.outstanding;
  }

  /**
   * Entry requests of the test left without an answer: still open, or ended without a response sent (the
   * test's client went away first; reported with status 0).
   */
  get unansweredEntries(): number {
    return this.entriesStarted.size + this.entriesEnded.filter((e) => e.status === 0).length;
  }

  /** The generated ids of the calls with no outcome yet (no response, no error), and how long each has been open. */
  openCalls(now = performance.now()): Map<number, number> {
    const open = new Map<number, number>();
    for (const c of this.calls.values()) if (!c.completion) open.set(c.generatedId, now - c.startedAt);
    return open;
  }

  /** Resolves when every call created so far has completed, or after `graceMs`. */
  quiescent(graceMs: number): Promise<boolean> {
    if (this.outstanding === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.quietWaiters = this.quietWaiters.filter((w) => w !== done);
        resolve(false);
      }, graceMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.quietWaiters.push(done);
    });
  }

  /** Planned failures whose call never happened in this execution. */
  unhitFailures(): Failure[] {
    return this.failures.filter((f) => !this.hitEis.has(f.execution_index));
  }

  /** The calls so far, in arrival order, as the test sees them (`executionCalls()`). */
  observed(): ObservedCall[] {
    const out: ObservedCall[] = [];
    for (const c of this.calls.values()) {
      const m = c.message;
      const timeout = Number(m.metadata?.timeout);
      // An injected fault's outcome is known here before the caller reports it: the test asking right
      // after the response that depended on it sees it.
      const done = c.completion ?? (c.injected ? { return_value: c.failure?.failure_metadata?.return_value, exception: c.failure?.forced_exception } : undefined);
      const status = done?.return_value ? Number(done.return_value.status_code) : undefined;
      out.push({
        id: c.generatedId,
        parent: c.parentGeneratedId ?? null,
        source: m.source_service_name,
        target: c.target ?? m.callee ?? String(m.args[0] ?? ''),
        method: m.method,
        url: String(m.args[0] ?? ''),
        ...(Number.isFinite(timeout) ? { timeoutSeconds: timeout } : {}),
        ...(status !== undefined && Number.isFinite(status) ? { status } : {}),
        ...(done?.exception ? { exception: done.exception.name } : {}),
        faultInjected: c.injected,
      });
    }
    return out;
  }

  /** The calls in canonical order, with canonical keys. */
  finish(): Call[] {
    const live = [...this.calls.values()].sort((a, b) => a.arrival - b.arrival);
    const children = new Map<number | 'root', LiveCall[]>();
    const byVclock = new Map<string, number>();
    for (const c of live) {
      let parent: number | 'root' = 'root';
      if (c.parentGeneratedId != null && this.calls.has(c.parentGeneratedId)) parent = c.parentGeneratedId;
      else if (c.parentGeneratedId == null && Object.keys(c.message.origin_vclock ?? {}).length > 0) {
        const p = byVclock.get(stableJson(c.message.origin_vclock));
        if (p !== undefined) parent = p;
      }
      byVclock.set(stableJson(c.message.vclock), c.generatedId);
      const list = children.get(parent);
      if (list) list.push(c);
      else children.set(parent, [c]);
    }
    for (const [parent, list] of children) sortSiblings(list, parent === 'root');

    const ordered: Call[] = [];
    const stack: LiveCall[] = [...(children.get('root') ?? [])].reverse();
    while (stack.length > 0) {
      const c = stack.pop()!;
      ordered.push(this.toCall(c, ordered.length));
      const kids = children.get(c.generatedId);
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    // Calls whose parent never reported (a broken chain) still count, after the tree, in arrival order.
    if (ordered.length < live.length) {
      const seen = new Set(ordered.map((c) => c.generatedId));
      for (const c of live) if (!seen.has(c.generatedId)) ordered.push(this.toCall(c, ordered.length));
    }
    return ordered;
  }

  private toCall(c: LiveCall, position: number): Call {
    const m = c.message;
    const done = c.completion;
    // The key is set once the record is built, rather than spreading the record into a second object.
    const call: Call = {
      key: '',
      position,
      generatedId: c.generatedId,
      ei: m.execution_index,
      parentEi: parentEi(m.execution_index),
      module: m.module,
      method: m.method,
      args: m.args,
      kwargs: m.kwargs ?? {},
      metadata: m.metadata ?? {},
      source: m.source_service_name,
      callee: m.callee,
      target: c.target,
      rootSequence: m.root_sequence,
      vclock: m.vclock,
      originVclock: m.origin_vclock ?? {},
      callsiteFile: m.callsite_file ?? '',
      callsiteLine: m.callsite_line ?? '',
      fullTraceback: m.full_traceback ?? '',
      stackFrames: m.stack_frames,
      returnValue: done?.return_value,
      exception: done?.exception,
      failure: c.injected ? c.failure : undefined,
      startMs: relativeMs(c.startedAt, this.openedAt),
      ...(c.endedAt !== undefined ? { endMs: relativeMs(Math.max(c.endedAt, c.startedAt), this.openedAt) } : {}),
    };
    call.key = callKey(call);
    return call;
  }
}

/**
 * A caller's wall-clock time (epoch ms, protocol.ts `wallClockMs`) on this process's performance clock;
 * now when the caller sent none (the Python instrumentation). Every process of a machine reads one clock.
 */
function localTime(wallMs: number | undefined): number {
  return wallMs === undefined ? performance.now() : wallMs - performance.timeOrigin;
}

/**
 * Milliseconds since the execution opened, to a tenth (what a waterfall can show). A caller's clock may
 * read a hair earlier than this process's: nothing of an execution happened before it opened.
 */
function relativeMs(at: number, openedAt: number): number {
  return Math.max(0, Math.round((at - openedAt) * 10) / 10);
}

function sortSiblings(list: LiveCall[], root: boolean): void {
  const numbered = list.every((c) => typeof c.message.sibling_sequence === 'number');
  const rootsNumbered = !root || list.every((c) => typeof c.message.root_sequence === 'number');
  if (!numbered || !rootsNumbered) return; // the list is in arrival order already
  list.sort(
    (a, b) =>
      (root ? a.message.root_sequence! - b.message.root_sequence! : 0) ||
      a.message.sibling_sequence! - b.message.sibling_sequence! ||
      a.arrival - b.arrival,
  );
}

/** The EI of the call this call was made while serving: the EI without its last frame. */
export function parentEi(ei: string): string {
  const i = ei.lastIndexOf(', [');
  return i < 0 ? '[]' : ei.slice(0, i) + ']';
}


/**
 * The wire protocol between instrumentation and orchestrator: message shapes, header names and the
 * execution-index text format. This is the one module both sides import.
 *
 * It is the original Filibuster protocol (PUT /filibuster/create, POST /filibuster/update, ...) so that
 * the original Python instrumentation can be driven by our orchestrator. Our additions are optional
 * fields that old clients never send; the most important is `execution_id`, which attributes every
 * message to the execution it belongs to.
 */

export type VClock = Record<string, number>;

/** One frame of an execution index: [hash of the call's identity, occurrence counter]. */
export type EiFrame = [string, number];

export const HEADERS = {
  generatedId: 'x-filibuster-generated-id',
  vclock: 'x-filibuster-vclock',
  originVclock: 'x-filibuster-origin-vclock',
  executionIndex: 'x-filibuster-execution-index',
  requestId: 'x-filibuster-request-id',
  forcedSleep: 'x-filibuster-forced-sleep',
  /** Ours: the execution this request belongs to. */
  execution: 'x-filibuster-execution',
  /** Ours: order of the functional test's own requests within an execution. */
  rootSequence: 'x-filibuster-root-sequence',
  /** Ours, on responses: the service that answered (lets the caller name the callee without a race). */
  servedBy: 'x-filibuster-served-by',
  /**
   * Ours, on a call's request: the caller is our instrumentation, which reports the callee's served-by
   * name with the call's outcome, so the callee may withdraw its request_received (received-report.ts).
   */
  callerNamesCallee: 'x-filibuster-caller-names-callee',
  /** Ours: the request is outside fault injection (`withoutFaults`): not reported, never faulted. */
  noFaults: 'x-filibuster-no-faults',
} as const;

export const PATHS = {
  create: '/filibuster/create',
  update: '/filibuster/update',
  newTestExecution: '/filibuster/new-test-execution/',
  faultInjected: '/filibuster/fault-injected',
  faultInjectedOnService: '/filibuster/fault-injected/service/',
  faultInjectedOnMethod: '/filibuster/fault-injected/method/',
  healthCheck: '/health-check',
  /** Ours: calls made outside any inbound request (timers, start-up); reported, never faulted. */
  background: '/filibuster/background-call',
  /** Ours: the calls the current execution has made so far (for properties checked by the test). */
  executionCalls: '/filibuster/execution/calls',
  /** Ours: the response an entry service sent to the functional test (fire-and-forget). */
  entryResponse: '/filibuster/entry-response',
  /** Ours: one evaluation of a sometimes/always/unreachable property (fire-and-forget). */
  property: '/filibuster/property',
  /** Ours: several reports in one request (BatchRequest); old clients never send it. */
  batch: '/filibuster/batch',
} as const;

/**
 * Ours: now as epoch milliseconds with a fraction, the clock every process of a machine shares: call times
 * are taken where the call happens and carried in its messages, so that a report riding on a later
 * request still places the call where it was.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The original's EI text: JSON of the frame list with Python's default separators
 * (comma + space), e.g. `[["68ae...", 1], ["02bc...", 2]]`. Counters are not serialized.
 */
export function serializeEi(frames: readonly EiFrame[]): string {
  let out = '[';
  for (let i = 0; i < frames.length; i++) {
    if (i > 0) out += ', ';
    out += `[${JSON.stringify(frames[i][0])}, ${frames[i][1]}]`;
  }
  return out + ']';
}

/** Parses an EI text; returns undefined when it is not a list of [string, positive int] frames. */
export function parseEi(text: string): EiFrame[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  for (const frame of value) {
    if (!Array.isArray(frame) || frame.length !== 2) return undefined;
    if (typeof frame[0] !== 'string' || !Number.isInteger(frame[1]) || frame[1] < 1) return undefined;
  }
  return value as EiFrame[];
}

/** The original's vclock text is Python's json.dumps: `{"a": 1, "b": 2}`. */
export function serializeVclock(clock: VClock): string {
  const keys = Object.keys(clock);
  return '{' + keys.map((k) => `${JSON.stringify(k)}: ${clock[k]}`).join(', ') + '}';
}

/**
 * Ours: the network-condition faults (catalogue `exceptions`, parameters in `metadata`; see
 * instrumentation/README.md). The orchestrator resolves every parameter to a concrete value before a call
 * gets the fault (e.g. a latency relative to a timeout becomes `delay_ms`), so a counterexample replays it.
 */
export const NETWORK_FAULTS = {
  latency: 'node.Latency',
  blackHole: 'node.BlackHole',
  resetMidBody: 'node.ResetMidBody',
  slowBody: 'node.SlowBody',
  sliced: 'node.Sliced',
  truncatedBody: 'node.TruncatedBody',
  corruptBody: 'node.CorruptBody',
  dnsNotFound: 'node.ENOTFOUND',
  dnsTryAgain: 'node.EAI_AGAIN',
} as const;

/** What a caller injects instead of an exception, as in the original's analysis file. */
export interface ForcedException {
  name: string;
  metadata: Record<string, unknown>;
}

export interface FailureMetadata {
  return_value?: { status_code: string; [key: string]: unknown };
  exception?: { name?: string; metadata?: Record<string, unknown> };
}

/** An application frame of a call's stack: source file (relative to its package), line, function. */
export interface StackFrame {
  file: string;
  line: number;
  function: string;
}

/** Body of PUT /filibuster/create (`instrumentation_type: "invocation"`). */
export interface CreateMessage {
  instrumentation_type: 'invocation';
  source_service_name: string;
  module: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  callsite_file: string;
  callsite_line: string;
  full_traceback: string;
  metadata: Record<string, unknown>;
  vclock: VClock;
  origin_vclock: VClock;
  execution_index: string;
  // --- ours, optional on the wire ---
  execution_id?: string;
  /** generated_id of the inbound call this call was made while serving (null at the root). */
  parent_generated_id?: number | null;
  /** Order of this call among the calls started while serving the same inbound request. */
  sibling_sequence?: number;
  /** Order of the functional test's request that started this call tree (root calls only). */
  root_sequence?: number;
  /** Human-readable callee (logical service name or host:port), for reports. */
  callee?: string;
  /** The application frames of the call's stack, innermost first (matched against analysed call sites). */
  stack_frames?: StackFrame[];
  /** Ours: assigned by the caller, unique across the run (the orchestrator's own ids stay below 2^21). */
  generated_id?: number;
  /** Ours: when the call started, in the caller's clock (epoch milliseconds, fractional: `wallClockMs()`). */
  started_at?: number;
  /**
   * Ours: reports the caller's process held when it asked (report-queue.ts), applied in order before the
   * decision, each exactly as if it came alone or in a batch. Not kept with the call.
   */
  reports?: BatchMessage[];
}

/** The create response: a fault decision. */
export interface CreateResponse {
  generated_id: number;
  execution_index: string;
  forced_exception?: ForcedException;
  failure_metadata?: FailureMetadata;
  args?: unknown[];
  /**
   * Ours (`--real-time-conditions`): a black hole, or a latency past the caller's visible timeout, waits
   * that timeout in real time. Without it the timeout fires as soon as nothing more can change the outcome.
   */
  real_time?: boolean;
  /** Ours: how many of the request's `reports` were applied (present whenever it carried some). */
  reports_applied?: number;
}

export interface ReturnValue {
  __class__: string;
  status_code: string;
  /** md5 hex of the response body, as the original. */
  text?: string;
  /** Ours: the response's content type (compared by --strict-reduction). */
  content_type?: string;
}

export interface ExceptionRecord {
  name: string;
  metadata: Record<string, unknown>;
}

/** Body of POST /filibuster/update. */
export type UpdateMessage = RequestReceivedMessage | InvocationCompleteMessage;

export interface RequestReceivedMessage {
  instrumentation_type: 'request_received';
  generated_id: string | number;
  execution_index: string;
  target_service_name: string;
  execution_id?: string;
}

export interface InvocationCompleteMessage {
  instrumentation_type: 'invocation_complete';
  generated_id: number | string;
  execution_index: string;
  vclock?: VClock;
  return_value?: ReturnValue;
  exception?: ExceptionRecord;
  execution_id?: string;
  /** Ours: the callee named itself in a response header. */
  target_service_name?: string;
  /** Ours: the decision did not arrive in time, so the call ran without its planned fault. */
  decision_timeout?: boolean;
  /** Ours: the decision named a fault this instrumentation cannot deliver; the call ran without it. */
  fault_refused?: string;
  /** Ours: when the outcome was known, in the caller's clock (epoch milliseconds, fractional). */
  ended_at?: number;
}

/** Ours: one call of the running execution, as `GET /filibuster/execution/calls` describes it. */
export interface ObservedCall {
  /** The call's generated id. */
  id: number;
  /** The id of the inbound call it was made while serving; null for calls the test made (or unknown). */
  parent: number | null;
  /** The calling service. */
  source: string;
  /** The callee's service name once it reported itself, else the callee as the caller knew it. */
  target: string;
  method: string;
  url: string;
  /** The client's timeout for this call, in seconds, when the instrumentation could see one. */
  timeoutSeconds?: number;
  /** The status the caller got, or the exception it met; both absent while the call is in flight. */
  status?: number;
  exception?: string;
  /** A fault was injected on this call. */
  faultInjected: boolean;
}

export interface ExecutionCallsResponse {
  calls: ObservedCall[];
}

/**
 * Ours: body of POST /filibuster/entry-response, sent twice per request from the test: when it arrives
 * (`phase: "start"`, so the orchestrator waits for the end before judging the execution) and when the
 * response is finished (`phase: "end"`, with status, content type and body hash; ours also send the headers and
 * a body excerpt, for the report of a failing execution).
 */
export interface EntryResponseMessage {
  execution_id: string;
  /** Unique per request within the service's process. */
  entry_id: string;
  phase: 'start' | 'end';
  /** The entry service. */
  service: string;
  method: string;
  /** The request path, without the query. */
  path: string;
  status?: number;
  /** md5 hex of the response body. */
  body_md5?: string;
  content_type?: string;
  /** The path as the identity rules template it, ids as slots ("/accounts/:id"). */
  template?: string;
  /** The request's order among the test's requests (X-Filibuster-Root-Sequence), when the test sent it. */
  root_sequence?: number;
  /** The response headers (ours left out), values of repeated headers joined with ", ". Optional: older clients send none. */
  headers?: Record<string, string>;
  /** The body's first bytes as text (absent when they are not text: binary, compressed). */
  body_excerpt?: string;
  /** The body's length in bytes. */
  body_bytes?: number;
}

export type PropertyKind = 'sometimes' | 'always' | 'unreachable';

/** Ours: body of POST /filibuster/property. */
export interface PropertyMessage {
  execution_id?: string;
  kind: PropertyKind;
  name: string;
  /** Whether the condition held (always false for `unreachable`: reaching it is the violation). */
  holds: boolean;
  /** The process that evaluated it (a service name, or "functional-test"). */
  service: string;
}

/** Ours: a call made outside any inbound request. */
export interface BackgroundCallMessage {
  source_service_name: string;
  /** Absent for a connection the instrumentation does not cover (its `method` says which kind). */
  module?: string;
  method: string;
  url: string;
  execution_id?: string;
}

// An execution's planned faults, and what `wasFaultInjected*()` answers from them (protocol-fault-plan.ts).
export { anyFault, FAULT_PLAN_VAR, faultOn, faultOnMethod, type FaultPlan } from './protocol-fault-plan.js';

/** Ours: GET /filibuster/fault-injected answers this; `result` is the original's field. */
export interface FaultInjectedResponse {
  result: boolean;
}

/**
 * Ours: the reports that need no answer, which a client may send together in one POST /filibuster/batch.
 * Decisions (create) are never batched: they are the one awaited round trip of a call.
 */
export const BATCHABLE_PATHS = [PATHS.update, PATHS.entryResponse, PATHS.property, PATHS.background] as const;

export type BatchablePath = (typeof BATCHABLE_PATHS)[number];

/** One report inside a batch: the path it would have been POSTed to alone, and its body. */
export type BatchMessage =
  | { path: typeof PATHS.update; body: UpdateMessage }
  | { path: typeof PATHS.entryResponse; body: EntryResponseMessage }
  | { path: typeof PATHS.property; body: PropertyMessage }
  | { path: typeof PATHS.background; body: BackgroundCallMessage };

/** The body a report path takes. */
export type ReportBody<P extends BatchablePath> = Extract<BatchMessage, { path: P }>['body'];

/** Body of POST /filibuster/batch: applied in array order, each message exactly as if it came alone. */
export interface BatchRequest {
  messages: BatchMessage[];
}

/** Messages per batch, at most (a longer list is a malformed batch; clients split their queue). */
export const MAX_BATCH_MESSAGES = 500;

/** Serialized batch size a client aims to stay under (the server refuses bodies over 1 MB). */
export const MAX_BATCH_BYTES = 512 * 1024;

/** What one message of a batch got: the status (and error) it would have got alone. */
export interface BatchResult {
  status: number;
  error?: string;
}

/** The answer to a well-formed batch: one result per message, in the same order. */
export interface BatchResponse {
  results: BatchResult[];
}

// Call identity rules: set by the orchestrator for the run (protocol-identity.ts).
export { checkRules, IDENTITY_PATH, IDENTITY_VERSION, ORIGINAL_RULES, type IdentityMode, type IdentityRules } from './protocol-identity.js';

/**
 * The trace id of an execution run with `--traces` (otel-standalone.ts): derived from its execution id, so
 * the test's root span and results.json agree without another message. Four FNV-1a hashes with different
 * offsets (no node:crypto: this module is on the preload's path, and loading crypto costs milliseconds).
 */
export function traceIdOf(executionId: string): string {
  let out = '';
  for (const offset of [0x811c9dc5, 0x01000193, 0x2166136, 0x5bd1e995]) {
    let h = offset;
    for (let i = 0; i < executionId.length; i++) h = Math.imul(h ^ executionId.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  // An all-zero trace id is invalid in W3C trace context.
  return /^0+$/.test(out) ? '1'.padStart(32, '0') : out;
}

/**
 * The part every client shares: when an outbound call starts, give it its identity (execution index),
 * vector clock and headers, ask the orchestrator for a decision, and report the outcome when it ends.
 *
 * Everything a callee needs in its headers is computed synchronously when the call starts, so no header
 * waits for the orchestrator: generated ids are assigned here, unique across the whole run (a random
 * per-process slot times 2^21 plus a counter; the orchestrator's own ids live in slot 0).
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { captureStack, identityHash, signatureHash, stripHost, type StackInfo } from './call-identity.js';
import { calleeName, CompiledRules, ORIGINAL_RULES, type IdentityRules } from './identity-rules.js';
import { currentContext, type RequestContext } from './context.js';
import { decisionFrom, type Decision, type Fault } from './faults.js';
import { OrchestratorClient } from './orchestrator-client.js';
import { tracingSuppressed } from './otel-context.js';
import { annotateCall, recordFaultSpan, type CallAttributes, type FaultDescription, type Span, type SpanRequest } from './otel-spans.js';
import {
  HEADERS,
  PATHS,
  serializeEi,
  serializeVclock,
  wallClockMs,
  type CreateMessage,
  type EiFrame,
  type ExceptionRecord,
  type InvocationCompleteMessage,
  type ReturnValue,
  type VClock,
} from './protocol.js';
import type { VisibleTimeout } from './timeouts.js';
import { DEFAULTS, type InstrumentationConfig } from './types.js';

export type ClientModule = 'node.http' | 'node.fetch' | 'node.undici';

export interface CallStart {
  module: ClientModule;
  method: string;
  /** Full URL, e.g. `http://127.0.0.1:5001/movies/1?x=y`. */
  url: string;
  host: string;
  port: number;
  /** Path and query. */
  path: string;
  /** The application stack, when captured earlier (fetch captures it before undici dispatches). */
  stack?: StackInfo;
  /** Otherwise: the outermost instrumentation function, below which the stack is captured. */
  below?: Function;
  timeout?: VisibleTimeout;
}

/** The callee's name is not part of it: it comes with the head, through `noteServedBy`, whatever the outcome. */
export type CallOutcome = { returnValue: ReturnValue } | { exception: ExceptionRecord };

const SLOT_SIZE = 2 ** 21;

class GeneratedIds {
  private slot = randomInt(1, 2 ** 32);
  private next = 0;

  take(): number {
    if (this.next === SLOT_SIZE) {
      this.slot = randomInt(1, 2 ** 32);
      this.next = 0;
    }
    return this.slot * SLOT_SIZE + this.next++;
  }
}

interface CallIdentity {
  stack: StackInfo;
  /** The callee's service name, when the service map knows its host and port. */
  name: string | undefined;
  callee: string;
  strippedUrl: string;
  hash: string;
}

/** Where the call stands in its execution: index, vector clock, id. */
interface CallPlace {
  eiText: string;
  vclock: VClock;
  generatedId: number;
}

/** The headers that carry the call's place to the callee, which continues the execution from it. */
function propagatedHeaders(ctx: RequestContext, { eiText, vclock, generatedId }: CallPlace): Record<string, string> {
  const vclockText = serializeVclock(vclock);
  const headers: Record<string, string> = {
    [HEADERS.callerNamesCallee]: '1',
    [HEADERS.generatedId]: String(generatedId),
    [HEADERS.vclock]: vclockText,
    [HEADERS.originVclock]: vclockText,
    [HEADERS.executionIndex]: eiText,
    [HEADERS.requestId]: ctx.requestId,
  };
  if (ctx.executionId) headers[HEADERS.execution] = ctx.executionId;
  return headers;
}

/** One outbound call in flight. */
export interface OutboundCall {
  /** False for the functional test's own calls: headers only, never a fault. */
  readonly tracked: boolean;
  /** Headers to add to the real request. */
  readonly headers: Record<string, string>;
  /** Set once the decision injects an exception fault: the outcome to report for it. */
  readonly injectedRecord: ExceptionRecord | undefined;
  /** Sends the create message (the caller may delay it to see a timeout set just after the call). */
  requestDecision(): Promise<Decision>;
  readonly timeout: VisibleTimeout | undefined;
  setTimeout(timeout: VisibleTimeout): void;
  complete(outcome: CallOutcome): void;
  /** The OpenTelemetry client span of this call, when a tracer made one: the decision annotates it. */
  attachSpan(span: Span | undefined): void;
  /** A fault delivered before any client instrumentation saw the call: a span of ours records it. */
  recordUnseenFault(request: SpanRequest): void;
  /**
   * The callee named itself in its response head (`x-filibuster-served-by`): reported with the outcome,
   * whatever it is (the callee may have withdrawn its request_received: received-report.ts).
   */
  noteServedBy(name: string | undefined): void;
}

const PASS: Decision = {};

/** A call in the functional test's process: it carries the execution id, nothing else happens. */
class PropagatedCall implements OutboundCall {
  readonly tracked = false;
  readonly timeout = undefined;
  readonly injectedRecord = undefined;
  readonly headers: Record<string, string>;
  constructor(headers: Record<string, string>) {
    this.headers = headers;
  }
  requestDecision(): Promise<Decision> {
    return Promise.resolve(PASS);
  }
  setTimeout(): void {}
  complete(): void {}
  attachSpan(): void {}
  recordUnseenFault(): void {}
  noteServedBy(): void {}
}

class TrackedCall implements OutboundCall {
  readonly tracked = true;
  injectedRecord: ExceptionRecord | undefined;
  private decision?: Promise<Decision>;
  private completed = false;
  private decisionTimedOut = false;
  private refused?: string;
  private span?: Span;
  private fault?: FaultDescription;
  private servedBy?: string;

  private readonly client: OrchestratorClient;
  private readonly message: CreateMessage;
  readonly headers: Record<string, string>;
  timeout: VisibleTimeout | undefined;

  constructor(client: OrchestratorClient, message: CreateMessage, headers: Record<string, string>, timeout: VisibleTimeout | undefined) {
    this.client = client;
    this.message = message;
    this.headers = headers;
    this.timeout = timeout;
  }

  setTimeout(timeout: VisibleTimeout): void {
    if (!this.decision) this.timeout = timeout;
  }

  requestDecision(): Promise<Decision> {
    if (!this.decision) {
      if (this.timeout) this.message.metadata = { ...this.message.metadata, timeout: this.timeout.ms / 1000 };
      this.decision = this.client.decide(this.message).then((answer) => {
        if (!answer) this.decisionTimedOut = true;
        const decision = decisionFrom(answer);
        // The original reports an injected exception by its catalogue name, whatever the client made of it.
        // A network condition is not an exception: the callee answers, and the caller's real outcome (a
        // response, or its own timeout) is reported.
        if (decision.fault && decision.fault.kind !== 'status' && decision.fault.kind !== 'condition') this.injectedRecord = { name: answer!.forced_exception!.name, metadata: {} };
        this.refused = decision.refused;
        if (decision.refused) process.emitWarning(`filibuster: fault not injected: ${decision.refused}`);
        if (decision.fault) this.fault = describeFault(decision.fault, this.injectedRecord);
        if (this.span) annotateCall(this.span, this.spanAttributes(), this.fault);
        return decision;
      });
    }
    return this.decision;
  }

  attachSpan(span: Span | undefined): void {
    this.span ??= span;
  }

  noteServedBy(name: string | undefined): void {
    if (name) this.servedBy ??= name;
  }

  recordUnseenFault(request: SpanRequest): void {
    if (!this.span && this.fault) recordFaultSpan(request, this.spanAttributes(), this.fault);
  }

  private spanAttributes(): CallAttributes {
    const m = this.message;
    return { executionId: m.execution_id, executionIndex: m.execution_index, generatedId: String(m.generated_id), vclock: serializeVclock(m.vclock) };
  }

  complete(outcome: CallOutcome): void {
    if (this.completed) return;
    this.completed = true;
    const update: InvocationCompleteMessage = {
      instrumentation_type: 'invocation_complete',
      generated_id: this.message.generated_id as unknown as number,
      execution_index: this.message.execution_index,
      vclock: this.message.vclock,
      execution_id: this.message.execution_id,
      ended_at: wallClockMs(),
    };
    if ('exception' in outcome) update.exception = outcome.exception;
    else update.return_value = outcome.returnValue;
    if (this.servedBy) update.target_service_name = this.servedBy;
    if (this.decisionTimedOut) update.decision_timeout = true;
    if (this.refused) update.fault_refused = this.refused;
    this.client.send(PATHS.update, update);
  }
}

export class CallTracker {
  readonly serviceName: string;
  readonly client?: OrchestratorClient;
  private readonly ids = new GeneratedIds();
  private rules: CompiledRules;

  readonly config: InstrumentationConfig;

  constructor(config: InstrumentationConfig) {
    this.config = config;
    this.serviceName = config.serviceName;
    if (config.orchestratorUrl && !config.propagateOnly) {
      this.client = new OrchestratorClient(
        config.orchestratorUrl,
        config.decisionTimeoutMs ?? DEFAULTS.decisionTimeoutMs,
        config.breakerCooldownMs ?? DEFAULTS.breakerCooldownMs,
        process.env.FILIBUSTER_TOKEN,
      );
    }
    this.rules = new CompiledRules(config.identity ?? { ...ORIGINAL_RULES, templates: config.pathTemplates ?? [], ignoredQuery: config.ignoredQueryParams ?? [] });
  }

  /** An entry request's path as the report names it (identity-rules.ts `entryPath`). */
  entryTemplate(pathname: string): string {
    return this.rules.entryPath(pathname);
  }

  /** The run's identity rules, from the orchestrator (identity-control.ts); they hold for the whole search. */
  setIdentityRules(rules: IdentityRules): void {
    this.rules = new CompiledRules(rules);
  }

  get identityRules(): IdentityRules {
    return this.rules.rules;
  }

  /** The context of calls made outside any request (the functional test's process in propagate-only mode). */
  defaultContext?: RequestContext;

  /** Called synchronously when a call starts; undefined when the call is to be left alone. */
  begin(start: CallStart): OutboundCall | undefined {
    // OpenTelemetry's own traffic (an exporter sending spans, from a timer that may have started inside a
    // request and so carries its context) and ours: never reported, never faulted.
    if (tracingSuppressed()) return undefined;
    const ctx = currentContext() ?? this.defaultContext;
    if (!ctx || ctx.suppressed) {
      if (!ctx) this.reportBackground(start);
      return undefined;
    }
    if (ctx.withoutFaults) return new PropagatedCall({ [HEADERS.noFaults]: '1' });
    if (ctx.propagateOnly) return this.propagated(ctx);
    if (!this.client || this.client.disabled) return undefined;
    return this.tracked(ctx, start, this.client);
  }

  private propagated(ctx: RequestContext): OutboundCall | undefined {
    if (!ctx.executionId) return undefined;
    const sequence = ctx.state.nextSibling++;
    return new PropagatedCall({ [HEADERS.execution]: ctx.executionId, [HEADERS.rootSequence]: String(sequence) });
  }

  private tracked(ctx: RequestContext, start: CallStart, client: OrchestratorClient): OutboundCall {
    const identity = this.identity(start);
    const eiText = this.executionIndex(ctx, identity.hash);
    const clock = ctx.state.clock;
    clock[this.serviceName] = (clock[this.serviceName] ?? 0) + 1;
    const vclock: VClock = { ...clock };
    const generatedId = this.ids.take();
    const message = this.createMessage(ctx, start, identity, { eiText, vclock, generatedId });
    return new TrackedCall(client, message, propagatedHeaders(ctx, { eiText, vclock, generatedId }), start.timeout);
  }

  /** Who calls whom, how, and from where in the code: the call's identity, hashed for its execution index. */
  private identity(start: CallStart): CallIdentity {
    const stack = start.stack ?? captureStack(start.below ?? this.begin);
    const name = calleeName(start.host, start.port, this.config.serviceMap);
    const path = this.rules.path(start.path);
    const strippedUrl = stripHost(start.url);
    // The templated form is port-free for every known service and carries no run-to-run values; the
    // original's keeps its URL form (args as the original sends them).
    const callee = name !== undefined ? `${name}${path}` : this.rules.templated ? `${start.host}:${start.port}${path}` : stripHost(start.url.replace(start.path, path));
    const hash = identityHash({ source: this.serviceName, method: start.method, callee, signature: stack.signature });
    return { stack, name, callee, strippedUrl, hash };
  }

  /** The inbound request's execution index plus this call's frame: its identity and occurrence. */
  private executionIndex(ctx: RequestContext, hash: string): string {
    // Occurrence counter: per inbound request in every service; --ei-compat restarts it for every call
    // made in a downstream service, as the original does.
    let occurrence = 1;
    if (!(this.config.eiCompat && ctx.inboundEi)) {
      occurrence = (ctx.state.counters.get(hash) ?? 0) + 1;
      ctx.state.counters.set(hash, occurrence);
    }
    const ei: EiFrame[] = [...(ctx.inboundEi ?? []), [hash, occurrence]];
    return serializeEi(ei);
  }

  private createMessage(ctx: RequestContext, start: CallStart, identity: CallIdentity, place: CallPlace): CreateMessage & { generated_id: number } {
    const { stack, name, callee, strippedUrl } = identity;
    const message: CreateMessage & { generated_id: number } = {
      instrumentation_type: 'invocation',
      source_service_name: this.serviceName,
      module: start.module,
      method: start.method,
      args: [this.rules.templated ? callee : strippedUrl],
      kwargs: {},
      callsite_file: stack.callsite.file,
      callsite_line: stack.callsite.line,
      full_traceback: signatureHash(stack.signature),
      stack_frames: stack.frames,
      // A call by host name (not an address, not localhost) can meet a DNS failure: the catalogue offers
      // DNS faults only where `hostname` is present.
      metadata: isIP(start.host) || start.host === 'localhost' ? {} : { hostname: start.host },
      vclock: place.vclock,
      origin_vclock: ctx.originVclock,
      execution_index: place.eiText,
      execution_id: ctx.executionId,
      generated_id: place.generatedId,
      parent_generated_id: ctx.inboundGeneratedId ?? null,
      sibling_sequence: ctx.state.nextSibling++,
      callee: name ?? `${start.host}:${start.port}`,
      started_at: wallClockMs(),
    };
    if (ctx.rootSequence !== undefined && !ctx.inboundEi) message.root_sequence = ctx.rootSequence;
    return message;
  }

  /** A connection the instrumentation does not cover (uncovered.ts): listed, never faulted. */
  reportUncovered(kind: string, target: string): void {
    if (!this.client || this.client.disabled) return;
    this.client.send(PATHS.background, {
      source_service_name: this.serviceName,
      method: kind,
      url: `${target} (not instrumented: never faulted)`,
    });
  }

  private reportBackground(start: CallStart): void {
    if (!this.client || this.client.disabled) return;
    this.client.send(PATHS.background, {
      source_service_name: this.serviceName,
      module: start.module,
      method: start.method,
      url: stripHost(start.url),
    });
  }
}

/** How a fault shows on a span: its catalogue name (an exception) or its status. */
function describeFault(fault: Fault, injected: ExceptionRecord | undefined): FaultDescription {
  if (fault.kind === 'status') return { kind: 'status', name: String(fault.status) };
  if (fault.kind === 'condition') return { kind: 'condition', name: fault.condition.kind };
  return { kind: fault.kind, name: injected?.name ?? fault.kind };
}

/** Names an error the way the catalogue names faults, so natural and injected failures compare equal. */
export function exceptionRecord(err: unknown): ExceptionRecord {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (e?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return { name: 'node.Timeout', metadata: {} };
  }
  if (code) return { name: `node.${code}`, metadata: {} };
  return { name: `node.${typeof e?.name === 'string' ? e.name : 'Error'}`, metadata: {} };
}

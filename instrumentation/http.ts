/**
 * Instrumentation of node:http and node:https, in the shape of OpenTelemetry's HttpInstrumentation:
 * outgoing calls through `request`/`get` (so axios, got, node-fetch and superagent too) and incoming
 * requests on any `http.Server`/`https.Server` (express, fastify, koa, plain).
 *
 * Built-ins are patched directly from a preload and published to ESM importers with
 * `syncBuiltinESMExports()`; no module-loader hook is needed.
 *
 * Outgoing: the request keeps the caller's agent. The agent handed to Node is a stand-in (inheriting from
 * the real one) whose `addRequest` waits for the orchestrator's decision, then either hands the request to
 * the real agent (keep-alive and pooling untouched) or gives it a FaultSocket.
 */
import { createHash } from 'node:crypto';
import { errorMonitor } from 'node:events';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { syncBuiltinESMExports } from 'node:module';
import { urlToHttpOptions } from 'node:url';
import { exceptionRecord, type CallTracker, type OutboundCall } from './call-tracker.js';
import { contextFromHeaders, storage } from './context.js';
import { handleCoverageRequest } from './coverage-control.js';
import { handleIdentityRequest } from './identity-control.js';
import { reportEntryResponse } from './entry-response.js';
import { hookFollowRedirects } from './follow-redirects.js';
import type { Fault } from './faults.js';
import { activeClientSpan, annotateServerSpan, type CallAttributes } from './otel-spans.js';
import { PatchSlots } from './patch-slots.js';
import { LazyModule } from './lazy-module.js';
import { HEADERS } from './protocol.js';
import { headerText, reportReceived } from './received-report.js';

const kCall = Symbol('filibuster.call');
const kPatched = Symbol('filibuster.patched');

type RequestFn = (this: unknown, options: Options, callback?: (res: IncomingMessage) => void) => ClientRequest;
type Options = RequestOptions & { _defaultAgent?: http.Agent; createConnection?: Function | any };

/** Cleared by `disable()`: a wrapper of ours that someone wrapped over stays in their chain, passing through. */
interface Switch {
  active: boolean;
}

export class HttpInstrumentation {
  private slots?: PatchSlots;
  private switch?: Switch;

  private readonly tracker: CallTracker;

  constructor(tracker: CallTracker) {
    this.tracker = tracker;
  }

  enable(): void {
    if ((http as unknown as Record<symbol, boolean>)[kPatched]) return;
    (http as unknown as Record<symbol, boolean>)[kPatched] = true;
    const slots = (this.slots = new PatchSlots());
    const on = (this.switch = { active: true });
    this._patchOutgoing(slots, on, http, http.request as unknown as RequestFn, 'http:');
    this._patchOutgoing(slots, on, https, https.request as unknown as RequestFn, 'https:');
    this._patchSetTimeout(slots, http.ClientRequest.prototype.setTimeout);
    hookFollowRedirects(kCall);
    if (!this.tracker.config.propagateOnly) {
      this._patchIncoming(slots, on, http.Server.prototype, http.Server.prototype.emit);
      this._patchIncoming(slots, on, https.Server.prototype as unknown as http.Server, https.Server.prototype.emit);
    }
    syncBuiltinESMExports();
  }

  /** Restores the functions still holding our wrappers; ours wrapped over by someone else pass through. */
  disable(): void {
    if (!this.slots || !this.switch) return;
    this.switch.active = false;
    this.slots.restore();
    delete (http as unknown as Record<symbol, boolean>)[kPatched];
    this.slots = this.switch = undefined;
    syncBuiltinESMExports();
  }

  private _patchOutgoing(slots: PatchSlots, on: Switch, module: typeof http | typeof https, original: RequestFn, protocol: 'http:' | 'https:'): void {
    const tracker = this.tracker;
    const patched = function request(this: unknown, ...args: unknown[]): ClientRequest {
      if (!on.active) return (original as (...a: unknown[]) => ClientRequest).apply(this, args);
      const { options, callback } = normalizeArgs(args, protocol, module);
      if (options.socketPath) return original.call(this, options, callback);
      return outgoingRequest(tracker, original, this, options, callback, patched);
    };
    slots.install(module, 'request', patched);
    // `get` is re-implemented so that it goes through the patched request (as OpenTelemetry does).
    slots.install(module, 'get', function get(...args: unknown[]): ClientRequest {
      const req = (patched as (...a: unknown[]) => ClientRequest)(...args);
      req.end();
      return req;
    });
  }

  /** Records `req.setTimeout(ms)`: it makes a timeout visible, hence a timeout fault applicable. */
  private _patchSetTimeout(slots: PatchSlots, original: ClientRequest['setTimeout']): void {
    slots.install(http.ClientRequest.prototype, 'setTimeout', function setTimeout(this: ClientRequest, msecs: number, callback?: () => void) {
      const call = (this as unknown as Record<symbol, OutboundCall | undefined>)[kCall];
      if (call && typeof msecs === 'number' && msecs > 0) call.setTimeout({ ms: msecs });
      return original.call(this, msecs, callback);
    });
  }

  private _patchIncoming(slots: PatchSlots, on: Switch, proto: http.Server, original: typeof http.Server.prototype.emit): void {
    const tracker = this.tracker;
    slots.install(proto, 'emit', function emit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
      const forward = original as (this: http.Server, ...a: unknown[]) => boolean;
      if (event !== 'request' || !on.active) return forward.call(this, event, ...args);
      const req = args[0] as IncomingMessage;
      const res = args[1] as ServerResponse;
      if (handleCoverageRequest(req, res)) return true;
      if (handleIdentityRequest(req, res, (rules) => tracker.setIdentityRules(rules))) return true;
      const ctx = contextFromHeaders(req.headers);
      const run = () => {
        if (ctx.inboundEi) annotateServerSpan(this, inboundAttributes(req, ctx.executionId));
        return storage.run(ctx, () => forward.call(this, event, ...args));
      };
      if (ctx.inboundEi && ctx.inboundGeneratedId !== undefined && tracker.client && !tracker.client.disabled) {
        reportReceived(req, res, tracker.client, tracker.serviceName, ctx.inboundGeneratedId, ctx.executionId);
      } else if (!ctx.inboundEi && ctx.executionId && tracker.client && !tracker.client.disabled) {
        const client = tracker.client;
        const entry = { service: tracker.serviceName, executionId: ctx.executionId, rootSequence: ctx.rootSequence, template: (path: string) => tracker.entryTemplate(path) };
        reportEntryResponse(req, res, entry, { send: (path, message) => client.send(path, message), whenWritten: (seq, done) => client.reports.whenWritten(seq, done) });
      }
      // The original's abort:false faults ask the callee to sleep before it handles the request.
      const sleep = Number(headerText(req, HEADERS.forcedSleep));
      if (sleep > 0) {
        setTimeout(run, sleep * 1000);
        return true;
      }
      return run();
    });
  }
}

function inboundAttributes(req: IncomingMessage, executionId: string | undefined): CallAttributes {
  return { executionId, executionIndex: headerText(req, HEADERS.executionIndex), generatedId: headerText(req, HEADERS.generatedId), vclock: headerText(req, HEADERS.vclock) };
}


/** Normalises `(url | string | options, [options], [callback])` into one options object (a copy). */
function normalizeArgs(args: unknown[], protocol: string, module: typeof http | typeof https): { options: Options; callback?: (res: IncomingMessage) => void } {
  const [a, b, c] = args;
  let options: Options;
  let callback: ((res: IncomingMessage) => void) | undefined;
  if (typeof a === 'string' || a instanceof URL) {
    options = urlToHttpOptions(typeof a === 'string' ? new URL(a) : a) as Options;
    if (typeof b === 'function') callback = b as typeof callback;
    else {
      if (b && typeof b === 'object') options = { ...options, ...(b as Options) };
      callback = c as typeof callback;
    }
  } else {
    options = { ...((a as Options) ?? {}) };
    callback = b as typeof callback;
  }
  if (!options.protocol) options.protocol = protocol;
  if (!options._defaultAgent && module === https) options._defaultAgent = https.globalAgent;
  return { options, callback };
}

function withHeaders(headers: RequestOptions['headers'], add: Record<string, string>): RequestOptions['headers'] {
  if (Array.isArray(headers)) {
    const out = headers.slice() as unknown[];
    for (const [k, v] of Object.entries(add)) {
      if (Array.isArray(out[0])) out.push([k, v]);
      else out.push(k, v);
    }
    return out as RequestOptions['headers'];
  }
  return { ...(headers ?? {}), ...add };
}

/** Where a call goes: the tracker names it from these (identity, execution index). */
interface Target {
  host: string;
  port: number;
}

function beginCall(tracker: CallTracker, options: Options, below: Function): { call: OutboundCall | undefined; target: Target } {
  const host = String(options.hostname ?? options.host ?? 'localhost');
  const defaultPort = options.defaultPort ?? (options.protocol === 'https:' ? 443 : 80);
  const port = Number(options.port ?? defaultPort);
  const path = options.path ?? '/';
  const method = (options.method ?? 'GET').toUpperCase();
  const call = tracker.begin({
    module: 'node.http',
    method,
    url: `${options.protocol}//${host}:${port}${path}`,
    host,
    port,
    path,
    below,
    timeout: typeof options.timeout === 'number' && options.timeout > 0 ? { ms: options.timeout } : undefined,
  });
  return { call, target: { host, port } };
}

/** Asks for the call's decision, then either connects as asked (pass) or hands over the fault with its sockets. */
type Deliver = (onFault: (fault: Fault, sockets: FaultSockets) => void, pass: () => void) => void;

function deliverer(call: OutboundCall): Deliver {
  // Wait a tick so that a timeout set right after the call (axios does req.setTimeout) is seen.
  return (onFault, pass) =>
    process.nextTick(() => {
      call.requestDecision().then((decision) => (decision.fault ? faultSockets.use((s) => onFault(decision.fault!, s), pass) : pass()), pass);
    });
}

function outgoingRequest(
  tracker: CallTracker,
  original: RequestFn,
  self: unknown,
  options: Options,
  callback: ((res: IncomingMessage) => void) | undefined,
  below: Function,
): ClientRequest {
  const { call, target } = beginCall(tracker, options, below);
  if (!call) return original.call(self, options, callback);
  options.headers = withHeaders(options.headers, call.headers);
  if (!call.tracked) return original.call(self, options, callback);

  const deliver = deliverer(call);
  if (options.agent === undefined && typeof options.createConnection === 'function') holdConnection(options, call, deliver, target);
  else holdAgent(options, call, deliver, target);

  const req = original.call(self, options, callback);
  // Not enumerable: an HTTP client's error dump (util.inspect of the request) must not list our state.
  Object.defineProperty(req, kCall, { value: call, enumerable: false, configurable: true });
  observe(req, call);
  return req;
}

/** A client that brings its own createConnection and no agent: the connection waits for the decision. */
function holdConnection(options: Options, call: OutboundCall, deliver: Deliver, { host, port }: Target): void {
  const create = options.createConnection;
  options.createConnection = function createConnection(
    this: ClientRequest,
    opts: unknown,
    oncreate: (err: Error | null, socket?: unknown) => void,
  ) {
    // Called inside the client's instrumentation, if any: its span is the active one here.
    call.attachSpan(activeClientSpan());
    const connectReal = (shape: (socket: Socket) => Duplex) => {
      // createConnection may return the socket, call back with it, or both: shape it once.
      let real: Socket | undefined;
      let shaped: Duplex | undefined;
      const once = (s: Socket) => (s === real ? shaped! : ((real = s), (shaped = shape(s))));
      const socket = create.call(this, opts, (err: Error | null, s?: Socket) => oncreate(err, s && once(s)));
      if (socket) oncreate(null, once(socket));
    };
    deliver(
      (fault, { conditionSocket, faultSocket }) =>
        fault.kind === 'condition'
          ? connectReal((s) => conditionSocket(this, s, fault, call))
          : oncreate(null, faultSocket(this, fault, host, port, call)),
      () => connectReal((s) => s),
    );
    return undefined;
  };
}

/** Otherwise the request goes to a stand-in for its agent, which waits for the decision before the real one sees it. */
function holdAgent(options: Options, call: OutboundCall, deliver: Deliver, { host, port }: Target): void {
  const realAgent = agentFor(options);
  const standIn = Object.create(realAgent) as http.Agent & { addRequest: Function };
  const addReal = (r: ClientRequest, opts: unknown) => (realAgent as unknown as { addRequest: Function }).addRequest(r, opts);
  standIn.addRequest = (r: ClientRequest, opts: unknown) => {
    // Node calls this synchronously inside http.request, so inside a tracing wrapper's context in either
    // order of wrapping: its client span is the active one.
    call.attachSpan(activeClientSpan());
    deliver(
      (fault, { conditionSocket, faultSocket }) => {
        if (fault.kind !== 'condition') return (r as unknown as { onSocket: (s: unknown) => void }).onSocket(faultSocket(r, fault, host, port, call));
        // The real agent connects (TLS, keep-alive sockets and all); the request reads through the condition.
        const own = r as unknown as { onSocket?: (s: Duplex | undefined, err?: Error) => void };
        const onSocket = own.onSocket!;
        own.onSocket = (s, err) => {
          delete own.onSocket;
          onSocket.call(r, s && conditionSocket(r, s as Socket, fault, call), err);
        };
        addReal(r, opts);
      },
      () => addReal(r, opts),
    );
  };
  options.agent = standIn;
}

type FaultSockets = typeof import('./http-fault-sockets.js');

/** The sockets a faulted call reads from (lazy-module.ts). */
export const faultSockets = new LazyModule<FaultSockets>(() => import('./http-fault-sockets.js'));

/** The agent Node would have used for these options. */
function agentFor(options: Options): http.Agent {
  const fallback = options._defaultAgent ?? (options.protocol === 'https:' ? https.globalAgent : http.globalAgent);
  if (options.agent === false) return new (fallback.constructor as typeof http.Agent)();
  return (options.agent as http.Agent | undefined) ?? fallback;
}

/** Reports the call's outcome: status and body hash of the response, or the error. Passive only. */
function observe(req: ClientRequest, call: OutboundCall): void {
  let responded = false;
  req.prependListener('response', (res: IncomingMessage) => {
    responded = true;
    const hash = createHash('md5');
    const servedBy = res.headers[HEADERS.servedBy];
    call.noteServedBy(typeof servedBy === 'string' ? servedBy : undefined);
    let finished = false;
    // The body's end and the response's close both finish the call; the first one counts.
    const finish = () => {
      if (finished) return;
      finished = true;
      call.complete({
        returnValue: {
          __class__: 'Response',
          status_code: String(res.statusCode),
          text: hash.digest('hex'),
          content_type: String(res.headers['content-type'] ?? ''),
        },
      });
    };
    // Tee the body as Node's parser pushes it, without changing the stream's flow.
    const push = res.push;
    res.push = function (chunk: unknown, encoding?: BufferEncoding) {
      if (chunk === null) finish();
      else if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) hash.update(chunk);
      return push.call(this, chunk, encoding);
    };
    res.once('close', finish);
  });
  req.on(errorMonitor, (err: Error) => call.complete({ exception: call.injectedRecord ?? exceptionRecord(err) }));
  req.once('close', () => {
    if (!responded) call.complete({ exception: call.injectedRecord ?? { name: 'node.Aborted', metadata: {} } });
  });
}

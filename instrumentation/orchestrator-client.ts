/**
 * The instrumentation's link to the orchestrator: two keep-alive connections.
 *
 * - Decisions (PUT /filibuster/create) are the one awaited round trip on a call's hot path: they have
 *   their own connection(s), so that they never wait behind reports (HTTP/1.1 answers in order).
 * - Reports (everything that needs no answer) are held to the end of the turn and go through one FIFO
 *   connection, batched, or ride on the process's next decision when it comes first (report-queue.ts);
 *   either way their order is kept.
 *
 * Fail open, never fail silent: when the orchestrator does not answer in time, a breaker opens, the
 * process warns once, and calls go ahead unfaulted (each such call is reported as having had no decision,
 * so the orchestrator marks its execution inconclusive instead of "passed"). After a cooldown one message
 * probes the orchestrator again.
 */
import http from 'node:http';
import { debuglog } from 'node:util';
import { controlRequest } from './raw-http.js';
import { PATHS, type BatchablePath, type CreateMessage, type CreateResponse, type ReportBody } from './protocol.js';
import { ReportQueue, type PostAnswer } from './report-queue.js';

const debug = debuglog('filibuster');

const NO_ANSWER: PostAnswer = { status: 0, text: '' };

export class OrchestratorClient {
  private readonly url: URL;
  /** Concurrent calls of one process do not queue their decisions behind each other either. */
  private readonly decisionAgent = new http.Agent({ keepAlive: true });
  private readonly reportAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  readonly reports = new ReportQueue((path, body, onWritten) => this.exchange('POST', path, body, this.reportAgent, onWritten));
  private openUntil = 0;
  private warned = false;
  private decisionsInFlight = 0;
  private idleWaiters: (() => void)[] = [];

  private readonly timeoutMs: number;
  private readonly cooldownMs: number;
  private readonly token?: string;

  constructor(orchestratorUrl: string, timeoutMs: number, cooldownMs: number, token?: string) {
    this.url = new URL(orchestratorUrl);
    this.timeoutMs = timeoutMs;
    this.cooldownMs = cooldownMs;
    this.token = token;
  }

  /** True while the breaker is open: callers skip the orchestrator entirely. */
  get disabled(): boolean {
    return Date.now() < this.openUntil;
  }

  /** Asks for a fault decision; undefined when none arrived in time. Held reports ride along. */
  async decide(message: CreateMessage): Promise<CreateResponse | undefined> {
    this.decisionsInFlight++;
    let answer: PostAnswer;
    const ride = this.disabled ? undefined : this.reports.rideOnDecision();
    let text = JSON.stringify(message);
    if (ride) text = `${text.slice(0, -1)},"reports":${ride.json}}`;
    try {
      answer = await this.exchange('PUT', PATHS.create, text, this.decisionAgent, ride?.written);
    } finally {
      if (--this.decisionsInFlight === 0) this.notifyIfIdle();
    }
    const decision = parseDecision(answer);
    // No answer: the breaker is open and nothing is resent. An answer without `reports_applied` comes
    // from an orchestrator that ignored them: they go again, apart.
    if (ride) {
      const applied = decision?.reports_applied;
      if (typeof applied === 'number' && applied < ride.count) debug('the orchestrator refused %d of %d reports on a decision', ride.count - applied, ride.count);
      this.reports.rideAnswered(ride, answer.status === 0 || typeof applied === 'number');
    }
    if (answer.status === 0) return undefined;
    if (answer.status >= 400) {
      debug('orchestrator answered %d to %s: %s', answer.status, PATHS.create, answer.text);
      return undefined;
    }
    return decision && typeof decision.execution_index === 'string' ? decision : undefined;
  }

  /**
   * Sends a report that needs no answer; the caller does not wait for it. Reports keep their order.
   * Returns its number in the queue (`reports.whenWritten`), undefined when it was dropped (breaker open).
   */
  send<P extends BatchablePath>(path: P, message: ReportBody<P>): number | undefined {
    if (this.disabled) return undefined;
    return this.reports.push(path, message);
  }

  /** Resolves when every message sent so far has been answered (used before a process exits). */
  async flush(): Promise<void> {
    await this.reports.drained();
    if (this.decisionsInFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.flush();
  }

  private notifyIfIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * One request; the status is 0 when no answer came (the breaker is open, or the request failed).
   * `onWritten` runs once the request is on the wire, or could not be sent.
   */
  private exchange(method: string, path: string, text: string, agent: http.Agent, onWritten?: () => void): Promise<PostAnswer> {
    if (this.disabled) {
      onWritten?.();
      return Promise.resolve(NO_ANSWER);
    }
    const body = Buffer.from(text);
    return new Promise<PostAnswer>((resolve) => {
      let settled = false;
      let written = false;
      const wrote = () => {
        if (written) return;
        written = true;
        onWritten?.();
      };
      const finish = (answer: PostAnswer, failure?: string) => {
        wrote();
        if (settled) return;
        settled = true;
        if (failure) this.trip(failure);
        resolve(answer);
      };
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': body.length,
      };
      if (this.token) headers['x-filibuster-token'] = this.token;
      // Unwrapped and under suppress-tracing: control traffic is neither instrumented nor traced.
      const req = controlRequest(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path, method, agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish({ status: res.statusCode ?? 500, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', () => finish(NO_ANSWER, 'the connection broke'));
        },
      );
      req.setTimeout(this.timeoutMs, () => {
        req.destroy();
        finish(NO_ANSWER, `no answer within ${this.timeoutMs} ms`);
      });
      req.on('error', (err) => finish(NO_ANSWER, (err as Error).message));
      if (onWritten) req.once('finish', wrote);
      req.end(body);
    });
  }

  private trip(reason: string): void {
    this.openUntil = Date.now() + this.cooldownMs;
    if (!this.warned) {
      this.warned = true;
      process.emitWarning(
        `filibuster: the orchestrator at ${this.url.origin} is unreachable (${reason}); calls run without fault injection until it answers`,
        { code: 'FILIBUSTER_ORCHESTRATOR_UNREACHABLE' },
      );
    }
  }
}

/** The decision in an answer's body (or what an error answer says of the reports it carried). */
function parseDecision(answer: PostAnswer): CreateResponse | undefined {
  if (answer.status === 0) return undefined;
  try {
    const decision = JSON.parse(answer.text) as CreateResponse;
    return decision && typeof decision === 'object' ? decision : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The instrumentation's link to the orchestrator: one keep-alive connection, used for every message.
 *
 * Fail open, never fail silent: when the orchestrator does not answer in time, a breaker opens, the
 * process warns once, and calls go ahead unfaulted (each such call is reported as having had no decision,
 * so the orchestrator marks its execution inconclusive instead of "passed"). After a cooldown one message
 * probes the orchestrator again.
 */
import http from 'node:http';
import { debuglog } from 'node:util';
import type { CreateMessage, CreateResponse } from './protocol.js';

const debug = debuglog('filibuster');

// Captured before any patching: control traffic never goes through the instrumentation.
const request = http.request;

export class OrchestratorClient {
  private readonly url: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private openUntil = 0;
  private warned = false;
  private inFlight = 0;
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

  /** Asks for a fault decision; undefined when none arrived in time. */
  async decide(message: CreateMessage): Promise<CreateResponse | undefined> {
    const answer = await this.exchange('PUT', '/filibuster/create', message);
    if (!answer || typeof answer !== 'object' || typeof (answer as CreateResponse).execution_index !== 'string') {
      return undefined;
    }
    return answer as CreateResponse;
  }

  /** Sends a report that needs no answer; the caller does not wait for it. */
  send(path: string, message: unknown): void {
    void this.exchange('POST', path, message);
  }

  /** Resolves when every message sent so far has been answered (used before a process exits). */
  flush(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private exchange(method: string, path: string, message: unknown): Promise<unknown> {
    if (this.disabled) return Promise.resolve(undefined);
    const body = Buffer.from(JSON.stringify(message));
    this.inFlight++;
    return new Promise<unknown>((resolve) => {
      let settled = false;
      const finish = (value: unknown, failure?: string) => {
        if (settled) return;
        settled = true;
        if (failure) this.trip(failure);
        if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
        resolve(value);
      };
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': body.length,
      };
      if (this.token) headers['x-filibuster-token'] = this.token;
      const req = request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path, method, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 400) {
              debug('orchestrator answered %d to %s: %s', res.statusCode, path, text);
              finish(undefined);
              return;
            }
            try {
              finish(JSON.parse(text));
            } catch {
              finish(undefined);
            }
          });
          res.on('error', () => finish(undefined, 'the connection broke'));
        },
      );
      req.setTimeout(this.timeoutMs, () => {
        req.destroy();
        finish(undefined, `no answer within ${this.timeoutMs} ms`);
      });
      req.on('error', (err) => finish(undefined, (err as Error).message));
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

/**
 * Turns the orchestrator's decision (the original's `forced_exception` / `failure_metadata`) into a fault
 * the clients can deliver. The exception names are the Node entries of the default catalogue.
 */
import { STATUS_CODES } from 'node:http';
import { conditionFrom, type Condition } from './conditions.js';
import { NETWORK_FAULTS, type CreateResponse } from './protocol.js';

export const FAULT_NAMES = {
  refused: 'node.ECONNREFUSED',
  reset: 'node.ECONNRESET',
  timeout: 'node.Timeout',
} as const;

export type Fault =
  | { kind: 'refused' }
  | { kind: 'reset' }
  | { kind: 'timeout' }
  /**
   * The request is sent and nothing ever comes back; only the caller's own timeout ends the call. Unless
   * `realTime`, a timeout the instrumentation can see fires at once, as for a Timeout fault (timeouts.ts).
   */
  | { kind: 'black-hole'; realTime?: boolean }
  /** The host name does not resolve: Node's getaddrinfo error, before any connection. */
  | { kind: 'dns'; code: 'ENOTFOUND' | 'EAI_AGAIN' }
  /**
   * The real callee answers and its response is transformed on the way (conditions.ts). Unless
   * `realTime`, a latency past a visible timeout fires that timeout once the answer is all in.
   */
  | { kind: 'condition'; condition: Condition; realTime?: boolean }
  | { kind: 'status'; status: number; body: Buffer; contentType: string; headers: Record<string, string> };

export interface Decision {
  fault?: Fault;
  /** A fault this instrumentation cannot deliver (reported, never silently ignored). */
  refused?: string;
}

const EXCEPTIONS: Record<string, Fault> = {
  [FAULT_NAMES.refused]: { kind: 'refused' },
  [FAULT_NAMES.reset]: { kind: 'reset' },
  [FAULT_NAMES.timeout]: { kind: 'timeout' },
  [NETWORK_FAULTS.blackHole]: { kind: 'black-hole' },
  [NETWORK_FAULTS.dnsNotFound]: { kind: 'dns', code: 'ENOTFOUND' },
  [NETWORK_FAULTS.dnsTryAgain]: { kind: 'dns', code: 'EAI_AGAIN' },
};

export function decisionFrom(response: CreateResponse | undefined): Decision {
  if (!response) return {};
  const fe = response.forced_exception;
  if (fe) {
    const condition = conditionFrom(fe.name, fe.metadata ?? {});
    if (typeof condition === 'string') return { refused: condition };
    const realTime = response.real_time === true;
    if (condition) return { fault: { kind: 'condition', condition, realTime } };
    const fault = EXCEPTIONS[fe.name];
    if (!fault) return { refused: `unknown exception fault ${JSON.stringify(fe.name)}` };
    // The original's abort:false (perform the call, then raise anyway) and forced sleeps have no faithful
    // equivalent for calls whose headers are written before the decision arrives; refused, never faked.
    if (fe.metadata?.abort === false) return { refused: `${fe.name} with abort:false is not supported by Node clients` };
    if (fe.metadata?.sleep !== undefined) return { refused: `${fe.name} with a forced sleep is not supported by Node clients` };
    return { fault: fault.kind === 'black-hole' ? { kind: 'black-hole', realTime } : fault };
  }
  const rv = response.failure_metadata?.return_value;
  if (rv) {
    const status = Number(rv.status_code);
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      return { refused: `invalid status code ${JSON.stringify(rv.status_code)}` };
    }
    // The original's injected response: text/html with an empty body; a catalogue may give another body.
    const body = Buffer.from(typeof rv.body === 'string' ? rv.body : '');
    const contentType = typeof rv.content_type === 'string' ? rv.content_type : 'text/html';
    const headers = (rv.headers && typeof rv.headers === 'object' ? rv.headers : {}) as Record<string, string>;
    return { fault: { kind: 'status', status, body, contentType, headers } };
  }
  if (response.failure_metadata?.exception) {
    return { refused: 'gRPC status faults do not apply to HTTP calls' };
  }
  return {};
}

/** The raw bytes of an injected HTTP response, with the headers a real server sends. */
export function responseHead(fault: Extract<Fault, { kind: 'status' }>): { statusText: string; headers: [string, string][] } {
  const headers: [string, string][] = [
    ['Content-Type', fault.contentType],
    ['Content-Length', String(fault.body.length)],
    ['Date', new Date().toUTCString()],
    ['Connection', 'close'],
  ];
  for (const [k, v] of Object.entries(fault.headers)) headers.push([k, String(v)]);
  return { statusText: STATUS_CODES[fault.status] ?? 'Unknown', headers };
}

/**
 * The sockets a faulted http.request reads from, loaded only when a call gets a fault (http.ts): a
 * FaultSocket standing in for the connection, or a ConditionSocket shaping a real one.
 */
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { OutboundCall } from './call-tracker.js';
import { ConditionSocket } from './condition-socket.js';
import { FaultSocket } from './fault-socket.js';
import type { Fault } from './faults.js';

export function faultSocket(req: ClientRequest, fault: Fault, host: string, port: number, call: OutboundCall): FaultSocket {
  // A timeout kept by the client itself (follow-redirects) is fired through the client; otherwise the
  // socket reports idleness and Node's request turns it into 'timeout'.
  const socket = new FaultSocket(fault, host, port, call.timeout?.fire);
  // An agent would have applied the request's timeout to its socket; we stand in for it.
  const timeout = (req as unknown as { timeout?: number }).timeout;
  if (timeout) socket.setTimeout(timeout);
  return socket;
}

export function conditionSocket(req: ClientRequest, real: Socket, fault: Extract<Fault, { kind: 'condition' }>, call: OutboundCall): ConditionSocket {
  // A timeout kept by the client itself (follow-redirects) is fired through the client; the request's
  // own timeout is the shaped socket's idle timeout.
  const fire = call.timeout?.fire;
  const client = fire ? { ms: call.timeout!.ms, fire } : undefined;
  const socket = new ConditionSocket(real, fault.condition, fault.realTime ? 'real-time' : { client }, (name) => call.noteServedBy(name));
  // The request's timeout counts the silence the client sees, so it is kept by the shaped socket.
  const timeout = (req as unknown as { timeout?: number }).timeout;
  if (timeout) socket.setTimeout(timeout);
  return socket;
}

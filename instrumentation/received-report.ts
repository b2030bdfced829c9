/**
 * A callee's `request_received`: the message that names the service a call reached, which the orchestrator
 * needs for calls that get no answer (a timeout, a reset, a crash, a black hole): their callee's error
 * responses are then part of the fault space.
 *
 * It is held with the process's other reports (report-queue.ts): it rides on the service's first call, or
 * goes at the end of the turn. When the caller is our instrumentation (it says so in a header) and the
 * response head is written before the report went out, the report is withdrawn: the head names the service
 * (`x-filibuster-served-by`), and our caller reports that name with the call's outcome, whatever the
 * outcome (an error after the head included, and a head a network condition kept from the client). Other
 * callers (the Python instrumentation) always get it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrchestratorClient } from './orchestrator-client.js';
import { HEADERS, PATHS, type RequestReceivedMessage } from './protocol.js';

export function reportReceived(req: IncomingMessage, res: ServerResponse, client: OrchestratorClient, serviceName: string, generatedId: number, executionId: string | undefined): void {
  const received: RequestReceivedMessage = {
    instrumentation_type: 'request_received',
    generated_id: String(generatedId),
    execution_index: headerText(req, HEADERS.executionIndex),
    target_service_name: serviceName,
  };
  if (executionId) received.execution_id = executionId;
  const seq = client.send(PATHS.update, received);
  res.setHeader(HEADERS.servedBy, serviceName);
  if (seq === undefined || req.headers[HEADERS.callerNamesCallee] !== '1') return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    client.reports.withdraw(seq);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

export function headerText(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : (v ?? '');
}

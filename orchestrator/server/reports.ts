/**
 * The reports that need no answer (update, entry-response, property, background): checked and applied
 * to the session, one at a time or as a batch. A batch goes through exactly the same function for each
 * of its messages, in array order, so a message in a batch has the effect (and gets the status) it would
 * have had alone. The decision request (create) is checked and applied the same way, for the two routes
 * that serve it (server.ts, hot-routes.ts).
 */
import { PATHS, type BatchablePath, type BatchResponse, type BatchResult } from '../../instrumentation/protocol.js';
import type { Answer, Session } from './session.js';
import { checkBackground, checkBatch, checkCreate, checkEntryResponse, checkProperty, checkUpdate, type Checked } from './validate.js';

function applyChecked<T>(checked: Checked<T>, apply: (value: T) => Answer): Answer {
  return checked.ok ? apply(checked.value) : { status: 400, body: { error: checked.reason } };
}

/**
 * Checks a decision request and answers it (a fault to inject, or none). The reports riding on it
 * (`reports`, report-queue.ts) are applied first, in order, as a batch's messages are, whatever becomes of
 * the decision: they happened before the call. The answer says how many were applied; a malformed list
 * applies none.
 */
export function applyCreate(session: Session, body: unknown): Answer {
  session.traffic.decisions++;
  if (!isRecord(body) || body.reports === undefined) return applyChecked(checkCreate(body), (m) => session.create(m));
  const { reports, ...create } = body;
  let applied = 0;
  const checked = checkBatch({ messages: reports });
  if (checked.ok) for (const m of checked.value.messages) if (applyReport(session, m.path, m.body).status < 400) applied++;
  const answer = applyChecked(checkCreate(create), (m) => session.create(m));
  return { status: answer.status, body: { ...(answer.body as object), reports_applied: applied } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one report and applies it; a malformed one is a 400 with the reason and changes nothing. */
export function applyReport(session: Session, path: BatchablePath, body: unknown): Answer {
  session.traffic.reports++;
  switch (path) {
    case PATHS.update:
      return applyChecked(checkUpdate(body), (m) => session.update(m));
    case PATHS.entryResponse:
      return applyChecked(checkEntryResponse(body), (m) => session.entryResponse(m));
    case PATHS.property:
      return applyChecked(checkProperty(body), (m) => session.property(m));
    case PATHS.background:
      return applyChecked(checkBackground(body), (m) => session.background(`${m.source_service_name}: ${String(m.method)} ${m.url}`));
  }
}

function resultOf(answer: Answer): BatchResult {
  if (answer.status < 400) return { status: answer.status };
  const error = (answer.body as { error?: unknown } | undefined)?.error;
  return { status: answer.status, error: typeof error === 'string' ? error : `status ${answer.status}` };
}

/**
 * POST /filibuster/batch. A malformed envelope is a 400 and nothing is applied; otherwise every message is
 * applied in order (synchronously: no other request interleaves) and gets its own result.
 */
export function applyBatch(session: Session, body: unknown): Answer {
  const checked = checkBatch(body);
  if (!checked.ok) return { status: 400, body: { error: checked.reason } };
  const results = checked.value.messages.map((m) => resultOf(applyReport(session, m.path, m.body)));
  const response: BatchResponse = { results };
  return { status: 200, body: response };
}

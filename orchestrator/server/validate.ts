/**
 * Validation of every protocol message. A malformed message gets a 400 with the reason and changes no
 * state; these functions return either the typed message or that reason.
 */
import {
  BATCHABLE_PATHS,
  MAX_BATCH_MESSAGES,
  parseEi,
  type BackgroundCallMessage,
  type BatchablePath,
  type CreateMessage,
  type EntryResponseMessage,
  type PropertyMessage,
  type InvocationCompleteMessage,
  type RequestReceivedMessage,
} from '../../instrumentation/protocol.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Generated ids the orchestrator assigns itself (for clients that do not) stay below this. */
export const ORCHESTRATOR_ID_LIMIT = 2 ** 21;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A call time: epoch milliseconds, fractional (instrumentation/protocol.ts `wallClockMs`). */
function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function isClock(v: unknown): boolean {
  return isObject(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Nesting allowed in free-form fields: deeper values are rejected before anything walks them recursively. */
export const MAX_DEPTH = 32;

/** True when `value` nests objects/arrays deeper than `limit` (checked without recursion). */
function tooDeep(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function deepField(body: Record<string, unknown>, fields: readonly string[]): string | undefined {
  const field = fields.find((f) => tooDeep(body[f]));
  return field && `${field} is nested more than ${MAX_DEPTH} levels deep`;
}

function bad<T>(reason: string): Checked<T> {
  return { ok: false, reason };
}

/** A generated id: an integer, or (Python's request_received) its decimal text. */
export function generatedIdOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function checkOptionalIds(body: Record<string, unknown>): string | undefined {
  if (body.execution_id !== undefined && (typeof body.execution_id !== 'string' || body.execution_id.length === 0 || body.execution_id.length > 100)) {
    return 'execution_id must be a non-empty string';
  }
  return undefined;
}

export function checkCreate(body: unknown): Checked<CreateMessage> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  if (body.instrumentation_type !== 'invocation') return bad('instrumentation_type must be "invocation"');
  for (const f of ['source_service_name', 'module', 'method', 'execution_index'] as const) {
    if (typeof body[f] !== 'string' || (body[f] as string).length === 0) return bad(`${f} must be a non-empty string`);
  }
  if (!parseEi(body.execution_index as string)) return bad('execution_index must be the JSON text of a list of [hash, count] frames');
  if (!Array.isArray(body.args)) return bad('args must be a list');
  const deep = deepField(body, ['args', 'kwargs', 'metadata', 'vclock', 'origin_vclock']);
  if (deep) return bad(deep);
  for (const f of ['kwargs', 'metadata'] as const) if (body[f] !== undefined && !isObject(body[f])) return bad(`${f} must be an object`);
  for (const f of ['callsite_file', 'callsite_line', 'full_traceback', 'callee'] as const) {
    if (body[f] !== undefined && body[f] !== null && typeof body[f] !== 'string') return bad(`${f} must be a string`);
  }
  if (
    body.stack_frames !== undefined &&
    !(Array.isArray(body.stack_frames) && body.stack_frames.every((f) => isObject(f) && typeof f.file === 'string' && typeof f.function === 'string' && Number.isInteger(f.line)))
  ) {
    return bad('stack_frames must be a list of { file, line, function }');
  }
  if (!isClock(body.vclock)) return bad('vclock must be an object of numbers');
  if (body.origin_vclock !== undefined && !isClock(body.origin_vclock)) return bad('origin_vclock must be an object of numbers');
  if (body.started_at !== undefined && !isTime(body.started_at)) return bad('started_at must be a positive number (epoch milliseconds)');
  const idProblem = checkOptionalIds(body);
  if (idProblem) return bad(idProblem);
  if (body.generated_id !== undefined) {
    const id = generatedIdOf(body.generated_id);
    if (id === undefined || typeof body.generated_id !== 'number' || id < ORCHESTRATOR_ID_LIMIT) {
      return bad(`generated_id, when the caller assigns it, must be an integer of at least ${ORCHESTRATOR_ID_LIMIT}`);
    }
  }
  if (body.parent_generated_id !== undefined && body.parent_generated_id !== null && generatedIdOf(body.parent_generated_id) === undefined) {
    return bad('parent_generated_id must be an integer or null');
  }
  for (const f of ['sibling_sequence', 'root_sequence'] as const) {
    if (body[f] !== undefined && !(Number.isSafeInteger(body[f]) && (body[f] as number) >= 0)) return bad(`${f} must be a non-negative integer`);
  }
  return {
    ok: true,
    value: {
      ...(body as unknown as CreateMessage),
      kwargs: (body.kwargs as Record<string, unknown>) ?? {},
      metadata: (body.metadata as Record<string, unknown>) ?? {},
      origin_vclock: (body.origin_vclock as Record<string, number>) ?? {},
    },
  };
}

export function checkUpdate(body: unknown): Checked<(RequestReceivedMessage | InvocationCompleteMessage) & { gid: number }> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  const gid = generatedIdOf(body.generated_id);
  if (gid === undefined) return bad('generated_id must be a non-negative integer (or its decimal text)');
  if (typeof body.execution_index !== 'string' || !parseEi(body.execution_index)) {
    return bad('execution_index must be the JSON text of a list of [hash, count] frames');
  }
  const idProblem = checkOptionalIds(body);
  if (idProblem) return bad(idProblem);
  if (body.instrumentation_type === 'request_received') {
    if (typeof body.target_service_name !== 'string' || body.target_service_name.length === 0) {
      return bad('target_service_name must be a non-empty string');
    }
    return { ok: true, value: { ...(body as unknown as RequestReceivedMessage), gid } };
  }
  if (body.instrumentation_type === 'invocation_complete') {
    const deep = deepField(body, ['return_value', 'exception', 'vclock']);
    if (deep) return bad(deep);
    if (body.vclock !== undefined && !isClock(body.vclock)) return bad('vclock must be an object of numbers');
    const rv = body.return_value;
    if (rv !== undefined && rv !== null && !(isObject(rv) && typeof rv.status_code === 'string')) {
      return bad('return_value must be an object with a string status_code');
    }
    const ex = body.exception;
    if (ex !== undefined && ex !== null && !(isObject(ex) && typeof ex.name === 'string' && (ex.metadata === undefined || isObject(ex.metadata)))) {
      return bad('exception must be an object with a string name and an object metadata');
    }
    for (const f of ['target_service_name', 'fault_refused'] as const) {
      if (body[f] !== undefined && typeof body[f] !== 'string') return bad(`${f} must be a string`);
    }
    if (body.decision_timeout !== undefined && typeof body.decision_timeout !== 'boolean') return bad('decision_timeout must be a boolean');
    if (body.ended_at !== undefined && !isTime(body.ended_at)) return bad('ended_at must be a positive number (epoch milliseconds)');
    const value = { ...(body as unknown as InvocationCompleteMessage), gid };
    if (value.return_value === null) delete value.return_value;
    if (value.exception === null) delete value.exception;
    else if (value.exception && value.exception.metadata === undefined) value.exception = { ...value.exception, metadata: {} };
    return { ok: true, value };
  }
  return bad('instrumentation_type must be "request_received" or "invocation_complete"');
}

const MAX_TEXT = 2048;

/** An entry service's report of the response it sent to the test. */
export function checkEntryResponse(body: unknown): Checked<EntryResponseMessage> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  for (const f of ['execution_id', 'entry_id', 'service', 'method', 'path'] as const) {
    const v = body[f];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT) return bad(`${f} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  if (body.phase !== 'start' && body.phase !== 'end') return bad('phase must be "start" or "end"');
  if (body.phase === 'end') {
    if (!Number.isInteger(body.status) || (body.status as number) < 0 || (body.status as number) > 999) return bad('status must be an integer from 0 to 999');
    if (typeof body.body_md5 !== 'string' || !/^[0-9a-f]{32}$/.test(body.body_md5)) return bad('body_md5 must be 32 hex digits');
  }
  for (const f of ['content_type', 'template'] as const) {
    const v = body[f];
    if (v !== undefined && (typeof v !== 'string' || v.length > MAX_TEXT)) return bad(`${f} must be a string of at most ${MAX_TEXT} characters`);
  }
  if (body.root_sequence !== undefined && (!Number.isInteger(body.root_sequence) || (body.root_sequence as number) < 0)) return bad('root_sequence must be a whole number');
  return checkEntryExtras(body) ?? { ok: true, value: body as unknown as EntryResponseMessage };
}

/** Headers an entry response may report (ours send at most 64). */
const MAX_ENTRY_HEADERS = 100;
/** A body excerpt (ours send 2 KiB of UTF-8, which is at most this many characters). */
const MAX_EXCERPT = 8192;

/** The optional fields of ours: headers, body excerpt and body length. */
function checkEntryExtras(body: Record<string, unknown>): Checked<never> | undefined {
  const { headers, body_excerpt: excerpt, body_bytes: bytes } = body;
  if (headers !== undefined) {
    const ok = isObject(headers) && Object.keys(headers).length <= MAX_ENTRY_HEADERS && Object.entries(headers).every(([k, v]) => k.length <= MAX_TEXT && typeof v === 'string' && v.length <= MAX_TEXT);
    if (!ok) return bad(`headers must be an object of at most ${MAX_ENTRY_HEADERS} string values of at most ${MAX_TEXT} characters`);
  }
  if (excerpt !== undefined && (typeof excerpt !== 'string' || excerpt.length > MAX_EXCERPT)) return bad(`body_excerpt must be a string of at most ${MAX_EXCERPT} characters`);
  if (bytes !== undefined && (!Number.isSafeInteger(bytes) || (bytes as number) < 0)) return bad('body_bytes must be a non-negative integer');
  return undefined;
}

/** One evaluation of a property. */
export function checkProperty(body: unknown): Checked<PropertyMessage> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  if (body.kind !== 'sometimes' && body.kind !== 'always' && body.kind !== 'unreachable') return bad('kind must be "sometimes", "always" or "unreachable"');
  for (const f of ['name', 'service'] as const) {
    const v = body[f];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT) return bad(`${f} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  if (typeof body.holds !== 'boolean') return bad('holds must be a boolean');
  if (body.execution_id !== undefined && (typeof body.execution_id !== 'string' || body.execution_id.length > MAX_TEXT)) return bad('execution_id must be a string');
  return { ok: true, value: { kind: body.kind, name: body.name as string, holds: body.holds, service: body.service as string, ...(body.execution_id !== undefined ? { execution_id: body.execution_id as string } : {}) } };
}

/** A call made outside any inbound request (or a connection the instrumentation does not cover). */
export function checkBackground(body: unknown): Checked<BackgroundCallMessage> {
  if (!isObject(body) || typeof body.source_service_name !== 'string' || typeof body.url !== 'string') {
    return bad('source_service_name and url must be strings');
  }
  return { ok: true, value: body as unknown as BackgroundCallMessage };
}

/** A batch whose envelope is sound; each message's body is still unchecked (it is judged on its own). */
export interface CheckedBatch {
  messages: { path: BatchablePath; body: unknown }[];
}

const BATCHABLE = new Set<string>(BATCHABLE_PATHS);

/**
 * The envelope of POST /filibuster/batch. Anything wrong here rejects the whole batch (nothing applied):
 * each message must name a report path and carry a body; the bodies themselves are checked one by one.
 */
export function checkBatch(body: unknown): Checked<CheckedBatch> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  const messages = body.messages;
  if (!Array.isArray(messages)) return bad('messages must be a list');
  if (messages.length === 0 || messages.length > MAX_BATCH_MESSAGES) {
    return bad(`messages must hold from 1 to ${MAX_BATCH_MESSAGES} messages (it holds ${messages.length})`);
  }
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObject(m)) return bad(`messages[${i}] must be an object with a path and a body`);
    if (typeof m.path !== 'string' || !BATCHABLE.has(m.path)) {
      return bad(`messages[${i}].path must be one of ${BATCHABLE_PATHS.join(', ')} (reports that need no answer)`);
    }
    if (!('body' in m)) return bad(`messages[${i}] has no body`);
  }
  return { ok: true, value: { messages: messages as CheckedBatch['messages'] } };
}

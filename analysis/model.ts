/**
 * What the analyser finds, per service: its routes and the status codes it can answer, its outbound
 * call sites and how each handles failure, the findings (unhandled failures) and the warnings (constructs
 * it could not follow). Files are named relative to the nearest directory holding a package.json, the
 * same rule the call identity's stack signature uses, so a call site found here can be matched against a
 * call seen at run time.
 */

export interface Warning {
  file: string;
  line: number;
  message: string;
}

/** One place where a status code can come from. */
export interface StatusOrigin {
  code: number;
  file: string;
  line: number;
  /** The construct, e.g. `res.status(n)`, `throw new HttpError(n)`, `createError(n)`, `framework default`. */
  how: string;
  /**
   * `GET /users/:id` when the origin sits in a registered route handler; `GUARD Name` in a NestJS guard
   * (its code counts for every route the guard guards: see Route.codes).
   */
  route?: string;
}

export interface Route {
  method: string;
  path: string;
  file: string;
  line: number;
  /**
   * Codes answered from inside this route's handler (or passed by it to a helper), thrown by project
   * functions it calls, or answered by the Nest guards guarding it, in discovery order.
   */
  codes: number[];
}

export type Client = 'fetch' | 'undici' | 'http' | 'axios' | 'got' | 'node-fetch';

export type Tristate = 'yes' | 'no' | 'maybe';

export interface TimeoutInfo {
  /** A timeout is configured at this call. */
  set: Tristate;
  /** The instrumentation can see it (instrumentation/timeouts.ts), so a timeout fault applies. */
  visible: Tristate;
  /** The construct, e.g. `AbortSignal.timeout`, `axios { timeout }`, `got timeout.request (not visible)`. */
  how?: string;
}

export type FailureKind = 'ECONNREFUSED' | 'Timeout';

/** How the calling code reacts to one kind of failure. */
export interface Handling {
  handled: Tristate;
  /** Codes the service answers instead (a mapped error), or the framework's 500 when it escapes. */
  answers: number[];
  /** Where the reaction was found (`catch at users.ts:20`, `.catch()`, `Promise.allSettled`, ...). */
  how: string;
}

export interface CallSite {
  /** Where the call is written (the outermost call when it goes through project-local wrappers). */
  file: string;
  line: number;
  endLine: number;
  /** The stack-signature frame of the function that contains the call: `file:function`. */
  frame: string;
  client: Client;
  /** The project-local wrappers the call goes through, outermost first (`corpus/shared/requests.ts:get`). */
  via: string[];
  method?: string;
  /** The URL argument's source text, for people. */
  target: string;
  /**
   * The URL as the outermost caller writes it, where the call goes through wrappers whose parameters make
   * it (url-text.ts): `${this.baseUrls['catalog']}/products/${id}`. Absent when it is `target`.
   */
  url?: string;
  /** The service of the run the URL text names, when one does (call-names.ts); for people, like `target`. */
  callee?: string;
  route?: string;
  timeout: TimeoutInfo;
  failures: Record<FailureKind, Handling>;
  /** Comparisons of the response's status (`r.status === 404`, `!r.ok`), anywhere along the wrappers. */
  statusChecks: string[];
  /** The caller reads the response body (`r.json()`, axios' `r.data`), anywhere along the wrappers. */
  parsesBody: boolean;
}

export interface Finding {
  service: string;
  file: string;
  line: number;
  /** `no-timeout`: the call has no timeout (or may have none), so a callee that never answers hangs it. */
  failure: FailureKind | 'status' | 'no-timeout';
  message: string;
}

export interface ServiceAnalysis {
  name: string;
  /** The entry file, relative. */
  entry: string;
  files: string[];
  frameworks: string[];
  /** Every code the service can answer (500 first when a framework answers it for unhandled errors). */
  codes: number[];
  origins: StatusOrigin[];
  routes: Route[];
  callSites: CallSite[];
  findings: Finding[];
}

export interface AnalysisResult {
  services: ServiceAnalysis[];
  /** Services named by the input that were not analysed (no source, not instrumented), with why. */
  skipped: { name: string; reason: string }[];
  warnings: Warning[];
  durationMs: number;
}

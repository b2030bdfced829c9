/**
 * Which timeouts the instrumentation can see, per client, and how it fires each one at once.
 *
 * A timeout fault is offered for a call only when the call has a timeout we can see (the original offers
 * `Timeout` only for an explicit `timeout=` kwarg). It is delivered immediately, through the client's own
 * timeout path, so the application gets the error it would get after the configured delay, carrying the
 * configured value, without anyone waiting for it.
 *
 * | client                                   | visible timeout                                   | fired by                                      |
 * |------------------------------------------|---------------------------------------------------|-----------------------------------------------|
 * | http.request / https.request             | `timeout` option, or `req.setTimeout(ms)` called  | the socket emits `'timeout'`                   |
 * |   (got `timeout.socket`, superagent      | synchronously after the request was created       |                                               |
 * |   `.timeout()`, axios `timeout` with     |                                                   |                                               |
 * |   `maxRedirects: 0`)                     |                                                   |                                               |
 * | axios `timeout` (default transport:      | RedirectableRequest.setTimeout(ms), hooked when   | follow-redirects' own `'timeout'` event        |
 * |   follow-redirects)                      | follow-redirects loads (follow-redirects.ts)      |                                               |
 * | node-fetch                               | none (v3 has no timeout option)                   | —                                             |
 * | got `timeout.request` / `lookup` / ...   | none (got runs its own timers)                    | —                                             |
 * | global fetch                             | `signal` made by `AbortSignal.timeout(ms)`, or by | that signal aborts with its own TimeoutError  |
 * |                                          | `AbortSignal.any([...])` over such a signal       |                                               |
 * | npm undici `request`/`stream`/...        | an explicit `headersTimeout` or `bodyTimeout`     | `HeadersTimeoutError` (UND_ERR_HEADERS_TIMEOUT)|
 *
 * The timeout is reported to the orchestrator as `metadata.timeout` in seconds, as the original does.
 */

export interface VisibleTimeout {
  ms: number;
  /** Fires the client's own timeout path now (signal-based timeouts only). */
  fire?: () => void;
}

const signalTimeouts = new WeakMap<AbortSignal, VisibleTimeout>();
let patched = false;

export function timeoutOfSignal(signal: unknown): VisibleTimeout | undefined {
  return signal && typeof signal === 'object' ? signalTimeouts.get(signal as AbortSignal) : undefined;
}

function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/**
 * Replaces AbortSignal.timeout and AbortSignal.any so that a timeout signal records its delay and can be
 * fired early. The signal is an ordinary AbortSignal; when it fires on its own it behaves as Node's.
 */
export function patchAbortSignal(): void {
  if (patched) return;
  patched = true;
  const originalTimeout = AbortSignal.timeout;
  const originalAny = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;

  AbortSignal.timeout = function timeout(delay: number): AbortSignal {
    originalTimeout.call(AbortSignal, delay); // argument validation with Node's own errors
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(timeoutReason()), delay);
    timer.unref();
    signalTimeouts.set(controller.signal, {
      ms: delay,
      fire: () => {
        clearTimeout(timer);
        if (!controller.signal.aborted) controller.abort(timeoutReason());
      },
    });
    return controller.signal;
  };

  if (originalAny) {
    (AbortSignal as unknown as { any: (s: AbortSignal[]) => AbortSignal }).any = function any(
      signals: AbortSignal[],
    ): AbortSignal {
      const combined = originalAny.call(AbortSignal, signals);
      let shortest: VisibleTimeout | undefined;
      for (const s of signals) {
        const t = signalTimeouts.get(s);
        if (t && (!shortest || t.ms < shortest.ms)) shortest = t;
      }
      if (shortest) signalTimeouts.set(combined, shortest);
      return combined;
    };
  }
}

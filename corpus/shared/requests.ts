/**
 * The corpus services' HTTP client: the shape of Python's `requests.get(url, timeout=t)` on top of global
 * fetch. The timeout is an AbortSignal.timeout, visible to the instrumentation, so the timeout fault
 * applies exactly where the original's `timeout=` kwarg made it apply. Failures are raised as
 * ConnectionError or Timeout, like requests' exceptions; `json()` on a non-JSON body throws, as in the
 * original (a caller that does not catch it answers 500).
 */
export class RequestException extends Error {}
export class ConnectionError extends RequestException {}
export class Timeout extends RequestException {}

export interface Response {
  status: number;
  text: string;
  headers: Headers;
  json<T = any>(): T;
}

export interface Options {
  /** Seconds; omitted = no timeout (then no timeout fault applies). */
  timeout?: number;
  body?: unknown;
}

async function send(method: string, url: string, options: Options = {}): Promise<Response> {
  let response: globalThis.Response;
  try {
    response = await fetch(url, {
      method,
      signal: options.timeout !== undefined ? AbortSignal.timeout(options.timeout * 1000) : undefined,
      headers: options.body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Timeout(`${method} ${url} timed out`);
    throw new ConnectionError(`${method} ${url} failed: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const text = await response.text();
  return {
    status: response.status,
    text,
    headers: response.headers,
    json: () => JSON.parse(text),
  };
}

export const get = (url: string, options?: Options) => send('GET', url, options);
export const post = (url: string, options?: Options) => send('POST', url, options);
export const head = (url: string, options?: Options) => send('HEAD', url, options);

/**
 * audible's byte-level client: the shared corpus client (../shared/requests.ts) with the body kept as
 * bytes, as Python's `response.content`, for the two calls whose answer is the audio file
 * (CDS → audio-assets, audible-app → CDS). Same fetch call and AbortSignal.timeout as the shared client,
 * so the instrumentation sees and faults it identically; failures are the shared ConnectionError/Timeout.
 */
import { ConnectionError, Timeout, type Options } from '../shared/requests.js';

export interface BytesResponse {
  status: number;
  headers: Headers;
  content: Buffer;
  json<T = any>(): T;
}

export async function getBytes(url: string, options: Options = {}): Promise<BytesResponse> {
  let response: globalThis.Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      signal: options.timeout !== undefined ? AbortSignal.timeout(options.timeout * 1000) : undefined,
    });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Timeout(`GET ${url} timed out`);
    throw new ConnectionError(`GET ${url} failed: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const content = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    content,
    json: () => JSON.parse(content.toString('utf8')),
  };
}

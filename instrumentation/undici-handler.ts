/** undici's dispatch handlers, in both of its callback styles (onConnect/onHeaders/..., and onRequestStart/onResponseStart/...). */
export type Handler = Record<string, ((...args: any[]) => unknown) | unknown>;

/** The newer style (undici 7, Node 22+'s bundled copy). */
export function isNewApi(handler: Handler): boolean {
  return typeof handler.onRequestStart === 'function' || typeof handler.onResponseStart === 'function';
}

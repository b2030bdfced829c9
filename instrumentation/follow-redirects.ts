/**
 * follow-redirects (axios's default transport in Node) runs its own timeout timer instead of calling
 * `ClientRequest.setTimeout`, so its timeout would be invisible. When the package loads, its
 * RedirectableRequest.setTimeout is wrapped to tell the underlying call its timeout, together with a way
 * to fire follow-redirects' own `'timeout'` at once (axios then fails with "timeout of Nms exceeded").
 *
 * The hook is Module._load, through which both `require('follow-redirects')` and an ESM import of it pass.
 */
import Module from 'node:module';
import type { OutboundCall } from './call-tracker.js';

const kPatched = Symbol('filibuster.patched');
const PACKAGE = /(^follow-redirects$)|([\\/]node_modules[\\/]follow-redirects[\\/]index\.js$)/;

type Redirectable = {
  setTimeout(msecs: number, callback?: () => void): unknown;
  emit(event: string): boolean;
  _currentRequest?: Record<symbol, OutboundCall | undefined>;
};

function patchPrototype(proto: Redirectable & Record<symbol, boolean>, kCall: symbol): void {
  if (proto[kPatched] || typeof proto.setTimeout !== 'function') return;
  proto[kPatched] = true;
  const original = proto.setTimeout;
  proto.setTimeout = function setTimeout(this: Redirectable, msecs: number, callback?: () => void) {
    const result = original.call(this, msecs, callback);
    const call = this._currentRequest?.[kCall];
    if (call && typeof msecs === 'number' && msecs > 0) call.setTimeout({ ms: msecs, fire: () => this.emit('timeout') });
    return result;
  };
}

function patchExports(exports: Record<string, { request?: Function } | undefined>, kCall: symbol): void {
  for (const name of ['http', 'https']) {
    const protocol = exports[name];
    if (!protocol || typeof protocol.request !== 'function' || (protocol as Record<symbol, boolean>)[kPatched]) continue;
    (protocol as Record<symbol, boolean>)[kPatched] = true;
    const request = protocol.request;
    // RedirectableRequest is not exported: its prototype is reached through the first request made.
    protocol.request = function (this: unknown, ...args: unknown[]) {
      const redirectable = request.apply(this, args);
      if (redirectable && typeof redirectable === 'object') patchPrototype(Object.getPrototypeOf(redirectable), kCall);
      return redirectable;
    };
  }
}

export function hookFollowRedirects(kCall: symbol): void {
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown } & Record<symbol, boolean>;
  if (loader[kPatched]) return;
  loader[kPatched] = true;
  const load = loader._load;
  loader._load = function _load(this: unknown, request: string, ...rest: [unknown, boolean]) {
    const exports = load.call(this, request, ...rest);
    if (typeof request === 'string' && PACKAGE.test(request) && exports && typeof exports === 'object') {
      patchExports(exports as Record<string, { request?: Function }>, kCall);
    }
    return exports;
  };
}

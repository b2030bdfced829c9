/**
 * Error factories for injected faults. Each produces the object a real failure produces, field for field,
 * so that application code cannot tell an injected fault from the real one.
 */
import { constants } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSystemErrorMap } from 'node:util';

/**
 * Where our own code runs from: this directory, and the sources its source maps name (the package's
 * instrumentation/ beside dist/). Stack frames there would tell a reader of the service's log that the
 * failure was injected; a real one's stack never shows them.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const OWN_DIRS = [HERE + sep, join(HERE, '..', '..', 'instrumentation') + sep];

/** The error with the stack frames of our own code removed (the frames of Node and the application stay). */
function withoutOwnFrames<E extends Error>(err: E): E {
  const stack = err.stack;
  if (typeof stack === 'string') err.stack = stack.split('\n').filter((line) => !(/^\s+at /.test(line) && OWN_DIRS.some((d) => line.includes(d)))).join('\n');
  return err;
}

const errnos = constants.errno as Record<string, number>;

/**
 * Node builds network errors from internal subclasses of Error whose `constructor` reads as Error
 * (ExceptionWithHostPort, ErrnoException): the prototype chain is Error → Error → Object. Ours too.
 */
class SystemError extends Error {
  // @ts-expect-error: a getter in place of the constructor property, as Node's own classes do
  get ['constructor']() {
    return Error;
  }
}

/**
 * A system error as libuv reports it through `net`: `connect ECONNREFUSED 127.0.0.1:5001`, with errno,
 * code, syscall, address and port set in that order (Node's exceptionWithHostPort).
 */
export function systemError(code: string, syscall: string, address?: string, port?: number): NodeJS.ErrnoException {
  const where = address !== undefined ? ` ${address}${port !== undefined ? `:${port}` : ''}` : '';
  const err = new SystemError(`${syscall} ${code}${where}`) as NodeJS.ErrnoException & { address?: string; port?: number };
  err.errno = -(errnos[code] ?? 0);
  err.code = code;
  err.syscall = syscall;
  if (address !== undefined) err.address = address;
  if (port !== undefined) err.port = port;
  return withoutOwnFrames(err);
}

/**
 * undici's own error classes, mirrored: the same class names up the chain (HeadersTimeoutError →
 * UndiciError → Error), the same fields set in the same order, and the brands undici checks in its
 * `Symbol.hasInstance` (Symbol.for('undici.error.<CODE>')), so `instanceof errors.HeadersTimeoutError`
 * holds against any copy of undici.
 */
class UndiciError extends Error {
  code: string;
  constructor(message?: string) {
    super(message);
    this.name = 'UndiciError';
    this.code = 'UND_ERR';
  }
  get [Symbol.for('undici.error.UND_ERR')]() {
    return true;
  }
}

class HeadersTimeoutError extends UndiciError {
  constructor(message?: string) {
    super(message);
    this.name = 'HeadersTimeoutError';
    this.message = message || 'Headers Timeout Error';
    this.code = 'UND_ERR_HEADERS_TIMEOUT';
  }
  get [Symbol.for('undici.error.UND_ERR_HEADERS_TIMEOUT')]() {
    return true;
  }
}

export function headersTimeoutError(): Error {
  return withoutOwnFrames(new HeadersTimeoutError());
}

/** libuv's getaddrinfo codes: ENOTFOUND is Node's name for EAI_NONAME (the name does not exist). */
const GETADDRINFO_ERRNO: Record<'ENOTFOUND' | 'EAI_AGAIN', string> = { ENOTFOUND: 'EAI_NONAME', EAI_AGAIN: 'EAI_AGAIN' };

function uvErrno(name: string): number | undefined {
  for (const [errno, [n]] of getSystemErrorMap()) if (n === name) return errno;
  return undefined;
}

/**
 * A failed name lookup as `dns.lookup` reports it (Node's dnsException): a plain Error
 * `getaddrinfo ENOTFOUND users.internal` with errno, code, syscall and hostname set in that order.
 */
export function dnsError(code: 'ENOTFOUND' | 'EAI_AGAIN', hostname: string): NodeJS.ErrnoException & { hostname: string } {
  const err = new Error(`getaddrinfo ${code} ${hostname}`) as NodeJS.ErrnoException & { hostname: string };
  err.errno = uvErrno(GETADDRINFO_ERRNO[code]);
  err.code = code;
  err.syscall = 'getaddrinfo';
  err.hostname = hostname;
  return withoutOwnFrames(err);
}

/**
 * The names @nestjs/common gives statuses: its HttpException subclasses and the HttpStatus enum, and
 * which local names stand for its exports (the package itself is never loaded: see project.ts).
 */
import { Node } from 'ts-morph';
import { importOf, unwrap } from './symbols.js';

const NEST_MODULES = new Set(['@nestjs/common', '@nestjs/core']);

/** @nestjs/common's built-in exceptions (exceptions/*.exception.ts) and the status each answers. */
const EXCEPTIONS: Record<string, number> = {
  BadRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  NotFoundException: 404,
  MethodNotAllowedException: 405,
  NotAcceptableException: 406,
  RequestTimeoutException: 408,
  ConflictException: 409,
  GoneException: 410,
  PreconditionFailedException: 412,
  PayloadTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  ImATeapotException: 418,
  MisdirectedException: 421,
  UnprocessableEntityException: 422,
  InternalServerErrorException: 500,
  NotImplementedException: 501,
  BadGatewayException: 502,
  ServiceUnavailableException: 503,
  GatewayTimeoutException: 504,
  HttpVersionNotSupportedException: 505,
};

/** @nestjs/common's HttpStatus enum (enums/http-status.enum.ts), 4xx and 5xx plus the 2xx a handler may pick. */
const HTTP_STATUS: Record<string, number> = {
  OK: 200, CREATED: 201, ACCEPTED: 202, NON_AUTHORITATIVE_INFORMATION: 203, NO_CONTENT: 204, RESET_CONTENT: 205,
  PARTIAL_CONTENT: 206, MULTI_STATUS: 207, ALREADY_REPORTED: 208, CONTENT_DIFFERENT: 210,
  AMBIGUOUS: 300, MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, NOT_MODIFIED: 304, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400, UNAUTHORIZED: 401, PAYMENT_REQUIRED: 402, FORBIDDEN: 403, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406, PROXY_AUTHENTICATION_REQUIRED: 407, REQUEST_TIMEOUT: 408, CONFLICT: 409, GONE: 410,
  LENGTH_REQUIRED: 411, PRECONDITION_FAILED: 412, PAYLOAD_TOO_LARGE: 413, URI_TOO_LONG: 414, UNSUPPORTED_MEDIA_TYPE: 415,
  REQUESTED_RANGE_NOT_SATISFIABLE: 416, EXPECTATION_FAILED: 417, I_AM_A_TEAPOT: 418, MISDIRECTED: 421,
  UNPROCESSABLE_ENTITY: 422, LOCKED: 423, FAILED_DEPENDENCY: 424, PRECONDITION_REQUIRED: 428, TOO_MANY_REQUESTS: 429,
  UNRECOVERABLE_ERROR: 456, INTERNAL_SERVER_ERROR: 500, NOT_IMPLEMENTED: 501, BAD_GATEWAY: 502, SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504, HTTP_VERSION_NOT_SUPPORTED: 505, INSUFFICIENT_STORAGE: 507, LOOP_DETECTED: 508,
};

/**
 * The exported name a node stands for when it refers to an export of @nestjs/common or @nestjs/core:
 * `Get` (a named import, also renamed: `import { Get as HttpGet }`), `common.Get` (a namespace import),
 * a destructured `require`.
 */
export function nestExport(node: Node | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (Node.isIdentifier(n)) {
    const imported = importOf(n);
    return imported && NEST_MODULES.has(imported.module) && imported.name !== '*' && imported.name !== 'default' ? imported.name : undefined;
  }
  if (Node.isPropertyAccessExpression(n)) {
    const owner = unwrap(n.getExpression());
    const imported = Node.isIdentifier(owner) ? importOf(owner) : undefined;
    if (imported && NEST_MODULES.has(imported.module) && (imported.name === '*' || imported.name === 'default')) return n.getName();
  }
  return undefined;
}

/** The status of a built-in Nest exception class, by its exported name. */
export function nestExceptionStatus(name: string): number | undefined {
  return EXCEPTIONS[name];
}

/** `HttpStatus.NOT_FOUND` (HttpStatus from @nestjs/common): its number. */
export function nestHttpStatus(node: Node): number | undefined {
  if (!Node.isPropertyAccessExpression(node) && !Node.isElementAccessExpression(node)) return undefined;
  if (nestExport(node.getExpression()) !== 'HttpStatus') return undefined;
  const key = Node.isPropertyAccessExpression(node) ? node.getName() : node.getArgumentExpression()?.getText().replace(/^['"`]|['"`]$/g, '');
  return key ? HTTP_STATUS[key] : undefined;
}

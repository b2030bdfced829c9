/**
 * HTTP error statuses by the names libraries give them: http-errors' constructors (`NotFound`), the
 * camel-case helpers of @fastify/sensible (`reply.notFound()`), and werkzeug-style exception names.
 */
const CODES: [number, string][] = [
  [400, 'BadRequest'],
  [401, 'Unauthorized'],
  [402, 'PaymentRequired'],
  [403, 'Forbidden'],
  [404, 'NotFound'],
  [405, 'MethodNotAllowed'],
  [406, 'NotAcceptable'],
  [407, 'ProxyAuthenticationRequired'],
  [408, 'RequestTimeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'LengthRequired'],
  [412, 'PreconditionFailed'],
  [413, 'PayloadTooLarge'],
  [414, 'URITooLong'],
  [415, 'UnsupportedMediaType'],
  [416, 'RangeNotSatisfiable'],
  [417, 'ExpectationFailed'],
  [418, 'ImATeapot'],
  [421, 'MisdirectedRequest'],
  [422, 'UnprocessableEntity'],
  [423, 'Locked'],
  [424, 'FailedDependency'],
  [425, 'TooEarly'],
  [426, 'UpgradeRequired'],
  [428, 'PreconditionRequired'],
  [429, 'TooManyRequests'],
  [431, 'RequestHeaderFieldsTooLarge'],
  [451, 'UnavailableForLegalReasons'],
  [500, 'InternalServerError'],
  [501, 'NotImplemented'],
  [502, 'BadGateway'],
  [503, 'ServiceUnavailable'],
  [504, 'GatewayTimeout'],
  [505, 'HTTPVersionNotSupported'],
  [506, 'VariantAlsoNegotiates'],
  [507, 'InsufficientStorage'],
  [508, 'LoopDetected'],
  [510, 'NotExtended'],
  [511, 'NetworkAuthenticationRequired'],
];

const BY_NAME = new Map<string, number>();
for (const [code, name] of CODES) {
  BY_NAME.set(name, code);
  BY_NAME.set(name[0].toLowerCase() + name.slice(1), code);
}
BY_NAME.set('imateapot', 418);

/** The status a library name stands for (`NotFound`, `notFound`), if it is one. */
export function statusOfName(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** The HTTP status each kind of error maps to; features pick a kind for each of their codes. */
export const ERROR_KINDS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** Existed but is over for good (an expired survey link). */
  gone: 410,
  /** A body over its limit; `details.limitBytes` says the limit. */
  too_large: 413,
  unsupported_media_type: 415,
  /** Too many attempts; `details.retryAfterS` becomes the `Retry-After` header. */
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
} as const;
export type ErrorKind = keyof typeof ERROR_KINDS;

/** An error a user can act on: a stable code, a message, and where it applies (`field`). */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details: { field?: string; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** How every transport shows an AppError: the HTTP body, and the Socket.IO acknowledgement with `ok: false`. */
export function errorBody(error: AppError): {
  statusCode: number;
  code: string;
  message: string;
  [detail: string]: unknown;
} {
  return { ...error.details, statusCode: ERROR_KINDS[error.kind], code: error.code, message: error.message };
}

/**
 * A feature's error factory: its codes, each with the kind the transports map it to (HTTP
 * status, Socket.IO ack), in the feature's own `*.errors.ts`.
 */
export function featureErrors<const Codes extends Record<string, ErrorKind>>(codes: Codes) {
  return (code: keyof Codes & string, message: string, details: AppError['details'] = {}): AppError =>
    new AppError(code, codes[code], message, details);
}

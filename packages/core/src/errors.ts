/**
 * The closed set of codes an agentwire error carries. They are gRPC's names, so one table maps them to
 * gRPC status codes and another to HTTP statuses for the JSON protocols, plus two HTTP-only refusals
 * (`method_not_allowed`, `payload_too_large`) that gRPC folds into `unimplemented` and
 * `resource_exhausted`: a JSON protocol answers 405 and 413 with a code that says the same thing.
 */
export const ErrorCode = {
  InvalidArgument: "invalid_argument",
  NotFound: "not_found",
  AlreadyExists: "already_exists",
  FailedPrecondition: "failed_precondition",
  PermissionDenied: "permission_denied",
  Unauthenticated: "unauthenticated",
  ResourceExhausted: "resource_exhausted",
  Unavailable: "unavailable",
  DeadlineExceeded: "deadline_exceeded",
  Canceled: "canceled",
  Unimplemented: "unimplemented",
  Internal: "internal",
  /** HTTP 405: the path exists but does not answer this HTTP method (gRPC has no such case: `unimplemented`). */
  MethodNotAllowed: "method_not_allowed",
  /** HTTP 413: the request body is over the server's limit (gRPC's `resource_exhausted`). */
  PayloadTooLarge: "payload_too_large",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP statuses for each code, as gRPC-gateway and Connect map them. */
export const httpStatusForCode: Readonly<Record<ErrorCode, number>> = {
  invalid_argument: 400,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  unavailable: 503,
  deadline_exceeded: 504,
  canceled: 499,
  unimplemented: 501,
  internal: 500,
  method_not_allowed: 405,
  payload_too_large: 413,
};

/**
 * gRPC status numbers for each code (the same numbers as connect-es's `Code` enum), for the gRPC protocols.
 * Two codes share a number with the gRPC code they narrow (`method_not_allowed` → 12 UNIMPLEMENTED,
 * `payload_too_large` → 8 RESOURCE_EXHAUSTED); they come last, so the gRPC-named code is the first entry
 * for every number.
 */
export const grpcStatusForCode: Readonly<Record<ErrorCode, number>> = {
  canceled: 1,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
  method_not_allowed: 12,
  payload_too_large: 8,
};

const brand = Symbol.for("agentwire.AgentwireError");

export interface AgentwireErrorOptions {
  /** The error that led to this one, kept for logs. */
  cause?: unknown;
  /** Structured facts about the refusal (the field, the value, the known alternatives). */
  details?: Record<string, unknown>;
}

/**
 * An error an agentwire user can act on: a code from a closed set, a message that names what was wrong
 * and how to fix it, and the cause. `instanceof` works across duplicate copies of the package (ESM and
 * CJS builds both loaded) because it checks a brand rather than the prototype chain.
 *
 * ```ts
 * throw new AgentwireError("invalid_argument", 'missing input "script": the task template must declare it');
 * ```
 */
export class AgentwireError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: AgentwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AgentwireError";
    this.code = code;
    this.details = options.details ?? {};
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** The message of anything thrown, for logs and replies; never `undefined`. */
export function messageOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === "string") return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

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

const brandsKey = Symbol.for("agentwire.errorBrands");

interface BrandedClass {
  readonly brand?: string;
}

/** The brands of `ctor` and every class it extends, nearest first: what an instance carries. */
function brandsOf(ctor: unknown): string[] {
  const brands: string[] = [];
  for (let c = ctor; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
    if (Object.hasOwn(c, "brand")) brands.push((c as BrandedClass).brand!);
  }
  return brands;
}

/**
 * `value instanceof errorClass`, across duplicate copies of a package (its ESM and CJS builds both
 * loaded): true when `value` was made by `errorClass` or a subclass of it. A class answers for itself
 * only when it declares its own `static readonly brand`; one that does not falls back to the prototype
 * chain, so a brand is never inherited by accident (`new AgentwireError(…) instanceof CredentialError`
 * is false).
 */
export function isBrandedInstance(errorClass: object, value: unknown): boolean {
  if (!Object.hasOwn(errorClass, "brand")) return typeof errorClass === "function" && Function.prototype[Symbol.hasInstance].call(errorClass, value);
  if (typeof value !== "object" || value === null) return false;
  const brands = (value as Record<symbol, unknown>)[brandsKey];
  return Array.isArray(brands) && brands.includes((errorClass as BrandedClass).brand);
}

export interface AgentwireErrorOptions {
  /** The error that led to this one, kept for logs. */
  cause?: unknown;
  /** Structured facts about the refusal (the field, the value, the known alternatives). */
  details?: Record<string, unknown>;
}

/**
 * An error an agentwire user can act on: a code from a closed set, a message that names what was wrong
 * and how to fix it, and the cause.
 *
 * `instanceof` works across duplicate copies of the package (ESM and CJS builds both loaded) because it
 * checks brands rather than the prototype chain, and each class answers for itself and its subclasses
 * only. A subclass declares its own brand to take part:
 *
 * ```ts
 * throw new AgentwireError("invalid_argument", 'missing input "script": the task template must declare it');
 *
 * class QuotaError extends AgentwireError {
 *   static override readonly brand: string = "acme.QuotaError";
 *   constructor(message: string) {
 *     super("resource_exhausted", message);
 *   }
 * }
 * ```
 */
export class AgentwireError extends Error {
  /** What `instanceof` checks; a subclass that declares its own is told apart from its parent. */
  static readonly brand: string = "agentwire.AgentwireError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AgentwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AgentwireError";
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, brandsKey, { value: brandsOf(new.target), enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(this, value);
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

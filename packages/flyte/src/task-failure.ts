import { failedResource, type AgentErrorInfo, type FailedTaskResource } from "./task-resource.js";

export interface TaskFailureOptions {
  /** A short machine-readable code, e.g. "HTTP_UNREACHABLE". Default: "TaskFailedWithError" (Propeller's). */
  code?: string;
  /** RETRYABLE_FAILED (uses one of the task's retries) instead of FAILED. Default: false. */
  recoverable?: boolean;
  /** Whose fault it was. Default: "user". */
  origin?: AgentErrorInfo["origin"];
  cause?: unknown;
}

// Shared by every copy of the package (its ESM and CJS builds both loaded), so `instanceof` holds across them.
// Not core's isBrandedInstance: that reads the brands AgentwireError's constructor records, and TaskFailure is not one.
const brand = Symbol.for("agentwire.flyte.TaskFailure");

/**
 * Thrown by an agent to say "the task failed", as opposed to "the agent broke". From `get` or `execute`
 * it becomes a FAILED (or RETRYABLE_FAILED) resource with an `agent_error`, which the Flyte console shows
 * as the task's error (returning `this.failed(…)` does the same); any other exception is a gRPC INTERNAL
 * error, which Propeller retries. From `create` it is FAILED_PRECONDITION with its message.
 *
 * It is not an `AgentwireError`: its `code` is the task's failure code, free-form, not a gRPC status.
 *
 * ```ts
 * throw new TaskFailure(`GET ${url} failed: connection refused`, { code: "HTTP_UNREACHABLE", recoverable: true });
 * ```
 */
export class TaskFailure extends Error {
  readonly code: string;
  readonly recoverable: boolean;
  readonly origin: NonNullable<AgentErrorInfo["origin"]>;
  readonly [brand] = true;

  constructor(message: string, options: TaskFailureOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TaskFailure";
    this.code = options.code ?? "TaskFailedWithError";
    this.recoverable = options.recoverable ?? false;
    this.origin = options.origin ?? "user";
  }

  /**
   * `TaskFailure` itself checks the brand (so a TaskFailure from another copy of the package matches); a
   * subclass checks its own prototype chain, so a plain TaskFailure is not an instance of a subclass.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== TaskFailure) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** A TaskFailure thrown by `get` or `execute`: the same answer as returning `this.failed(…)`. */
export function taskFailureResource(err: TaskFailure): FailedTaskResource {
  return failedResource(err.message, { code: err.code, recoverable: err.recoverable, origin: err.origin });
}

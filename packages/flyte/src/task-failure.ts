import type { AgentErrorInfo } from "./task-resource.js";

export interface TaskFailureOptions {
  /** A short machine-readable code, e.g. "HTTP_UNREACHABLE". Default: "TaskFailedWithError" (Propeller's). */
  code?: string;
  /** RETRYABLE_FAILED (uses one of the task's retries) instead of FAILED. Default: false. */
  recoverable?: boolean;
  /** Whose fault it was. Default: "user". */
  origin?: AgentErrorInfo["origin"];
  cause?: unknown;
}

const brand = Symbol.for("agentwire.flyte.TaskFailure");

/**
 * Thrown by an agent to say "the task failed", as opposed to "the agent broke". A sync agent's TaskFailure
 * becomes a FAILED (or RETRYABLE_FAILED) resource with an `agent_error`, which the Flyte console shows as
 * the task's error; any other exception is a gRPC INTERNAL error, which Propeller retries.
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

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

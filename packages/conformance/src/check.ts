/**
 * The vocabulary of the harness: a check (a stable id, a level, a one-line reason and the upstream source of
 * the rule), what running it produced (a status and the wire exchanges that show why), and the recorder a
 * suite uses while it runs one.
 */

/** MUST fails the run; SHOULD is reported as a warning and never fails it. */
export type CheckLevel = "MUST" | "SHOULD";

/** What a check is, independent of any run. */
export interface CheckDefinition {
  /** Stable, dotted, lower-case: `flyte.async.outputs-only-on-succeeded`. Never reused for another rule. */
  readonly id: string;
  readonly level: CheckLevel;
  /** One line: what the real caller needs, and why. */
  readonly reason: string;
  /** Where the rule comes from upstream (a file path in the caller's source, a doc), shown on failure. */
  readonly source?: string;
}

/** One request the harness sent and what came back: the evidence of a failure. */
export interface WireExchange {
  /** What was called: `AsyncAgentService/CreateTask`, `POST /digest receive`, `ToolProvider/ExecuteTool`. */
  readonly call: string;
  /** The request as sent (JSON-able; binary shown as base64). */
  readonly sent: unknown;
  /** The answer, or the error (`{ code, message }`), as received. */
  readonly received: unknown;
}

/**
 * - `passed` / `failed`: a MUST or SHOULD held or did not (a failed SHOULD is reported as `warning`).
 * - `skipped`: not run (filtered by --only/--skip, or not applicable: no cases for it, a service not served).
 * - `expected-failure`: failed, and listed in --known-failing.
 * - `unexpected-pass`: passed, but listed in --known-failing: fails the run, so the baseline stays current.
 */
export type CheckStatus = "passed" | "failed" | "warning" | "skipped" | "expected-failure" | "unexpected-pass";

/** One check's outcome in a run. */
export interface CheckResult extends CheckDefinition {
  /** The suite it belongs to: `flyte.metadata`, `activeworkflow.receive`, `agentplatform.tools`. */
  readonly suite: string;
  readonly status: CheckStatus;
  /** Why it failed or was skipped, in words a person can act on. */
  readonly message?: string;
  /** What the real caller needed (for a failure). */
  readonly needed?: string;
  readonly exchanges: readonly WireExchange[];
  /** Lines the server under test wrote to stderr while the check ran (when the harness started it). */
  readonly serverLog?: readonly string[];
  readonly durationMs: number;
}

/** What a suite's check function gets: record exchanges, and say why it failed or does not apply. */
export interface CheckRecorder {
  /** Records one exchange (shown with a failure). Returns `received`, for chaining. */
  exchange<T>(call: string, sent: unknown, received: T): T;
  /** Ends the check as failed. `needed`: what the real caller needed instead. */
  fail(message: string, needed?: string): never;
  /** Ends the check as skipped (it does not apply to this target). */
  skip(message: string): never;
  /** The signal that fires at the check's timeout. */
  readonly signal: AbortSignal;
}

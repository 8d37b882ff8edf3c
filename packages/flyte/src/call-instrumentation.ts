import { AgentwireError, lazyChildLogger, messageOf, type Logger, type Redactor } from "@agentwire/core";
import { httpStatusForGrpcCode, toConnectError } from "@agentwire/core/grpc";
import { ConnectError } from "@connectrpc/connect";
import type { AgentMetrics, AgentOperation } from "./agent-metrics.js";

/**
 * What every agent call goes through, unary or streamed: a child logger tagged with the task type and the
 * operation, flytekit's success/failure/latency metrics, and the mapping of whatever the handler threw to
 * the gRPC error the caller gets. A refusal (an `AgentwireError` or a `ConnectError`) is a `warn` line
 * with its code; anything else is the agent breaking, an `error` line with the stack.
 */
export class CallInstrumentation {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: AgentMetrics | undefined,
  ) {}

  /**
   * Runs a unary call. With `redactor` (a Flyte 2 call whose connection carries secrets), every line the
   * call logs and the error it answers have the secret values replaced.
   */
  async unary<T>(operation: AgentOperation, taskType: string, fn: (log: Logger) => Promise<T>, redactor?: Redactor): Promise<T> {
    const started = performance.now();
    const log = this.callLogger(taskType, operation, redactor);
    try {
      const result = await fn(log);
      this.metrics?.succeeded(taskType, operation, (performance.now() - started) / 1000);
      return result;
    } catch (reason) {
      throw this.failed(operation, taskType, started, log, reason, redactor);
    }
  }

  /** Runs a server-streaming call; a failure before or during the stream is counted and logged once. */
  async *stream<T>(operation: AgentOperation, taskType: string, fn: (log: Logger) => AsyncIterable<T>, redactor?: Redactor): AsyncIterable<T> {
    const started = performance.now();
    const log = this.callLogger(taskType, operation, redactor);
    try {
      yield* fn(log);
    } catch (reason) {
      throw this.failed(operation, taskType, started, log, reason, redactor);
    }
    this.metrics?.succeeded(taskType, operation, (performance.now() - started) / 1000);
  }

  private callLogger(taskType: string, operation: AgentOperation, redactor: Redactor | undefined): Logger {
    const log = lazyChildLogger(this.logger, { taskType, operation });
    return redactor?.active ? redactor.wrapLogger(log) : log;
  }

  private failed(operation: AgentOperation, taskType: string, started: number, log: Logger, reason: unknown, redactor?: Redactor): ConnectError {
    const answered = toConnectError(reason);
    const error =
      redactor?.active && redactor.occursIn(answered.rawMessage) ? new ConnectError(redactor.redact(answered.rawMessage), answered.code, answered.metadata, undefined, answered.cause) : answered;
    this.metrics?.failed(taskType, operation, httpStatusForGrpcCode(error.code), (performance.now() - started) / 1000);
    if (reason instanceof AgentwireError || reason !== error.cause) {
      log.warn({ code: error.code, reason: error.rawMessage }, `${operation} refused`);
    } else {
      log.error({ err: reason }, `${operation} failed: ${messageOf(reason)}`);
    }
    return error;
  }
}

import { AgentwireError, lazyChildLogger, messageOf, type Logger } from "@agentwire/core";
import { httpStatusForGrpcCode, toConnectError } from "@agentwire/core/grpc";
import type { ConnectError } from "@connectrpc/connect";
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

  /** Runs a unary call. */
  async unary<T>(operation: AgentOperation, taskType: string, fn: (log: Logger) => Promise<T>): Promise<T> {
    const started = performance.now();
    const log = lazyChildLogger(this.logger, { taskType, operation });
    try {
      const result = await fn(log);
      this.metrics?.succeeded(taskType, operation, (performance.now() - started) / 1000);
      return result;
    } catch (reason) {
      throw this.failed(operation, taskType, started, log, reason);
    }
  }

  /** Runs a server-streaming call; a failure before or during the stream is counted and logged once. */
  async *stream<T>(operation: AgentOperation, taskType: string, fn: (log: Logger) => AsyncIterable<T>): AsyncIterable<T> {
    const started = performance.now();
    const log = lazyChildLogger(this.logger, { taskType, operation });
    try {
      yield* fn(log);
    } catch (reason) {
      throw this.failed(operation, taskType, started, log, reason);
    }
    this.metrics?.succeeded(taskType, operation, (performance.now() - started) / 1000);
  }

  private failed(operation: AgentOperation, taskType: string, started: number, log: Logger, reason: unknown): ConnectError {
    const error = toConnectError(reason);
    this.metrics?.failed(taskType, operation, httpStatusForGrpcCode(error.code), (performance.now() - started) / 1000);
    if (reason instanceof AgentwireError || reason !== error.cause) {
      log.warn({ code: error.code, reason: error.rawMessage }, `${operation} refused`);
    } else {
      log.error({ err: reason }, `${operation} failed: ${messageOf(reason)}`);
    }
    return error;
  }
}

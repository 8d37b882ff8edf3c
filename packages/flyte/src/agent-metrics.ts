import { Counter, Registry, Summary } from "prom-client";

export type AgentOperation = "create" | "get" | "delete" | "do" | "logs" | "metrics";

/**
 * Prometheus metrics under flytekit's names (`flyte_connector_*`, flytekit ≥ 1.16), so dashboards and
 * alerts written for a Python agent server work unchanged. Summaries keep only count and sum, as Python's
 * prometheus_client does.
 */
export class AgentMetrics {
  readonly registry: Registry;
  private readonly success: Counter<"task_type" | "operation">;
  private readonly failure: Counter<"task_type" | "operation" | "error_code">;
  private readonly latency: Summary<"task_type" | "operation">;
  private readonly inputBytes: Summary<"task_type">;

  constructor(registry: Registry = new Registry(), prefix = "flyte_connector_") {
    this.registry = registry;
    this.success = new Counter({
      name: `${prefix}requests_success_total`,
      help: "Total number of successful requests",
      labelNames: ["task_type", "operation"],
      registers: [registry],
    });
    this.failure = new Counter({
      name: `${prefix}requests_failure_total`,
      help: "Total number of failed requests",
      labelNames: ["task_type", "operation", "error_code"],
      registers: [registry],
    });
    this.latency = new Summary({
      name: `${prefix}request_latency_seconds`,
      help: "Time spent processing connector request",
      labelNames: ["task_type", "operation"],
      percentiles: [],
      registers: [registry],
    });
    this.inputBytes = new Summary({
      name: `${prefix}input_literal_bytes`,
      help: "Size of input literal",
      labelNames: ["task_type"],
      percentiles: [],
      registers: [registry],
    });
  }

  succeeded(taskType: string, operation: AgentOperation, seconds: number): void {
    this.success.inc({ task_type: taskType, operation });
    this.latency.observe({ task_type: taskType, operation }, seconds);
  }

  failed(taskType: string, operation: AgentOperation, httpStatus: number, seconds: number): void {
    this.failure.inc({ task_type: taskType, operation, error_code: String(httpStatus) });
    this.latency.observe({ task_type: taskType, operation }, seconds);
  }

  inputSize(taskType: string, bytes: number): void {
    this.inputBytes.observe({ task_type: taskType }, bytes);
  }
}

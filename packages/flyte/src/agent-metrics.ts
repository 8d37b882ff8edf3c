import { Counter, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

export type AgentOperation = "create" | "get" | "delete" | "do" | "logs" | "metrics";

/**
 * A Prometheus summary with only `_count` and `_sum`, which is what Python's prometheus_client exposes
 * for flytekit's summaries. prom-client's `Summary` feeds every observation into a t-digest even with no
 * percentiles asked for, a measurable cost on every call.
 */
class CountSumSummary<Label extends string> {
  readonly type = "summary";
  private readonly series = new Map<string, { labels: Record<Label, string>; count: number; sum: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  observe(labels: Record<Label, string>, value: number): void {
    const key = JSON.stringify(labels);
    const entry = this.series.get(key);
    if (entry) {
      entry.count += 1;
      entry.sum += value;
    } else {
      this.series.set(key, { labels, count: 1, sum: value });
    }
  }

  get(): Omit<MetricObjectWithValues<MetricValue<Label>>, "collect"> {
    const values: MetricValue<Label>[] = [];
    for (const { labels, count, sum } of this.series.values()) {
      values.push({ metricName: `${this.name}_sum`, labels, value: sum } as MetricValue<Label>);
      values.push({ metricName: `${this.name}_count`, labels, value: count } as MetricValue<Label>);
    }
    return { name: this.name, help: this.help, type: "summary" as never, values, aggregator: "sum" };
  }

  reset(): void {
    this.series.clear();
  }
}

/**
 * Prometheus metrics under flytekit's names (`flyte_connector_*`, flytekit ≥ 1.16), so dashboards and
 * alerts written for a Python agent server work unchanged. Summaries carry only count and sum, as Python's
 * prometheus_client's do.
 */
export class AgentMetrics {
  readonly registry: Registry;
  private readonly success: Counter<"task_type" | "operation">;
  private readonly failure: Counter<"task_type" | "operation" | "error_code">;
  private readonly latency: CountSumSummary<"task_type" | "operation">;
  private readonly inputBytes: CountSumSummary<"task_type">;

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
    this.latency = new CountSumSummary(`${prefix}request_latency_seconds`, "Time spent processing connector request", registry);
    this.inputBytes = new CountSumSummary(`${prefix}input_literal_bytes`, "Size of input literal", registry);
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

import { Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

export type AgentOperation = "create" | "get" | "delete" | "do" | "logs" | "metrics";

/** One labelled series: how many observations, and their sum. */
interface Series<Label extends string> {
  labels: Record<Label, string>;
  count: number;
  sum: number;
}

/**
 * A Prometheus counter, or a summary with only `_count` and `_sum` (what Python's prometheus_client exposes
 * for flytekit's summaries), whose series are found by their label values through nested maps: no label
 * object hashed or validated per call, as prom-client's `Counter` does, and no t-digest fed, as its
 * `Summary` does even with no percentiles asked for. Both were measurable on every call.
 */
class SeriesMetric<Label extends string> {
  private readonly root = new Map<string, unknown>();
  private readonly all: Series<Label>[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "summary",
    private readonly labelNames: readonly Label[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** Adds one observation of `value` to the series of these label values (in `labelNames` order). */
  observe(value: number, ...labelValues: string[]): void {
    const series = this.seriesOf(labelValues);
    series.count += 1;
    series.sum += value;
  }

  private seriesOf(values: string[]): Series<Label> {
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1]!;
    let series = level.get(last) as Series<Label> | undefined;
    if (series === undefined) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]])) as Record<Label, string>;
      series = { labels, count: 0, sum: 0 };
      level.set(last, series);
      this.all.push(series);
    }
    return series;
  }

  get(): Omit<MetricObjectWithValues<MetricValue<Label>>, "collect"> {
    const values: MetricValue<Label>[] = [];
    for (const { labels, count, sum } of this.all) {
      if (this.type === "counter") {
        values.push({ labels, value: count });
      } else {
        values.push({ metricName: `${this.name}_sum`, labels, value: sum } as MetricValue<Label>);
        values.push({ metricName: `${this.name}_count`, labels, value: count } as MetricValue<Label>);
      }
    }
    return { name: this.name, help: this.help, type: this.type as never, values, aggregator: "sum" };
  }

  reset(): void {
    this.root.clear();
    this.all.length = 0;
  }
}

/**
 * Prometheus metrics under flytekit's names (`flyte_connector_*`, flytekit ≥ 1.16), so dashboards and
 * alerts written for a Python agent server work unchanged. Summaries carry only count and sum, as Python's
 * prometheus_client's do.
 */
export class AgentMetrics {
  readonly registry: Registry;
  private readonly success: SeriesMetric<"task_type" | "operation">;
  private readonly failure: SeriesMetric<"task_type" | "operation" | "error_code">;
  private readonly latency: SeriesMetric<"task_type" | "operation">;
  private readonly inputBytes: SeriesMetric<"task_type">;

  constructor(registry: Registry = new Registry(), prefix = "flyte_connector_") {
    this.registry = registry;
    this.success = new SeriesMetric(`${prefix}requests_success_total`, "Total number of successful requests", "counter", ["task_type", "operation"], registry);
    this.failure = new SeriesMetric(`${prefix}requests_failure_total`, "Total number of failed requests", "counter", ["task_type", "operation", "error_code"], registry);
    this.latency = new SeriesMetric(`${prefix}request_latency_seconds`, "Time spent processing connector request", "summary", ["task_type", "operation"], registry);
    this.inputBytes = new SeriesMetric(`${prefix}input_literal_bytes`, "Size of input literal", "summary", ["task_type"], registry);
  }

  succeeded(taskType: string, operation: AgentOperation, seconds: number): void {
    this.success.observe(1, taskType, operation);
    this.latency.observe(seconds, taskType, operation);
  }

  failed(taskType: string, operation: AgentOperation, httpStatus: number, seconds: number): void {
    this.failure.observe(1, taskType, operation, String(httpStatus));
    this.latency.observe(seconds, taskType, operation);
  }

  inputSize(taskType: string, bytes: number): void {
    this.inputBytes.observe(bytes, taskType);
  }
}

import type { JsonObject } from "@bufbuild/protobuf";
import type { Logger } from "@agentwire/core";
import type { TaskExecutionMetadata } from "./gen/flyteidl/admin/agent_pb.js";
import type { LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import type { TaskCategory } from "./task-category.js";
import type { AnyTaskDefinition, InputsOf } from "./task-definition.js";

/** What every agent call gets besides its request. */
export interface AgentContext {
  /**
   * Aborted when the caller cancels, the caller's deadline passes, or the server is shutting down past
   * its grace period. Propeller's deadline is 10 s per call by default with `connector-service` and 3 s
   * with the deprecated `agent-service` (Flyte ≥ 1.15.1). Pass it to `fetch` and child processes.
   */
  signal: AbortSignal;
  /** Milliseconds left before the caller's deadline, or undefined when it set none. */
  timeoutMs(): number | undefined;
  /** A child logger tagged with the task type and the operation. */
  logger: Logger;
  /** The category the call was routed by. */
  taskCategory: Required<TaskCategory>;
  /**
   * The protocol of the call: `"flyteidl"` (Flyte 1's Propeller) or `"flyteidl2"` (Flyte 2's executor). The
   * inputs, resource metadata and answers are the same either way; only Flyte 2 sends a `connection`.
   */
  protocol: "flyteidl" | "flyteidl2";
  /**
   * Flyte 2's `connection` (CreateTask, GetTask and DeleteTask carry it): the secrets and configs the
   * executor resolved for the task, sent inline. Undefined on Flyte 1 calls.
   */
  connection?: { taskType: string; secrets: Record<string, string>; configs: Record<string, string> };
}

/**
 * What `create` (async) and `execute` (sync) get: the task's inputs as plain values of the task's
 * declared types, and the template. Agent configuration normally travels in `template.custom`, which
 * flytekit fills from a task's `get_custom()`; `custom` is that struct as JSON (a `google.protobuf.Struct`,
 * whose numbers are doubles on the wire).
 *
 * ```ts
 * async create(ctx: TaskContext<typeof reportTask>) {
 *   return { runId: await reports.submit(ctx.inputs.query, { signal: ctx.signal }) };
 * }
 * ```
 */
export interface TaskContext<Task extends AnyTaskDefinition = AnyTaskDefinition> extends AgentContext {
  /** The inputs, checked against the task's declared input types and converted to them. */
  inputs: InputsOf<Task>;
  /** The inputs as they arrived, for agents that forward literals untouched. */
  rawInputs: LiteralMap;
  template: TaskTemplate;
  /** `template.custom`, or `{}` when the template has none. */
  custom: JsonObject;
  /** Where Propeller expects `outputs.pb` when a job writes its outputs itself. */
  outputPrefix: string;
  /** Execution identity, namespace, labels, annotations, environment (sent on both the async and sync paths). */
  taskExecutionMetadata: TaskExecutionMetadata | undefined;
}

/** What `get` gets. GetTask carries no template: everything else comes from the resource metadata. */
export interface GetContext extends AgentContext {
  /** The node attempt's output prefix, sent by Propeller ≥ 1.15.1 (empty before). */
  outputPrefix: string;
}

/** What `delete` gets. */
export type DeleteContext = AgentContext;

/** What `getLogs` gets: the lines and page token the caller asked for. */
export interface LogsContext extends AgentContext {
  /** How many lines the caller wants (0: as many as there are). */
  lines: number;
  /** The page token of a previous answer, or "". */
  token: string;
}

/** What `getMetrics` gets: the queries and time range the caller asked for. */
export interface MetricsContext extends AgentContext {
  /** Metric names such as `EXECUTION_METRIC_USED_CPU_AVG`. */
  queries: string[];
  start?: Date;
  end?: Date;
  /** The query resolution. */
  stepMs?: number;
}

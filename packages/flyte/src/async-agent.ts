import type { StandardSchemaV1 } from "@agentwire/core";
import type { JsonObject } from "@agentwire/core";
import type { DeleteContext, GetContext, LogsContext, MetricsContext, TaskContext } from "./agent-context.js";
import { AgentBase } from "./agent-base.js";
import { jsonResourceMetaCodec, type ResourceMetaCodec } from "./resource-meta.js";
import type { AnyTaskDefinition, OutputsOf } from "./task-definition.js";
import type { PendingTaskResource, ResultDetails, TaskResource } from "./task-resource.js";

/** One line of a task's log, for `getLogs`. */
export interface TaskLogLine {
  message: string;
  timestamp?: Date;
  originator?: "unknown" | "user" | "system";
}

/** One metric series for `getMetrics`, in the Prometheus range-query result format Flyte expects. */
export interface TaskMetricResult {
  metric: string;
  data: Record<string, unknown>;
}

/**
 * The base of an asynchronous Flyte agent: Propeller calls `create` once, then `get` every 30 s until the
 * phase is terminal, and `delete` when the execution is aborted. `create` returns the metadata that finds
 * the job again (`Meta`); the SDK encodes it into `resource_meta` (UTF-8 JSON by default, like flytekit,
 * with every number kept exact) and decodes and validates it for `get` and `delete`, so any replica, or a
 * restarted server, can answer.
 *
 * ```ts
 * import { AsyncAgent, defineTask, types, type TaskContext } from "@agentwire/flyte";
 *
 * declare const warehouse: {
 *   submit(sql: string, signal: AbortSignal): Promise<string>;
 *   status(id: string): Promise<{ done: boolean; rows: number }>;
 *   cancel(id: string): Promise<void>;
 * };
 *
 * export const queryTask = defineTask({
 *   taskType: "warehouse_query",
 *   inputs: { sql: types.string() },
 *   outputs: { rows: types.integer() },
 * });
 *
 * export class QueryAgent extends AsyncAgent<typeof queryTask, { queryId: string }> {
 *   readonly name = "Warehouse Query Agent";
 *   readonly task = queryTask;
 *
 *   async create(ctx: TaskContext<typeof queryTask>) {
 *     return { queryId: await warehouse.submit(ctx.inputs.sql, ctx.signal) };
 *   }
 *   async get(meta: { queryId: string }) {
 *     const q = await warehouse.status(meta.queryId);
 *     return q.done ? this.succeeded({ rows: q.rows }) : this.running();
 *   }
 *   async delete(meta: { queryId: string }) {
 *     await warehouse.cancel(meta.queryId); // must be idempotent: Propeller retries aborts
 *   }
 * }
 * ```
 */
export abstract class AsyncAgent<Task extends AnyTaskDefinition = AnyTaskDefinition, Meta = JsonObject> extends AgentBase<Task> {
  /** Validates the decoded metadata for get/delete (a zod/valibot/arktype schema). Default: any JSON object. */
  readonly metaSchema?: StandardSchemaV1<unknown, Meta>;
  /** How `Meta` becomes `resource_meta` bytes. Default: UTF-8 JSON, numbers kept exact (`jsonResourceMetaCodec`). */
  readonly metaCodec: ResourceMetaCodec<Meta> = jsonResourceMetaCodec;

  /** Starts the job and returns what finds it again. Keep it fast: it runs inside Propeller's round. */
  abstract create(ctx: TaskContext<Task>): Promise<Meta>;
  /**
   * Reports the job's state: `this.queued()`, `this.running()`, `this.succeeded(outputs)`,
   * `this.failed(message)` or `this.aborted()`. Return final log links with the first RUNNING answer.
   */
  abstract get(meta: Meta, ctx: GetContext): Promise<TaskResource<OutputsOf<Task>>>;
  /** Cancels the job. Must be idempotent and succeed for a job that already finished. */
  abstract delete(meta: Meta, ctx: DeleteContext): Promise<void>;
  /** Optional: the job's log lines, streamed (GetTaskLogs). */
  getLogs?(meta: Meta, ctx: LogsContext): AsyncIterable<TaskLogLine | string>;
  /** Optional: metrics for the job (GetTaskMetrics). */
  getMetrics?(meta: Meta, ctx: MetricsContext): Promise<TaskMetricResult[]>;

  /** QUEUED: accepted, waiting for its turn. */
  protected queued(details: ResultDetails = {}): PendingTaskResource {
    return { ...details, phase: "QUEUED" };
  }

  /** WAITING_FOR_RESOURCES: waiting for capacity (quota, a cluster, a GPU). */
  protected waitingForResources(details: ResultDetails = {}): PendingTaskResource {
    return { ...details, phase: "WAITING_FOR_RESOURCES" };
  }

  /** INITIALIZING: starting up (pulling an image, provisioning). */
  protected initializing(details: ResultDetails = {}): PendingTaskResource {
    return { ...details, phase: "INITIALIZING" };
  }

  /** RUNNING. Propeller drops the message of a RUNNING answer; log links are shown. */
  protected running(details: ResultDetails = {}): PendingTaskResource {
    return { ...details, phase: "RUNNING" };
  }
}

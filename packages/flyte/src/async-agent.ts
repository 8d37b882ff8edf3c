import type { StandardSchemaV1 } from "@agentwire/core";
import type { AgentContext, DeleteContext, GetContext, TaskContext } from "./agent-context.js";
import type { LiteralType } from "./gen/flyteidl/core/types_pb.js";
import { jsonResourceMetaCodec, type ResourceMetaCodec } from "./resource-meta.js";
import type { TaskCategory } from "./task-category.js";
import type { TaskResource } from "./task-resource.js";

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

export interface MetricsQuery {
  queries: string[];
  start?: Date;
  end?: Date;
  stepMs?: number;
}

/**
 * The base of an asynchronous Flyte agent: Propeller calls `create` once, then `get` every 30 s until the
 * phase is terminal, and `delete` when the execution is aborted. `create` returns the metadata that finds
 * the job again (`Meta`); the SDK encodes it into `resource_meta` (UTF-8 JSON by default, like flytekit)
 * and decodes and validates it for `get` and `delete`, so any replica, or a restarted server, can answer.
 *
 * ```ts
 * class QueryAgent extends AsyncAgent<{ queryId: string }> {
 *   readonly name = "Warehouse Query Agent";
 *   readonly taskCategory = { name: "warehouse_query", version: 0 };
 *   override readonly inputTypes = { sql: types.string() };
 *   override readonly outputTypes = { rows: types.integer() };
 *
 *   async create(ctx: TaskContext<{ sql: string }>) {
 *     const { id } = await warehouse.submit(ctx.inputs.sql, { signal: ctx.signal });
 *     return { queryId: id };
 *   }
 *   async get(meta: { queryId: string }) {
 *     const q = await warehouse.status(meta.queryId);
 *     return q.done ? { phase: "SUCCEEDED", outputs: { rows: q.rows } } : { phase: "RUNNING" };
 *   }
 *   async delete(meta: { queryId: string }) {
 *     await warehouse.cancel(meta.queryId); // must be idempotent: Propeller retries aborts
 *   }
 * }
 * ```
 */
export abstract class AsyncAgent<
  Meta = Record<string, unknown>,
  Inputs extends Record<string, unknown> = Record<string, unknown>,
> {
  /** The agent's name in `ListAgents`, e.g. "Batch Job Agent". Several categories may share one name. */
  abstract readonly name: string;
  /** The task type (and version) this agent serves: the template's `type` and `task_type_version`. */
  abstract readonly taskCategory: TaskCategory;
  /**
   * Inputs the agent needs, by name. The SDK checks each is present with this type before `create` runs
   * and refuses the call with INVALID_ARGUMENT naming the input otherwise. Default: no check.
   */
  readonly inputTypes?: Record<string, LiteralType>;
  /**
   * Types of the outputs `get` returns. GetTask carries no template, so without them output types are
   * inferred from the values (an integral number becomes an integer).
   */
  readonly outputTypes?: Record<string, LiteralType>;
  /**
   * Inputs Propeller offloaded to blob storage (above its inline size threshold) arrive as
   * `{ offloaded: { uri, sizeBytes, inferredType } }` markers for the agent to fetch, instead of being
   * refused with UNIMPLEMENTED. Default: false.
   */
  readonly acceptOffloadedInputs?: boolean;
  /** Validates the decoded metadata for get/delete (a zod/valibot/arktype schema). Default: any object. */
  readonly metaSchema?: StandardSchemaV1<unknown, Meta>;
  /** How `Meta` becomes `resource_meta` bytes. Default: UTF-8 JSON. */
  readonly metaCodec: ResourceMetaCodec<Meta> = jsonResourceMetaCodec;

  /** Starts the job and returns what finds it again. Keep it fast: it runs inside Propeller's round. */
  abstract create(ctx: TaskContext<Inputs>): Promise<Meta>;
  /** Reports the job's state. Return final log links with the first RUNNING answer. */
  abstract get(meta: Meta, ctx: GetContext): Promise<TaskResource>;
  /** Cancels the job. Must be idempotent and succeed for a job that already finished. */
  abstract delete(meta: Meta, ctx: DeleteContext): Promise<void>;
  /** Optional: the job's log lines, streamed (GetTaskLogs). */
  getLogs?(meta: Meta, ctx: AgentContext & { lines: number; token: string }): AsyncIterable<TaskLogLine | string>;
  /** Optional: metrics for the job (GetTaskMetrics). */
  getMetrics?(meta: Meta, query: MetricsQuery, ctx: AgentContext): Promise<TaskMetricResult[]>;
}

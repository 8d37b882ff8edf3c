import type { JsonObject } from "@bufbuild/protobuf";
import type { Logger } from "@agentwire/core";
import type { TaskExecutionMetadata } from "./gen/flyteidl/admin/agent_pb.js";
import type { LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import type { TaskCategory } from "./task-category.js";

/** What every agent call gets besides its request. */
export interface AgentContext {
  /**
   * Aborted when the caller cancels, the deadline passes (Propeller's default is 10 s per call) or the
   * server is shutting down past its grace period. Pass it to `fetch` and child processes.
   */
  signal: AbortSignal;
  /** Milliseconds left before the caller's deadline, or undefined when it set none. */
  timeoutMs(): number | undefined;
  /** A child logger tagged with the task type and the operation. */
  logger: Logger;
  /** The category the call was routed by. */
  taskCategory: Required<TaskCategory>;
}

/**
 * What `create` (async) and `execute` (sync) get: the task's inputs as plain values, converted with the
 * template's interface, and the template itself. Agent configuration normally travels in
 * `template.custom`, which flytekit fills from a task's `get_custom()`; `custom` is that struct as JSON.
 */
export interface TaskContext<Inputs extends Record<string, unknown> = Record<string, unknown>> extends AgentContext {
  inputs: Inputs;
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

export type DeleteContext = AgentContext;

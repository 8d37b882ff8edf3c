import type { TaskContext } from "./agent-context.js";
import type { LiteralType } from "./gen/flyteidl/core/types_pb.js";
import type { TaskCategory } from "./task-category.js";
import type { TaskResource } from "./task-resource.js";

/**
 * The base of a synchronous Flyte agent: Propeller opens `ExecuteTaskSync`, sends the template then the
 * inputs, and reads exactly one reply. `execute` returns the outputs; the SDK answers one header with a
 * SUCCEEDED resource carrying them. To report a failure the task's user should see (not a crash), throw a
 * `TaskFailure`: it becomes a FAILED (or RETRYABLE_FAILED) resource with an agent error code.
 *
 * ```ts
 * class EchoAgent extends SyncAgent<{ text: string }> {
 *   readonly name = "Echo Agent";
 *   readonly taskCategory = { name: "echo" };
 *   override readonly inputTypes = { text: types.string() };
 *   override readonly outputTypes = { text: types.string() };
 *   async execute(ctx: TaskContext<{ text: string }>) {
 *     return { text: ctx.inputs.text };
 *   }
 * }
 * ```
 */
export abstract class SyncAgent<Inputs extends Record<string, unknown> = Record<string, unknown>> {
  abstract readonly name: string;
  abstract readonly taskCategory: TaskCategory;
  /** Inputs the agent needs; checked before `execute` like AsyncAgent's. */
  readonly inputTypes?: Record<string, LiteralType>;
  /** Output types; when absent the template's interface outputs are used, then inference. */
  readonly outputTypes?: Record<string, LiteralType>;
  /**
   * Inputs Propeller offloaded to blob storage (above its inline size threshold) arrive as
   * `{ offloaded: { uri, sizeBytes, inferredType } }` markers for the agent to fetch, instead of being
   * refused with UNIMPLEMENTED. Default: false.
   */
  readonly acceptOffloadedInputs?: boolean;

  /**
   * Runs the task to the end. Returns its outputs, or a whole `TaskResource` with a terminal phase when
   * it needs to set log links or custom info. A non-terminal phase is refused: Propeller would then poll
   * GetTask with no resource metadata and fail the task.
   */
  abstract execute(ctx: TaskContext<Inputs>): Promise<Record<string, unknown> | TaskResource>;
}

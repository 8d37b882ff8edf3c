import type { TaskContext } from "./agent-context.js";
import { AgentBase } from "./agent-base.js";
import type { AnyTaskDefinition, OutputsOf } from "./task-definition.js";
import type { TerminalTaskResource } from "./task-resource.js";

/**
 * The base of a synchronous Flyte agent: Propeller opens `ExecuteTaskSync`, sends the template then the
 * inputs, and reads exactly one reply. `execute` returns `this.succeeded(outputs)` (or `this.failed(…)`,
 * `this.aborted()`); the SDK answers one header with that resource. Throwing a `TaskFailure` is the same as
 * returning `this.failed(…)`; any other exception is a gRPC INTERNAL error.
 *
 * ```ts
 * import { SyncAgent, defineTask, types, type TaskContext } from "@agentwire/flyte";
 *
 * export const echoTask = defineTask({ taskType: "echo", inputs: { text: types.string() }, outputs: { text: types.string() } });
 *
 * export class EchoAgent extends SyncAgent<typeof echoTask> {
 *   readonly name = "Echo Agent";
 *   readonly task = echoTask;
 *   async execute(ctx: TaskContext<typeof echoTask>) {
 *     return this.succeeded({ text: ctx.inputs.text });
 *   }
 * }
 * ```
 */
export abstract class SyncAgent<Task extends AnyTaskDefinition = AnyTaskDefinition> extends AgentBase<Task> {
  /**
   * Runs the task to the end and returns a terminal result. A non-terminal phase is refused: Propeller
   * would then poll GetTask with no resource metadata and fail the task.
   */
  abstract execute(ctx: TaskContext<Task>): Promise<TerminalTaskResource<OutputsOf<Task>>>;
}

import { AgentwireError } from "@agentwire/core";
import type { VariableMap } from "./gen/flyteidl/core/interface_pb.js";
import { asVariableMap, type DecodedValues, type EncodableValues, type FlyteTypes } from "./literals/index.js";

/**
 * A task type as Flyte sees it: the template's `type` and `task_type_version`, which Propeller routes by,
 * and the interface its tasks declare. It is the one place the types are written: the agent serving it,
 * the SDK's checks and conversions, and the test driver all take them from here.
 */
export interface TaskDefinition<Inputs extends FlyteTypes | undefined = FlyteTypes | undefined, Outputs extends FlyteTypes | undefined = FlyteTypes | undefined> {
  /** The template's `type`, e.g. `"report"`. */
  readonly taskType: string;
  /** The template's `task_type_version`. */
  readonly version: number;
  /**
   * Inputs the agent needs. The SDK checks that each one is present and fits its type before `create` or
   * `execute` runs, and hands them over as these types. `undefined`: no check, decoded with the template.
   */
  readonly inputs: Inputs;
  /**
   * Outputs the agent returns, encoded as these types. `undefined`: the template's outputs (sync agents),
   * else each value's type inferred from the value.
   */
  readonly outputs: Outputs;
}

/** Any task definition: what servers, drivers and untyped agents take. */
export type AnyTaskDefinition = TaskDefinition<FlyteTypes | undefined, FlyteTypes | undefined>;

/** What an agent's `create`/`execute` reads in `ctx.inputs`: `{ query: string }` for `inputs: { query: types.string() }`. */
export type InputsOf<Task extends AnyTaskDefinition> = Task["inputs"] extends FlyteTypes ? DecodedValues<Task["inputs"]> : Record<string, unknown>;

/** What an agent returns as outputs (and `this.succeeded` takes): `{ rows: number | bigint }` for `outputs: { rows: types.integer() }`. */
export type OutputsOf<Task extends AnyTaskDefinition> = Task["outputs"] extends FlyteTypes ? EncodableValues<Task["outputs"]> : Record<string, unknown>;

/** What a caller passes as inputs (the test driver's `run`): the values the input types accept. */
export type InputValuesOf<Task extends AnyTaskDefinition> = Task["inputs"] extends FlyteTypes ? EncodableValues<Task["inputs"]> : Record<string, unknown>;

/** What a caller reads back as outputs (the test driver's `run.outputs`): the values the output types decode to. */
export type OutputValuesOf<Task extends AnyTaskDefinition> = Task["outputs"] extends FlyteTypes ? DecodedValues<Task["outputs"]> : Record<string, unknown>;

/** What {@link defineTask} takes. */
export interface TaskDefinitionInit<Inputs extends FlyteTypes | undefined, Outputs extends FlyteTypes | undefined> {
  /** The template's `type`: the name Propeller routes by. */
  taskType: string;
  /** The template's `task_type_version`. Default: 0 (Propeller 1.x keeps one version per name; see docs). */
  version?: number;
  /** The inputs by name, as `types.*`. Default: not declared (no check; types from the template). */
  inputs?: Inputs;
  /** The outputs by name, as `types.*`. Default: not declared (template's types, else inferred). */
  outputs?: Outputs;
}

/**
 * Declares a task type and its interface once. An agent serves it (`readonly task = reportTask` on an
 * `AsyncAgent<typeof reportTask>`), which types its inputs and outputs; a test runs it
 * (`driver.run(reportTask, { query: "…" })`) with the same types.
 *
 * ```ts
 * export const reportTask = defineTask({
 *   taskType: "report",
 *   inputs: { query: types.string() },
 *   outputs: { rows: types.integer(), url: types.string() },
 * });
 * ```
 */
export function defineTask<Inputs extends FlyteTypes | undefined = undefined, Outputs extends FlyteTypes | undefined = undefined>(
  init: TaskDefinitionInit<Inputs, Outputs>,
): TaskDefinition<Inputs, Outputs> {
  const task = { taskType: init.taskType, version: init.version ?? 0, inputs: init.inputs as Inputs, outputs: init.outputs as Outputs };
  checkTaskDefinition(task, "defineTask");
  return Object.freeze(task);
}

/** Refuses what Propeller could not route: an empty task type, a version that is not an int32 ≥ 0. */
export function checkTaskDefinition(task: unknown, label: string): asserts task is AnyTaskDefinition {
  const t = task as Partial<Record<keyof AnyTaskDefinition, unknown>> | undefined;
  if (typeof t !== "object" || t === null || typeof t.taskType !== "string" || t.taskType === "") {
    throw new AgentwireError(
      "invalid_argument",
      `${label} has no task type: declare it with defineTask({ taskType: "my_task", inputs: {…}, outputs: {…} })`,
    );
  }
  const version = t.version ?? 0;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0 || version > 2 ** 31 - 1) {
    throw new AgentwireError("invalid_argument", `${label}: task type ${t.taskType} has version ${JSON.stringify(version)}; it must be an int32 ≥ 0`);
  }
  for (const side of ["inputs", "outputs"] as const) {
    const types = t[side];
    if (types !== undefined && (typeof types !== "object" || types === null || Array.isArray(types))) {
      throw new AgentwireError("invalid_argument", `${label}: task type ${t.taskType} has ${side} ${JSON.stringify(types)}; declare them as { name: types.string(), … }`);
    }
  }
}

/** The task's inputs and outputs as `VariableMap`s (built once per task). */
export function taskVariables(task: AnyTaskDefinition): { inputs: VariableMap | undefined; outputs: VariableMap | undefined } {
  return { inputs: asVariableMap(task.inputs), outputs: asVariableMap(task.outputs) };
}

import { create, type JsonObject } from "@bufbuild/protobuf";
import type { AnyAgent } from "../agent-registry.js";
import { IdentifierSchema, ResourceType } from "../gen/flyteidl/core/identifier_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "../gen/flyteidl/core/tasks_pb.js";
import { TypedInterfaceSchema } from "../gen/flyteidl/core/interface_pb.js";
import { asVariableMap } from "../literals/index.js";
import type { AnyTaskDefinition } from "../task-definition.js";

/** What a workflow adds to a task type when it declares a task: the template's `custom` struct. */
export interface TaskTemplateOptions {
  /** The template's `custom` struct (agent configuration, e.g. `{ url, method }`). Default: unset. */
  custom?: JsonObject;
}

/** The task definition of a task or of the agent serving it. */
export function taskOf<Task extends AnyTaskDefinition>(target: Task | { readonly task: Task }): Task {
  return "taskType" in target ? target : target.task;
}

/**
 * The TaskTemplate Propeller would send for `task` (or the task an agent serves): its type and version,
 * its declared interface, and `custom`. A side the task leaves undeclared stays unset, so the agent sees no
 * interface there (as with a template built by hand) and types are inferred from the literals.
 */
export function taskTemplate(target: AnyTaskDefinition | AnyAgent, options: TaskTemplateOptions = {}): TaskTemplate {
  const task = taskOf(target as AnyTaskDefinition);
  const inputs = asVariableMap(task.inputs);
  const outputs = asVariableMap(task.outputs);
  return create(TaskTemplateSchema, {
    id: create(IdentifierSchema, {
      resourceType: ResourceType.TASK,
      project: "flytesnacks",
      domain: "development",
      name: `agentwire.test.${task.taskType}`,
      version: "v1",
    }),
    type: task.taskType,
    taskTypeVersion: task.version,
    interface: create(TypedInterfaceSchema, {
      ...(inputs ? { inputs } : {}),
      ...(outputs ? { outputs } : {}),
    }),
    ...(options.custom === undefined ? {} : { custom: options.custom }),
  });
}

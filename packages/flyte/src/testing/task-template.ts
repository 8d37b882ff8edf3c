import { create, type JsonObject } from "@bufbuild/protobuf";
import { IdentifierSchema, ResourceType } from "../gen/flyteidl/core/identifier_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "../gen/flyteidl/core/tasks_pb.js";
import type { LiteralType } from "../gen/flyteidl/core/types_pb.js";
import { TypedInterfaceSchema } from "../gen/flyteidl/core/interface_pb.js";
import { variables } from "../literals/index.js";

/** A task as a workflow declares it: what the driver turns into the TaskTemplate Propeller would send. */
export interface TaskSpec {
  /** The task type, routed to the agent serving it. */
  type: string;
  /** Default: 0. */
  version?: number;
  /** The interface's inputs by name. Default: none declared (types inferred from the values). */
  inputs?: Record<string, LiteralType>;
  /** The interface's outputs by name; the driver decodes outputs with them. */
  outputs?: Record<string, LiteralType>;
  /** The template's `custom` struct (agent configuration). */
  custom?: JsonObject;
  /** Task name in the template's id. Default: `agentwire.test.<type>`. */
  name?: string;
}

/** Builds the TaskTemplate Propeller would send for `spec`. */
export function taskTemplate(spec: TaskSpec): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: create(IdentifierSchema, {
      resourceType: ResourceType.TASK,
      project: "flytesnacks",
      domain: "development",
      name: spec.name ?? `agentwire.test.${spec.type}`,
      version: "v1",
    }),
    type: spec.type,
    taskTypeVersion: spec.version ?? 0,
    // A side the spec leaves out stays unset, so the agent sees no interface there (as with a template
    // built by hand) and types are inferred from the literals.
    interface: create(TypedInterfaceSchema, {
      ...(spec.inputs ? { inputs: variables(spec.inputs) } : {}),
      ...(spec.outputs ? { outputs: variables(spec.outputs) } : {}),
    }),
    ...(spec.custom === undefined ? {} : { custom: spec.custom }),
  });
}

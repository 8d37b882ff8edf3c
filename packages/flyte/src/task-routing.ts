import { AgentwireError } from "@agentwire/core";
import type { AgentRegistry, RegisteredAgent } from "./agent-registry.js";
import { AsyncAgent } from "./async-agent.js";
import type { TaskCategory as TaskCategoryProto } from "./gen/flyteidl/admin/agent_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import { decodeResourceMeta } from "./resource-meta.js";
import type { AnyTaskDefinition } from "./task-definition.js";

function invalid(message: string): AgentwireError {
  return new AgentwireError("invalid_argument", message);
}

/** The category a CreateTask or ExecuteTaskSync routes by: the template's `type` and `task_type_version`. */
export function templateCategory(template: TaskTemplate | undefined, rpc: string): { template: TaskTemplate; name: string; version: number } {
  if (template === undefined) throw invalid(`${rpc}: template is required; send the task's TaskTemplate`);
  if (template.type === "") throw invalid(`${rpc}: template.type is empty; it names the task type to route to`);
  return { template, name: template.type, version: template.taskTypeVersion };
}

/**
 * The category a GetTask/DeleteTask/logs/metrics call names: `task_category` when set, else the deprecated
 * `task_type` at version 0, as flytekit routes.
 */
export function requestCategory(req: { taskCategory?: TaskCategoryProto; taskType: string }, rpc: string): { name: string; version: number } {
  if (req.taskCategory !== undefined && req.taskCategory.name !== "") {
    return { name: req.taskCategory.name, version: req.taskCategory.version };
  }
  if (req.taskType !== "") return { name: req.taskType, version: 0 };
  throw invalid(`${rpc}: task_category.name is empty (and so is the deprecated task_type); set the task type the task was created with`);
}

/** The task type a request names, for metrics and logs (before it is validated). */
export function requestTaskType(req: { taskCategory?: TaskCategoryProto; taskType: string }): string {
  return req.taskCategory?.name || req.taskType;
}

/** The async agent of a registration; INVALID_ARGUMENT when a sync agent serves the category. */
export function requireAsync(r: RegisteredAgent): AsyncAgent<AnyTaskDefinition, unknown> {
  if (r.agent instanceof AsyncAgent) return r.agent as AsyncAgent<AnyTaskDefinition, unknown>;
  throw invalid(`task type ${r.category.name} is served by a sync agent (${r.name}); call ExecuteTaskSync, not the async API`);
}

/** A task CreateTask launched, found again from what GetTask, DeleteTask, logs and metrics send. */
export interface LaunchedTask {
  r: RegisteredAgent;
  agent: AsyncAgent<AnyTaskDefinition, unknown>;
  meta: unknown;
}

/**
 * What GetTask, DeleteTask, GetTaskMetrics and GetTaskLogs all start with: the category the request
 * names, its async agent, and the decoded, validated resource metadata.
 */
export async function resolveLaunchedTask(
  registry: AgentRegistry,
  req: { taskCategory?: TaskCategoryProto; taskType: string; resourceMeta: Uint8Array },
  rpc: string,
): Promise<LaunchedTask> {
  const category = requestCategory(req, rpc);
  const r = registry.find(category.name, category.version);
  const agent = requireAsync(r);
  const meta = await decodeResourceMeta(agent.metaCodec, agent.metaSchema, req.resourceMeta, r.agent.constructor.name);
  return { r, agent, meta };
}

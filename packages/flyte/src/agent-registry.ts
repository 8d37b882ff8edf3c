import { create } from "@bufbuild/protobuf";
import { AgentwireError } from "@agentwire/core";
import { AgentSchema, TaskCategorySchema, type Agent as AgentProto } from "./gen/flyteidl/admin/agent_pb.js";
import { AsyncAgent } from "./async-agent.js";
import type { VariableMap } from "./gen/flyteidl/core/interface_pb.js";
import { SyncAgent } from "./sync-agent.js";
import { categoryKey } from "./task-category.js";
import { checkTaskDefinition, taskVariables } from "./task-definition.js";

/** Any agent the server can host: what `serve({ agents })` and the test driver take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAgent = AsyncAgent<any, any> | SyncAgent<any>;

export interface RegisteredAgent {
  agent: AnyAgent;
  name: string;
  category: { name: string; version: number };
  isSync: boolean;
  /** The task's declared inputs as a VariableMap, built once rather than on every call. */
  inputVariables: VariableMap | undefined;
  /** The task's declared outputs as a VariableMap, built once. */
  outputVariables: VariableMap | undefined;
}

/**
 * The agents one server hosts, keyed by task category. Refuses at start what would break routing later:
 * two agents for one category, an empty task type, one name shared by sync and async agents (ListAgents
 * has a single `is_sync` per name).
 */
export class AgentRegistry {
  private readonly byKey = new Map<string, RegisteredAgent>();

  constructor(agents: readonly AnyAgent[]) {
    if (agents.length === 0) {
      throw new AgentwireError("invalid_argument", "no agents to serve: pass at least one AsyncAgent or SyncAgent in `agents`");
    }
    for (const agent of agents) this.add(agent);
  }

  private add(agent: AnyAgent): void {
    const isSync = agent instanceof SyncAgent;
    if (!isSync && !(agent instanceof AsyncAgent)) {
      throw new AgentwireError("invalid_argument", `${String(agent)} is not an agent: extend AsyncAgent or SyncAgent`);
    }
    const label = agent.constructor.name;
    if (typeof agent.name !== "string" || agent.name === "") {
      throw new AgentwireError("invalid_argument", `${label} has no name: set \`readonly name = "My Agent"\``);
    }
    if ((agent as { task?: unknown }).task === undefined) {
      throw new AgentwireError(
        "invalid_argument",
        `${label} has no task: set \`readonly task = defineTask({ taskType: "my_task", inputs: {…}, outputs: {…} })\`` +
          ("taskCategory" in agent ? " (taskCategory, inputTypes and outputTypes are declared there now)" : ""),
      );
    }
    checkTaskDefinition(agent.task, label);
    const { taskType, version } = agent.task;
    const category = { name: taskType, version };
    const key = categoryKey(category);
    const existing = this.byKey.get(key);
    if (existing) {
      throw new AgentwireError(
        "already_exists",
        `${label} and ${existing.agent.constructor.name} both serve task type ${category.name} version ${version}; one category, one agent`,
      );
    }
    for (const other of this.byKey.values()) {
      if (other.name === agent.name && other.isSync !== isSync) {
        throw new AgentwireError(
          "invalid_argument",
          `agents named "${agent.name}" mix sync and async; ListAgents has one is_sync per name, so give them different names`,
        );
      }
    }
    const declared = taskVariables(agent.task);
    this.byKey.set(key, { agent, name: agent.name, category, isSync, inputVariables: declared.inputs, outputVariables: declared.outputs });
  }

  /** All categories, as `batch_job (v0)`, for error messages. */
  describeKnown(): string {
    return [...this.byKey.values()].map((r) => `${r.category.name} (v${r.category.version})`).join(", ");
  }

  /** The agent for a category; NOT_FOUND naming it and the known ones otherwise. */
  find(name: string, version: number): RegisteredAgent {
    const found = this.byKey.get(categoryKey({ name, version }));
    if (found) return found;
    throw new AgentwireError(
      "not_found",
      `no agent for task type "${name}" version ${version}; this server has: ${this.describeKnown()}`,
    );
  }

  all(): RegisteredAgent[] {
    return [...this.byKey.values()];
  }

  /**
   * `ListAgents` entries, one per agent name, with both the categories and the deprecated plain task
   * types filled (flytekit does the same; Propellers before 1.11 read only the latter).
   */
  metadata(): AgentProto[] {
    const byName = new Map<string, AgentProto>();
    for (const r of this.byKey.values()) {
      let entry = byName.get(r.name);
      if (!entry) {
        entry = create(AgentSchema, { name: r.name, isSync: r.isSync });
        byName.set(r.name, entry);
      }
      if (!entry.supportedTaskTypes.includes(r.category.name)) entry.supportedTaskTypes.push(r.category.name);
      entry.supportedTaskCategories.push(create(TaskCategorySchema, r.category));
    }
    return [...byName.values()];
  }

  metadataFor(name: string): AgentProto {
    const found = this.metadata().find((a) => a.name === name);
    if (found) return found;
    throw new AgentwireError(
      "not_found",
      `no agent named "${name}"; this server has: ${this.metadata().map((a) => `"${a.name}"`).join(", ")}`,
    );
  }
}

import { create } from "@bufbuild/protobuf";
import { AgentwireError } from "@agentwire/core";
import { AgentSchema, type Agent as AgentProto } from "./gen/flyteidl/admin/agent_pb.js";
import { AsyncAgent } from "./async-agent.js";
import type { VariableMap } from "./gen/flyteidl/core/interface_pb.js";
import { variables } from "./literals/index.js";
import { SyncAgent } from "./sync-agent.js";
import { categoryKey } from "./task-category.js";

/** Any agent the server can host. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Agent = AsyncAgent<any, any> | SyncAgent<any>;

export interface RegisteredAgent {
  agent: Agent;
  name: string;
  category: { name: string; version: number };
  isSync: boolean;
  /** `agent.inputTypes` as a VariableMap, built once rather than on every call. */
  inputVariables: VariableMap | undefined;
  /** `agent.outputTypes` as a VariableMap, built once. */
  outputVariables: VariableMap | undefined;
}

/**
 * The agents one server hosts, keyed by task category. Refuses at start what would break routing later:
 * two agents for one category, an empty task type, one name shared by sync and async agents (ListAgents
 * has a single `is_sync` per name).
 */
export class AgentRegistry {
  private readonly byKey = new Map<string, RegisteredAgent>();

  constructor(agents: readonly Agent[]) {
    if (agents.length === 0) {
      throw new AgentwireError("invalid_argument", "no agents to serve: pass at least one AsyncAgent or SyncAgent in `agents`");
    }
    for (const agent of agents) this.add(agent);
  }

  private add(agent: Agent): void {
    const isSync = agent instanceof SyncAgent;
    if (!isSync && !(agent instanceof AsyncAgent)) {
      throw new AgentwireError("invalid_argument", `${String(agent)} is not an agent: extend AsyncAgent or SyncAgent`);
    }
    const label = agent.constructor.name;
    if (typeof agent.name !== "string" || agent.name === "") {
      throw new AgentwireError("invalid_argument", `${label} has no name: set \`readonly name = "My Agent"\``);
    }
    const cat = agent.taskCategory as { name?: unknown; version?: unknown } | undefined;
    if (typeof cat?.name !== "string" || cat.name === "") {
      throw new AgentwireError("invalid_argument", `${label} has no task type: set \`readonly taskCategory = { name: "my_task", version: 0 }\``);
    }
    const version = cat.version ?? 0;
    if (typeof version !== "number" || !Number.isInteger(version) || version < 0 || version > 2 ** 31 - 1) {
      throw new AgentwireError("invalid_argument", `${label} has task type version ${JSON.stringify(version)}; it must be an int32 ≥ 0`);
    }
    const category = { name: cat.name, version };
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
    this.byKey.set(key, {
      agent,
      name: agent.name,
      category,
      isSync,
      inputVariables: agent.inputTypes ? variables(agent.inputTypes) : undefined,
      outputVariables: agent.outputTypes ? variables(agent.outputTypes) : undefined,
    });
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
      entry.supportedTaskCategories.push({ $typeName: "flyteidl.admin.TaskCategory", ...r.category });
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

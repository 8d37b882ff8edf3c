import type { JsonObject } from "@agentwire/core";
import type { Credential } from "../wire-format.js";

/** ActiveWorkflow keeps only the newest `AGENT_LOG_LENGTH` (default 200) log entries per agent. */
export const agentLogLength = 200;

/**
 * A line of an agent's log: level 3 for `logs`, 4 for `errors` and for the "Exception during …" line of a
 * failed job. ActiveWorkflow notes the time of every level-4 line (`last_error_log_at`), which its
 * "issues" badge reads.
 */
export interface AgentLogEntry {
  level: 3 | 4;
  message: string;
}

/**
 * One agent as a user creates it in ActiveWorkflow: its options, the memory ActiveWorkflow keeps for it
 * between calls, the owner's credentials (all of them are sent on every call) and its log.
 *
 * ```ts
 * import type { ActiveWorkflowDriver } from "@agentwire/activeworkflow/testing";
 *
 * declare const driver: ActiveWorkflowDriver;
 * const digest = await driver.createInstance({
 *   name: "Morning digest",
 *   options: { max_items: 10, title: "Morning" },
 *   credentials: [{ name: "smtp_password", value: "hunter2" }, { name: "github_token", value: "ghp_x" }],
 * });
 * ```
 */
export interface AgentInstance {
  readonly id: number;
  name: string;
  userId: number;
  options: JsonObject;
  memory: JsonObject;
  credentials: Credential[];
  /**
   * A disabled agent gets no calls: `driver.check`/`receive` and the workflow runner skip it (the outcome
   * says `skipped`), and the runner delivers it no messages, as ActiveWorkflow's jobs do nothing for it.
   */
  disabled: boolean;
  log: AgentLogEntry[];
}

/** What `createInstance` takes; everything is optional. */
export interface AgentInstanceInit {
  /** Default: the next free id. */
  id?: number;
  /** Default: the agent type's display name. */
  name?: string;
  /** Default: 1. */
  userId?: number;
  /** Default: the agent's `default_options` from `register` (what ActiveWorkflow's editor pre-fills). */
  options?: JsonObject;
  /** Default: `{}`. */
  memory?: JsonObject;
  /** Default: none. */
  credentials?: Credential[];
  disabled?: boolean;
}

/**
 * Why a warning was raised: each is a place where the real ActiveWorkflow client (`lib/remote_agents.rb`)
 * would raise, or would store something other than what the agent meant.
 */
export type DriverWarningCode =
  /** The call did not get an answer (connection refused, timeout). */
  | "transport_error"
  /** A status other than 200. ActiveWorkflow ignores the status and applies the body anyway. */
  | "http_status"
  /** The body is not JSON. */
  | "non_json_body"
  /** The body has no `result` (or is not an object). */
  | "missing_result"
  /** `result` is null, an array or a scalar. */
  | "result_not_object"
  /** `errors`, `logs`, `messages` or `memory` is `null` (not the same as absent for ActiveWorkflow). */
  | "field_null"
  /** `errors`, `logs` or `messages` is not an array. */
  | "field_not_array"
  /** A `logs`/`errors` entry is empty, blank or null. */
  | "log_entry_blank"
  /** A `logs`/`errors` entry is not a string; ActiveWorkflow stores Ruby's `to_s` of it. */
  | "log_entry_not_string"
  /** A `logs`/`errors` entry is over 10 000 characters; ActiveWorkflow truncates it. */
  | "log_entry_truncated"
  /** `memory` is an array, number or boolean (or a string that does not parse to an object). */
  | "memory_not_object"
  /** `memory` is a string; ActiveWorkflow parses it as JSON (and `""` as `{}`). */
  | "memory_json_string"
  /** A `messages` entry is not an object. */
  | "message_not_object"
  /** A `messages` entry is a string; ActiveWorkflow parses it as JSON. */
  | "message_json_string"
  /** `register`'s `name` is not a Ruby constant name. */
  | "register_name_invalid"
  /** `register`'s `display_name` is missing or empty. */
  | "register_display_name"
  /** `register`'s `description` is missing or not a string. */
  | "register_description"
  /** `register`'s `default_options` is missing or not an object. */
  | "register_default_options"
  /** Two `register` calls answered differently. */
  | "register_not_idempotent";

/**
 * Something the real ActiveWorkflow would choke on, or quietly change, in an agent's answer: what it
 * is, where, and what ActiveWorkflow would have done. `fatal` warnings are where ActiveWorkflow raises
 * (the job fails and is retried; for `register`, the ActiveWorkflow process fails to boot).
 *
 * ```ts
 * import type { DriverWarning } from "@agentwire/activeworkflow/testing";
 *
 * export const warning: DriverWarning = {
 *   code: "field_null", method: "check", field: "result.logs", fatal: true,
 *   message: "result.logs is null",
 *   aw: "`nil.each` raises NoMethodError in AgentCheckJob after the errors were stored; memory and messages are not applied and the job is retried up to 5 times",
 * };
 * ```
 */
export interface DriverWarning {
  code: DriverWarningCode;
  method: "register" | "check" | "receive";
  /** Where in the body, e.g. `result.logs[2]`. */
  field?: string;
  message: string;
  /** What ActiveWorkflow would have done. */
  aw: string;
  fatal: boolean;
}

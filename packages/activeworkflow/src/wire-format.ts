import type { JsonObject, JsonValue } from "@agentwire/core";

/** The three methods ActiveWorkflow calls. It never sends another. */
export const remoteAgentMethods = ["register", "check", "receive"] as const;
export type RemoteAgentMethod = (typeof remoteAgentMethods)[number];

/**
 * One of the user's credentials. ActiveWorkflow sends **all** of the owning user's credentials on every
 * `check` and `receive` (not only those an agent's options mention), as an array, both strings stripped
 * of surrounding whitespace.
 *
 * ```ts
 * import type { Credential } from "@agentwire/activeworkflow";
 *
 * export const credential: Credential = { name: "smtp_password", value: "hunter2" };
 * ```
 */
export interface Credential {
  name: string;
  value: string;
}

/**
 * The message record `receive` gets: ActiveWorkflow serialises its whole `Message` row, not only the
 * payload. `agent_id` is the agent that emitted it; times are ISO 8601 with milliseconds in
 * ActiveWorkflow's `TIMEZONE`. Keys ActiveWorkflow may add later are kept.
 *
 * ```ts
 * import type { AwMessage } from "@agentwire/activeworkflow";
 *
 * export const message: AwMessage = {
 *   id: 123, user_id: 1, agent_id: 45, payload: { title: "New release", url: "https://example.com/r/1" },
 *   created_at: "2023-04-03T01:31:18.123-07:00", updated_at: "2023-04-03T01:31:18.123-07:00", expires_at: null,
 * };
 * ```
 */
export interface AwMessage<Payload extends JsonObject = JsonObject> {
  id?: number;
  user_id?: number;
  agent_id?: number;
  payload: Payload;
  created_at?: string;
  updated_at?: string;
  expires_at?: string | null;
  [key: string]: JsonValue | undefined;
}

/**
 * What `register` answers inside `result`. ActiveWorkflow reads it once per process boot and builds the
 * agent type from it.
 *
 * ```ts
 * import type { Registration } from "@agentwire/activeworkflow";
 *
 * export const registration: Registration = {
 *   name: "DigestAgent", display_name: "Digest Agent",
 *   description: "Collects messages and emits a daily digest.", default_options: { max_items: 20 },
 * };
 * ```
 */
export interface Registration {
  name: string;
  display_name: string;
  description: string;
  default_options: JsonObject;
}

/**
 * What `check` and `receive` answer inside `result`, in the order ActiveWorkflow applies the fields. The
 * SDK never sends `null` for a field (ActiveWorkflow's client crashes on it): a field is either absent or
 * well-formed. `memory` is present only when the agent changed it, because a present `memory` replaces
 * the stored one.
 *
 * ```ts
 * import type { RemoteAgentResult } from "@agentwire/activeworkflow";
 *
 * export const result: RemoteAgentResult = {
 *   logs: ["fetched 3 items"], memory: { last_id: 42 }, messages: [{ title: "New release" }],
 * };
 * ```
 */
export interface RemoteAgentResult {
  errors?: string[];
  logs?: string[];
  memory?: JsonObject;
  messages?: JsonObject[];
}

/**
 * The body of a refusal (a 4xx or 5xx): `{"error": {"code", "message"}}`, with a code from
 * `@agentwire/core`'s `ErrorCode` table.
 *
 * ```ts
 * import type { ErrorBody } from "@agentwire/activeworkflow";
 *
 * export const body: ErrorBody = { error: { code: "invalid_argument", message: 'unknown method "run"; known methods: register, check, receive' } };
 * ```
 */
export interface ErrorBody {
  error: { code: string; message: string };
}

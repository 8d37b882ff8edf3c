import type { JsonObject } from "../json.js";
import type { AwMessage, Credential } from "../wire-format.js";

/**
 * A time as ActiveWorkflow's JSON has it: ISO 8601 with milliseconds and the zone's offset,
 * e.g. `2023-04-03T01:31:18.123-07:00`.
 */
export function formatAwTime(date: Date, utcOffsetMinutes: number): string {
  const shifted = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return shifted.toISOString().replace("Z", offset);
}

/** The `register` body, byte for byte as ActiveWorkflow sends it. */
export const registerRequest = { method: "register", params: {} } as const;

/** A `check`/`receive` body: `params` keys in ActiveWorkflow's order (options, memory, credentials, message). */
export interface CallRequest {
  method: "check" | "receive";
  params: { options: JsonObject; memory: JsonObject; credentials: Credential[]; message: AwMessage | null };
}

/** What an ActiveWorkflow message row serialises to, as `receive` gets it. */
export function messageRecord(init: {
  id: number;
  userId: number;
  agentId: number;
  payload: JsonObject;
  at: Date;
  utcOffsetMinutes: number;
  expiresAt?: string | null;
}): AwMessage {
  const time = formatAwTime(init.at, init.utcOffsetMinutes);
  return {
    id: init.id,
    user_id: init.userId,
    agent_id: init.agentId,
    payload: init.payload,
    created_at: time,
    updated_at: time,
    expires_at: init.expiresAt ?? null,
  };
}

import { AgentwireError, type JsonObject } from "@agentwire/core";
import type { AwMessage, Credential } from "../wire-format.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter giving the wall-clock fields of an instant in `timeZone`; throws a `RangeError` for an unknown zone. */
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Checks an IANA zone name (`"America/Los_Angeles"`, `"Europe/Berlin"`, `"UTC"`) up front, so a typo is a
 * refusal naming it rather than a `RangeError` at the first `receive`.
 */
export function checkTimeZone(timeZone: string | undefined, option = "timeZone"): void {
  if (timeZone === undefined) return;
  try {
    wallClock(timeZone);
  } catch {
    throw new AgentwireError(
      "invalid_argument",
      `${option} ${JSON.stringify(timeZone)} is not a time zone this Node knows: give an IANA name such as "America/Los_Angeles" (ActiveWorkflow's default "Pacific Time (US & Canada)"), "Europe/Berlin" or "UTC"`,
      { details: { option, timeZone } },
    );
  }
}

/**
 * The offset from UTC, in minutes, of `timeZone` at `date` (daylight saving time included): `-420` for
 * Los Angeles in July, `-480` in January. Without a zone, the process's local zone (`TZ`).
 */
export function utcOffsetMinutes(date: Date, timeZone?: string): number {
  if (timeZone === undefined) return -date.getTimezoneOffset();
  const fields: Record<string, number> = {};
  for (const part of wallClock(timeZone).formatToParts(date)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(fields.year!, fields.month! - 1, fields.day, fields.hour, fields.minute, fields.second);
  const instant = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((wall - instant) / 60_000);
}

/**
 * A time as ActiveWorkflow's JSON has it: ISO 8601 with milliseconds and the offset of its zone at that
 * time, e.g. `2023-04-03T01:31:18.123-07:00`. ActiveWorkflow writes times in its server's zone (its
 * `TIMEZONE` setting); `timeZone` is that zone as an IANA name, and without it the process's local zone.
 */
export function formatAwTime(date: Date, timeZone?: string): string {
  const offsetMinutes = utcOffsetMinutes(date, timeZone);
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
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
  /** IANA zone of ActiveWorkflow's server; default the process's local zone. */
  timeZone?: string | undefined;
  expiresAt?: string | null;
}): AwMessage {
  const time = formatAwTime(init.at, init.timeZone);
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

import { AgentwireError, isJsonObject, parseJson, stringifyJson, type JsonObject } from "@agentwire/core";
import { describeKind } from "./json-values.js";
import { remoteAgentMethods, type AwMessage, type Credential, type RemoteAgentMethod } from "./wire-format.js";

/** A request body, checked: what the handler dispatches on. */
export type ParsedRequest =
  | { method: "register" }
  | { method: "check"; options: JsonObject; memory: JsonObject; credentials: Credential[] }
  | { method: "receive"; options: JsonObject; memory: JsonObject; credentials: Credential[]; message: AwMessage };

const example = '{"method":"check","params":{"options":{},"memory":{},"credentials":[],"message":null}}';
const decoder = new TextDecoder("utf-8", { fatal: true });

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new AgentwireError("invalid_argument", message, { details });
}

/** `params.<field>` as an object; absent means `{}` (ActiveWorkflow always sends it; hand-written clients may not). */
function objectParam(params: JsonObject, field: "options" | "memory"): JsonObject {
  const value = params[field];
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    refuse(`params.${field} must be a JSON object (send {} for none); got ${describeKind(value)}`, { field: `params.${field}` });
  }
  return value;
}

function credentialsParam(params: JsonObject): Credential[] {
  const value = params.credentials;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    refuse(
      `params.credentials must be an array of {"name": string, "value": string} (ActiveWorkflow sends an array, whatever old docs show); got ${describeKind(value)}`,
      { field: "params.credentials" },
    );
  }
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (!isJsonObject(entry) || typeof entry.name !== "string" || typeof entry.value !== "string") {
      const field = `params.credentials[${i}]`;
      if (!isJsonObject(entry)) refuse(`${field} must be an object {"name": string, "value": string}; got ${describeKind(entry)}`, { field });
      if (typeof entry.name !== "string") refuse(`${field}.name must be a string; got ${describeKind(entry.name)}`, { field: `${field}.name` });
      // The value is never echoed: only its type.
      refuse(`${field}.value must be a string; got ${describeKind(entry.value)}`, { field: `${field}.value` });
    }
  }
  // Checked in place: the parsed array belongs to this call (extra keys on an entry are never read).
  return value as unknown as Credential[];
}

/**
 * Parses (without rounding any number: see core's `JsonValue`) and checks a request body. Everything ActiveWorkflow sends passes; anything else is refused with
 * an `invalid_argument` error naming the field. Unknown extra fields are ignored (ActiveWorkflow may add
 * some), the body's Content-Type is not looked at, and a missing `options`/`memory`/`credentials` is read
 * as `{}`/`{}`/`[]` (ActiveWorkflow always sends all three; being lenient costs nothing).
 */
export function parseRequest(raw: string | Uint8Array): ParsedRequest {
  let text: string;
  try {
    text = typeof raw === "string" ? raw : decoder.decode(raw);
  } catch {
    refuse("request body is not valid UTF-8 JSON");
  }
  let body: unknown;
  try {
    // Lossless: an integer past 2^53 arrives as a bigint and `1.0` as a LosslessNumber, exactly as sent.
    body = parseJson(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    refuse(`request body is not JSON (${text.trim() === "" ? "it is empty" : reason}); send e.g. ${example}`);
  }
  if (!isJsonObject(body)) refuse(`request body must be a JSON object like ${example}; got ${describeKind(body)}`);

  const known = remoteAgentMethods.join(", ");
  const method = body.method as RemoteAgentMethod | undefined;
  if (method === undefined) refuse(`request body has no "method"; known methods: ${known}`, { field: "method" });
  if (typeof method !== "string" || !(remoteAgentMethods as readonly string[]).includes(method)) {
    refuse(`unknown method ${stringifyJson(method) ?? String(method)}; known methods: ${known}`, { field: "method", method, known: remoteAgentMethods });
  }
  if (method === "register") return { method };

  const params = body.params ?? {};
  if (!isJsonObject(params)) refuse(`"params" must be a JSON object; got ${describeKind(params)}`, { field: "params" });
  const options = objectParam(params, "options");
  const memory = objectParam(params, "memory");
  const credentials = credentialsParam(params);
  if (method === "check") return { method, options, memory, credentials };

  const message = params.message;
  if (message === undefined || message === null) {
    refuse(`receive needs params.message (the message record, with a "payload" object); it is ${message === null ? "null" : "missing"}`, {
      field: "params.message",
    });
  }
  if (!isJsonObject(message)) refuse(`params.message must be a JSON object with a "payload" object; got ${describeKind(message)}`, { field: "params.message" });
  if (!isJsonObject(message.payload)) {
    refuse(`params.message.payload must be a JSON object; got ${describeKind(message.payload)}`, { field: "params.message.payload" });
  }
  return { method, options, memory, credentials, message: message as AwMessage };
}

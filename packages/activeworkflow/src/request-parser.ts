import { AgentwireError } from "@agentwire/core";
import { describeType, isPlainObject, type JsonObject } from "./json.js";
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
  if (!isPlainObject(value)) {
    refuse(`params.${field} must be a JSON object (send {} for none); got ${describeType(value)}`, { field: `params.${field}` });
  }
  return value;
}

function credentialsParam(params: JsonObject): Credential[] {
  const value = params.credentials;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    refuse(
      `params.credentials must be an array of {"name": string, "value": string} (ActiveWorkflow sends an array, whatever old docs show); got ${describeType(value)}`,
      { field: "params.credentials" },
    );
  }
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (!isPlainObject(entry) || typeof entry.name !== "string" || typeof entry.value !== "string") {
      const field = `params.credentials[${i}]`;
      if (!isPlainObject(entry)) refuse(`${field} must be an object {"name": string, "value": string}; got ${describeType(entry)}`, { field });
      if (typeof entry.name !== "string") refuse(`${field}.name must be a string; got ${describeType(entry.name)}`, { field: `${field}.name` });
      // The value is never echoed: only its type.
      refuse(`${field}.value must be a string; got ${describeType(entry.value)}`, { field: `${field}.value` });
    }
  }
  // Checked in place: the parsed array belongs to this call (extra keys on an entry are never read).
  return value as Credential[];
}

/**
 * Parses and checks a request body. Everything ActiveWorkflow sends passes; anything else is refused with
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
    body = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    refuse(`request body is not JSON (${text.trim() === "" ? "it is empty" : reason}); send e.g. ${example}`);
  }
  if (!isPlainObject(body)) refuse(`request body must be a JSON object like ${example}; got ${describeType(body)}`);

  const known = remoteAgentMethods.join(", ");
  const method = body.method as RemoteAgentMethod | undefined;
  if (method === undefined) refuse(`request body has no "method"; known methods: ${known}`, { field: "method" });
  if (typeof method !== "string" || !(remoteAgentMethods as readonly string[]).includes(method)) {
    refuse(`unknown method ${JSON.stringify(method)}; known methods: ${known}`, { field: "method", method, known: remoteAgentMethods });
  }
  if (method === "register") return { method };

  const params = body.params ?? {};
  if (!isPlainObject(params)) refuse(`"params" must be a JSON object; got ${describeType(params)}`, { field: "params" });
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
  if (!isPlainObject(message)) refuse(`params.message must be a JSON object with a "payload" object; got ${describeType(message)}`, { field: "params.message" });
  if (!isPlainObject(message.payload)) {
    refuse(`params.message.payload must be a JSON object; got ${describeType(message.payload)}`, { field: "params.message.payload" });
  }
  return { method, options, memory, credentials, message: message as AwMessage };
}

import { isJsonObject, isLosslessNumber, parseJson, type JsonObject } from "@agentwire/core";
import { maxLogEntryLength } from "../result-builder.js";
import { agentLogLength, type AgentInstance } from "./agent-instance.js";
import type { DriverWarning } from "./driver-warning.js";

/** What applying one answer did to the instance, as ActiveWorkflow would have done it. */
export interface AppliedResult {
  /** The parsed `result`, when there was one. */
  result: unknown;
  /** `errors` entries stored in the agent's log (level 4). */
  errors: string[];
  /** `logs` entries stored (level 3). */
  logs: string[];
  /** Payloads of the messages ActiveWorkflow created, in order. */
  messages: JsonObject[];
  /** Whether the memory was replaced (a valid `memory` in a result that did not fail). */
  memoryReplaced: boolean;
  warnings: DriverWarning[];
  /** Whether ActiveWorkflow's job would have raised (and been retried up to 5 times). */
  failed: boolean;
}

/**
 * Ruby's `Float#to_s`: the shortest digits that read back as the same double, in plain notation from
 * 1e-4 up to 1e16 (always with a fraction: `1.0`, `1000.0`) and in scientific notation outside it
 * (`1.0e+20`, `1.5e-07`).
 */
export function rubyFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = n.toExponential().split("e");
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${sign}${digits[0]}.${digits.slice(1) || "0"}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
}

/**
 * Ruby's `inspect`, near enough for JSON values as Ruby's JSON parses them: what ActiveWorkflow shows for
 * a Hash or Array entry. A number written with a fraction or an exponent is a Float (`1.0`, `1000.0` for
 * `1e3`), an integer of any size an Integer.
 */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : rubyFloat(value);
  if (isLosslessNumber(value)) return /[.eE]/.test(value.value) ? rubyFloat(Number(value.value)) : BigInt(value.value).toString();
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}=>${rubyInspect(v)}`).join(", ")}}`;
  }
  return "?";
}

/** What an ActiveRecord string column stores for a non-string (`true` → "t", a Hash → its inspect). */
function rubyToS(value: unknown): string {
  if (value === true) return "t";
  if (value === false) return "f";
  return rubyInspect(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint" || isLosslessNumber(value)) return "a number";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Applies one `check`/`receive` answer to `instance` the way `RemoteAgents::Agent#handle_response` does,
 * in its order: parse, `fetch('result')`, errors, logs, memory (assigned), messages (each saved at once),
 * then the job saves the agent (which is when memory is stored). Where ActiveWorkflow would raise, the
 * steps before stay applied (logs and messages are separate rows), the rest is skipped, the memory is not
 * saved, and the job's "Exception during …" error is logged, as in `AgentCheckJob`/`AgentReceiveJob`.
 */
export function applyResult(instance: AgentInstance, method: "check" | "receive", status: number, bodyText: string): AppliedResult {
  const applied: AppliedResult = { result: undefined, errors: [], logs: [], messages: [], memoryReplaced: false, warnings: [], failed: false };
  const job = method === "check" ? "AgentCheckJob" : "AgentReceiveJob";
  const retried = "the job is retried up to 5 times, each time with the old memory";
  const warn = (code: DriverWarning["code"], message: string, aw: string, fatal: boolean, field?: string) => {
    applied.warnings.push({ code, method, ...(field === undefined ? {} : { field }), message, aw, fatal });
    if (fatal) applied.failed = true;
  };
  const store = (level: 3 | 4, message: string) => {
    instance.log.push({ level, message });
    if (instance.log.length > agentLogLength) instance.log.splice(0, instance.log.length - agentLogLength);
  };
  const finish = (): AppliedResult => {
    const firstFatal = applied.warnings.find((w) => w.fatal);
    if (firstFatal) store(4, `Exception during ${method}. ${firstFatal.message}`);
    return applied;
  };

  if (status !== 200) {
    warn("http_status", `HTTP status ${status}`, "ActiveWorkflow ignores the status and applies the body as if it were 200", false);
  }
  let body: unknown;
  try {
    // As Ruby's JSON reads it: no number rounded.
    body = parseJson(bodyText);
  } catch {
    warn("non_json_body", `the body is not JSON: ${JSON.stringify(bodyText.slice(0, 200))}`, `JSON::ParserError in ${job}: nothing is applied; ${retried}`, true);
    return finish();
  }
  if (!isJsonObject(body) || !("result" in body)) {
    warn(
      "missing_result",
      isJsonObject(body) ? `the body has no "result" (keys: ${Object.keys(body).join(", ") || "none"})` : `the body is ${describe(body)}, not {"result": …}`,
      `response.fetch('result') raises in ${job}: nothing is applied; ${retried}`,
      true,
    );
    return finish();
  }
  const result = body.result;
  applied.result = result;
  if (!isJsonObject(result)) {
    warn("result_not_object", `result is ${describe(result)}`, `result.fetch raises in ${job}: nothing is applied; ${retried}`, true, "result");
    return finish();
  }

  const entries = (field: "errors" | "logs", level: 3 | 4, into: string[]): boolean => {
    if (!(field in result)) return true;
    const list = result[field];
    const where = `result.${field}`;
    const after = field === "errors" ? "" : ", after the errors were stored";
    if (list === null) {
      warn("field_null", `${where} is null`, `\`nil.each\` raises NoMethodError in ${job}${after}; memory and messages are not applied; ${retried}`, true, where);
      return false;
    }
    let items: unknown[];
    if (Array.isArray(list)) items = list;
    else if (isJsonObject(list)) {
      // Ruby's Hash#each yields [key, value] pairs: ActiveWorkflow stores each pair as a log line.
      items = Object.entries(list);
      warn("field_not_array", `${where} is an object, not an array`, "ActiveWorkflow iterates its [key, value] pairs and stores each as a log line", false, where);
    } else {
      warn("field_not_array", `${where} is ${describe(list)}, not an array`, `\`.each\` raises in ${job}${after}; memory and messages are not applied; ${retried}`, true, where);
      return false;
    }
    for (const [i, entry] of items.entries()) {
      const at = `${where}[${i}]`;
      if (entry === null || entry === undefined || (typeof entry === "string" && entry.trim() === "")) {
        warn(
          "log_entry_blank",
          `${at} is ${entry === null ? "null" : JSON.stringify(entry)}`,
          `AgentLog validates message presence: create! raises in ${job}; entries before it stay stored, memory and messages are not applied; ${retried}`,
          true,
          at,
        );
        return false;
      }
      let text: string;
      if (typeof entry === "string") text = entry;
      else {
        text = rubyToS(entry);
        warn("log_entry_not_string", `${at} is ${describe(entry)}`, `ActiveWorkflow stores its Ruby to_s: ${JSON.stringify(text.slice(0, 100))}`, false, at);
      }
      if (Array.from(text).length > maxLogEntryLength) {
        text = Array.from(text).slice(0, maxLogEntryLength).join("");
        warn("log_entry_truncated", `${at} is longer than ${maxLogEntryLength} characters`, `ActiveWorkflow truncates it to ${maxLogEntryLength}`, false, at);
      }
      store(level, text);
      into.push(text);
    }
    return true;
  };
  if (!entries("errors", 4, applied.errors) || !entries("logs", 3, applied.logs)) return finish();

  // Memory is assigned now but only saved when the job saves the agent, after the messages.
  let memory: JsonObject | undefined;
  if ("memory" in result) {
    const value = result.memory;
    const saveFails = `the agent's save! fails validation in ${job} after logs and messages were stored; memory is kept as it was; ${retried}`;
    if (isJsonObject(value)) memory = value;
    else if (typeof value === "string") {
      const parsed = parseJsonString(value);
      if (parsed.kind === "object") {
        memory = parsed.value;
        warn("memory_json_string", "result.memory is a string", "ActiveWorkflow parses it as JSON (\"\" becomes {}) and stores the object", false, "result.memory");
      } else if (parsed.kind === "other") {
        memory = {};
        warn("memory_json_string", "result.memory is a string holding JSON that is not an object", "ActiveWorkflow wraps it in HashWithIndifferentAccess, which keeps nothing: memory becomes {}", false, "result.memory");
      } else {
        warn("memory_not_object", "result.memory is a string that is not JSON ActiveWorkflow accepts (invalid, null or false)", saveFails, true, "result.memory");
      }
    } else if (value === null) {
      warn("field_null", "result.memory is null", saveFails, true, "result.memory");
    } else {
      warn("memory_not_object", `result.memory is ${describe(value)}, not an object`, saveFails, true, "result.memory");
    }
  }

  if ("messages" in result) {
    const list = result.messages;
    if (list === null) {
      warn("field_null", "result.messages is null", `\`nil.each\` raises NoMethodError in ${job}; memory is not saved; ${retried}`, true, "result.messages");
    } else if (!Array.isArray(list)) {
      warn("field_not_array", `result.messages is ${describe(list)}, not an array`, `\`.each\` raises in ${job}; memory is not saved; ${retried}`, true, "result.messages");
    } else {
      for (const [i, entry] of list.entries()) {
        const at = `result.messages[${i}]`;
        let payload: unknown = entry;
        if (typeof entry === "string") {
          const parsed = parseJsonString(entry);
          if (parsed.kind === "object") {
            payload = parsed.value;
            warn("message_json_string", `${at} is a string`, "ActiveWorkflow parses it as JSON and creates the message", false, at);
          } else if (parsed.kind === "other") {
            payload = {};
            warn("message_json_string", `${at} is a string holding JSON that is not an object`, "ActiveWorkflow creates the message with an empty payload {}", false, at);
          }
        }
        if (!isJsonObject(payload)) {
          warn(
            "message_not_object",
            `${at} is ${describe(entry)}${typeof entry === "string" ? " that is not a JSON object" : ""}`,
            `create_message raises in ${job}; messages before it stay created (and are created again on retry), memory is not saved; ${retried}`,
            true,
            at,
          );
          break;
        }
        applied.messages.push(payload);
      }
    }
  }

  if (!applied.failed && memory !== undefined) {
    instance.memory = memory;
    applied.memoryReplaced = true;
  }
  return finish();
}

/**
 * How ActiveWorkflow's JSON-serialized fields read a string: `""` is `{}`; invalid JSON, `null` and `false`
 * raise ("was assigned invalid JSON"); any other value is wrapped in HashWithIndifferentAccess, which
 * keeps nothing unless it is already a hash.
 */
function parseJsonString(text: string): { kind: "object"; value: JsonObject } | { kind: "other" } | { kind: "invalid" } {
  if (text.trim() === "") return { kind: "object", value: {} };
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    return { kind: "invalid" };
  }
  if (isJsonObject(parsed)) return { kind: "object", value: parsed };
  return parsed === null || parsed === false ? { kind: "invalid" } : { kind: "other" };
}

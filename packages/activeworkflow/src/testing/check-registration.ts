import { isJsonObject, parseJson, stringifyJson } from "@agentwire/core";
import { jsonEqual } from "../json-values.js";
import type { DriverWarning } from "./driver-warning.js";

/** What ActiveWorkflow needs: a Ruby constant name (underscores allowed; the SDK is stricter). */
export const rubyConstantPattern = /^[A-Z][A-Za-z0-9_]*$/;

/** A `register` answer as ActiveWorkflow would read it. */
export interface RegisterOutcome {
  /** The `result` as received, when it was an object. */
  registration:
    | { name: unknown; display_name?: unknown; description?: unknown; default_options?: unknown; [key: string]: unknown }
    | undefined;
  /** Every call's raw answer (one per boot `register` call made). */
  responses: Array<{ status: number; body: string }>;
  warnings: DriverWarning[];
  /** Whether an ActiveWorkflow process would fail to boot on this answer. */
  failed: boolean;
}

const boot = "the ActiveWorkflow process fails to boot (the initializer has no error handling; the container exits or restarts)";

/**
 * Checks `register` answers the way `RemoteAgents.register_agent` consumes them: parse, `fetch('result')`,
 * then `eval "class ::Agents::#{name} < ::RemoteAgents::Agent"`. The rest is hardly checked by
 * ActiveWorkflow, so those warnings are not fatal but say what the user would see.
 */
export function checkRegistration(responses: Array<{ status: number; body: string }>): RegisterOutcome {
  const outcome: RegisterOutcome = { registration: undefined, responses, warnings: [], failed: false };
  const warn = (code: DriverWarning["code"], message: string, aw: string, fatal: boolean, field?: string) => {
    outcome.warnings.push({ code, method: "register", ...(field === undefined ? {} : { field }), message, aw, fatal });
    if (fatal) outcome.failed = true;
  };
  const first = responses[0];
  if (first === undefined) return outcome;
  if (first.status !== 200) warn("http_status", `HTTP status ${first.status}`, "ActiveWorkflow ignores the status and reads the body", false);
  let body: unknown;
  try {
    body = parseJson(first.body);
  } catch {
    warn("non_json_body", `the register body is not JSON: ${JSON.stringify(first.body.slice(0, 200))}`, `JSON::ParserError: ${boot}`, true);
    return outcome;
  }
  if (!isJsonObject(body) || !("result" in body)) {
    warn("missing_result", `the register body has no "result"`, `KeyError: ${boot}`, true);
    return outcome;
  }
  const result = body.result;
  if (!isJsonObject(result)) {
    warn("result_not_object", `register's result is ${result === null ? "null" : Array.isArray(result) ? "an array" : `a ${typeof result}`}`, `NoMethodError: ${boot}`, true, "result");
    return outcome;
  }
  outcome.registration = result as RegisterOutcome["registration"];
  const { name, display_name: displayName, description, default_options: defaults } = result;
  if (typeof name !== "string" || !rubyConstantPattern.test(name)) {
    warn(
      "register_name_invalid",
      `register's name ${stringifyJson(name) ?? "undefined"} is not a Ruby constant name (${String(rubyConstantPattern)})`,
      `\`class ::Agents::<name>\` raises SyntaxError or NameError: ${boot}`,
      true,
      "result.name",
    );
  }
  if (typeof displayName !== "string" || displayName.trim() === "") {
    warn("register_display_name", "register's display_name is missing or empty", "the UI shows a humanised class name instead", false, "result.display_name");
  }
  if (typeof description !== "string") {
    warn(
      "register_description",
      `register's description is ${description === undefined ? "missing" : "not a string"}`,
      description === undefined ? 'the UI shows "No description has been set."' : "Kramdown cannot render it: the new-agent page fails",
      false,
      "result.description",
    );
  }
  if (!isJsonObject(defaults)) {
    warn("register_default_options", "register's default_options is missing or not an object", "new agents' options editor is not pre-filled with an object", false, "result.default_options");
  }
  for (const [i, later] of responses.entries()) {
    if (i === 0) continue;
    let parsed: unknown;
    try {
      parsed = parseJson(later.body);
    } catch {
      parsed = undefined;
    }
    if (!jsonEqual(parsed, body)) {
      warn(
        "register_not_idempotent",
        `register call ${i + 1} answered differently from call 1`,
        "each ActiveWorkflow process (web, scheduler, every worker) builds the agent type from its own call, so they disagree",
        false,
      );
      break;
    }
  }
  return outcome;
}

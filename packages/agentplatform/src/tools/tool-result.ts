// What ExecuteTool answers. `result_json` is always JSON text, so a platform (or a conformance check) can
// parse it whatever happened: the handler's return value on success, `{"error": "..."}` with `is_error`
// otherwise.
import { stringifyJson } from "@agentwire/core";
import type { JsonSchemaIssue } from "./json-schema.js";

/** `ExecuteToolResponse`'s fields. */
export interface ToolCallResult {
  /** JSON text: the handler's return value, or `{"error": message}` (plus `issues` for invalid arguments). */
  readonly resultJson: string;
  /** True when the tool did not run or failed: the agent sees `resultJson` as an error. */
  readonly isError: boolean;
}

/** The shape of `result_json` when `is_error` is set. */
export interface ToolErrorResult {
  /** What went wrong, in words an agent can act on: which argument, or the handler's exception message. */
  readonly error: string;
  /** For invalid arguments: each problem with the path of the argument (`options.depth`, `files[2]`). */
  readonly issues?: readonly JsonSchemaIssue[];
}

export function errorResult(error: string, issues?: readonly JsonSchemaIssue[]): ToolCallResult {
  const body: ToolErrorResult = issues === undefined ? { error } : { error, issues };
  return { resultJson: JSON.stringify(body), isError: true };
}

/**
 * A handler's return value as `result_json`, written losslessly (core's `stringifyJson`): a `bigint` or a
 * `LosslessNumber` (as the handler got it in its arguments) goes out exactly as written, a string becomes a
 * JSON string (`"done"` → `"\"done\""`), and `undefined` (a handler with nothing to say) becomes `null`.
 * Throws when the value has no JSON form (a function, a symbol, a cycle).
 */
export function encodeResult(value: unknown): string {
  if (value === undefined) return "null";
  const text = stringifyJson(value);
  if (text === undefined) throw new TypeError(`a ${typeof value} has no JSON form`);
  return text;
}

// Calling a plugin's tools the way a platform does: ListTools with each schema parsed, ExecuteTool with the
// arguments written and the result read as JSON (losslessly, like the SDK itself).
import type { CallOptions, Client } from "@connectrpc/connect";
import { parseJson, stringifyJson, type JsonObject, type JsonValue } from "@agentwire/core";
import type { ToolProvider } from "../gen/agentplatform/v1/tool_pb.js";

/** A typed `agentplatform.v1.ToolProvider` client. */
type ToolClient = Client<typeof ToolProvider>;

/** A ListTools entry with its schema parsed. */
export interface ListedTool {
  readonly name: string;
  readonly description: string;
  /** `parameters_json_schema`, parsed. */
  readonly parameters: JsonObject;
}

/** ListTools, with each `parameters_json_schema` parsed (a schema that is not JSON fails the call). */
export async function listTools(client: ToolClient, options?: CallOptions): Promise<ListedTool[]> {
  const res = await client.listTools({}, options);
  return res.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: parseText(tool.parametersJsonSchema, `parameters_json_schema of tool ${JSON.stringify(tool.name)}`) as JsonObject,
  }));
}

/** What `callTool` resolves with. */
export interface ToolCallOutcome<T = JsonValue> {
  readonly isError: boolean;
  /** `result_json` as received. */
  readonly resultJson: string;
  /** `result_json`, parsed losslessly: the tool's value, or `{ error, issues? }` when `isError`. */
  readonly result: T;
}

/**
 * ExecuteTool with `args` written as JSON (losslessly; `undefined` sends `""`), resolving with
 * `result_json` parsed. Protocol errors (an unknown tool: NOT_FOUND) reject with the `ConnectError`.
 */
export async function callTool<T = JsonValue>(client: ToolClient, name: string, args?: unknown, options?: CallOptions): Promise<ToolCallOutcome<T>> {
  const argumentsJson = args === undefined ? "" : (stringifyJson(args) ?? "");
  const res = await client.executeTool({ name, argumentsJson }, options);
  return { isError: res.isError, resultJson: res.resultJson, result: parseText(res.resultJson, `result_json of tool ${JSON.stringify(name)}`) as T };
}

function parseText(text: string, what: string): JsonValue {
  try {
    return parseJson(text);
  } catch (err) {
    throw new Error(`${what} is not JSON: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text)} (${(err as Error).message})`);
  }
}

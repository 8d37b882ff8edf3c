// Testing helpers for the tools provider: a typed ToolProvider client and calls that decode result_json.
import { createClient, type CallOptions, type Client, type Transport } from "@connectrpc/connect";
import { ToolProvider } from "../gen/agentplatform/v1/tool_pb.js";

/** A typed `agentplatform.v1.ToolProvider` client: `listTools`, `executeTool`. */
export type ToolClient = Client<typeof ToolProvider>;

/**
 * A ToolProvider client over any transport: in-process (`createInProcessTransport(plugin)`) for unit tests,
 * `createNetworkTransport(url)` for a served plugin.
 *
 * ```ts
 * const tools = createToolClient(createInProcessTransport(plugin));
 * const { result } = await callTool(tools, "read_file", { path: "README.md" });
 * ```
 */
export function createToolClient(transport: Transport): ToolClient {
  return createClient(ToolProvider, transport);
}

/** A ListTools entry with its schema parsed. */
export interface ListedTool {
  readonly name: string;
  readonly description: string;
  /** `parameters_json_schema`, parsed. */
  readonly parameters: Record<string, unknown>;
}

/** ListTools, with each `parameters_json_schema` parsed (a schema that is not JSON fails the call). */
export async function listTools(client: ToolClient, options?: CallOptions): Promise<ListedTool[]> {
  const res = await client.listTools({}, options);
  return res.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: parseJson(tool.parametersJsonSchema, `parameters_json_schema of tool ${JSON.stringify(tool.name)}`) as Record<string, unknown>,
  }));
}

/** What `callTool` resolves with. */
export interface ToolCallOutcome<T = unknown> {
  readonly isError: boolean;
  /** `result_json` as received. */
  readonly resultJson: string;
  /** `result_json`, parsed: the tool's value, or `{ error, issues? }` when `isError`. */
  readonly result: T;
}

/**
 * ExecuteTool with `args` encoded as JSON (`undefined` sends `""`), resolving with `result_json` parsed.
 * Protocol errors (an unknown tool: NOT_FOUND) reject with the `ConnectError`. To send arguments that are
 * not JSON, call `client.executeTool({ name, argumentsJson })` yourself.
 *
 * ```ts
 * const out = await callTool(tools, "read_file", {});
 * expect(out.isError).toBe(true);
 * expect((out.result as { error: string }).error).toMatch(/^invalid arguments for tool "read_file": path: required/);
 * ```
 */
export async function callTool<T = unknown>(client: ToolClient, name: string, args?: unknown, options?: CallOptions): Promise<ToolCallOutcome<T>> {
  const argumentsJson = args === undefined ? "" : JSON.stringify(args);
  const res = await client.executeTool({ name, argumentsJson }, options);
  return { isError: res.isError, resultJson: res.resultJson, result: parseJson(res.resultJson, `result_json of tool ${JSON.stringify(name)}`) as T };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} is not JSON: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text)} (${(err as Error).message})`);
  }
}

// What `complete` receives: `CompleteRequest` as plain data, with the two things every adapter would
// otherwise redo: tool schemas parsed from their JSON strings, and `temperature` as the number the platform
// meant rather than its float32 approximation.
import { AgentwireError, isJsonObject, parseJson, type JsonObject, type JsonValue } from "@agentwire/core";
import type { CompleteRequest } from "../gen/agentplatform/v1/llm_pb.js";

/** A tool call the assistant made earlier in the conversation (`agentplatform.v1.ToolCall`). */
export interface CompletionToolCall {
  readonly id: string;
  readonly name: string;
  /** The call's arguments as a JSON string, as the model produced them (`arguments_json`). */
  readonly arguments: string;
}

/**
 * One conversation message (`agentplatform.v1.Message`). The platform's roles are `system`, `user` and
 * `assistant`; a message with `toolCallId` is a tool result, whatever its role says (the reference does not
 * name the role a tool result carries, so adapters should go by `toolCallId`).
 *
 * ```ts
 * { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] }
 * { role: "tool", content: '{"temp_c":18}', toolCalls: [], toolCallId: "call_1" }
 * ```
 */
export interface CompletionMessage {
  readonly role: string;
  readonly content: string;
  /** The tool calls an assistant message made; empty otherwise. */
  readonly toolCalls: readonly CompletionToolCall[];
  /** Set on a tool result: the id of the call it answers. */
  readonly toolCallId?: string;
}

/** A tool the model may call (`agentplatform.v1.ToolDefinition`), with its JSON Schema parsed. */
export interface CompletionTool {
  readonly name: string;
  readonly description: string;
  /**
   * The parameters' JSON Schema as an object; `{"type": "object", "properties": {}}` when the platform sent
   * none. This is what OpenAI's `function.parameters` and Anthropic's `input_schema` take. Parsed
   * losslessly: write it back with `stringifyJson` (a bound past 2^53 is a `bigint`).
   */
  readonly parameters: JsonObject;
  /** The schema as the platform sent it (`parameters_json_schema`). */
  readonly parametersJsonSchema: string;
}

/**
 * A completion request (`agentplatform.v1.CompleteRequest`) as `complete` receives it.
 *
 * ```ts
 * {
 *   model: "gpt-4o",
 *   messages: [{ role: "system", content: "Be brief.", toolCalls: [] }, { role: "user", content: "Weather in Paris?", toolCalls: [] }],
 *   tools: [{ name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } } }, parametersJsonSchema: "..." }],
 *   temperature: 0.2,
 * }
 * ```
 */
export interface CompletionRequest {
  /** The model the platform asked for; `""` when it left the choice to the plugin. */
  readonly model: string;
  readonly messages: readonly CompletionMessage[];
  /** `available_tools`: what the model may call. */
  readonly tools: readonly CompletionTool[];
  /**
   * Present only when the platform set it. The wire type is float32, so 0.7 arrives as 0.699999988…; this
   * is the shortest decimal with the same float32 value (0.7), which is what the platform's config said.
   */
  readonly temperature?: number;
  /** Present only when the platform set it. */
  readonly maxTokens?: number;
}

/** The shortest decimal that rounds to the same float32 as `value`: the number a person wrote. */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

function parseParameters(schema: string, index: number, name: string): JsonObject {
  if (schema.trim() === "") return { type: "object", properties: {} };
  const field = `available_tools[${index}] (${JSON.stringify(name)}).parameters_json_schema`;
  let parsed: JsonValue;
  try {
    parsed = parseJson(schema);
  } catch (err) {
    throw new AgentwireError("invalid_argument", `${field} is not valid JSON: ${(err as Error).message}`, { details: { field } });
  }
  if (!isJsonObject(parsed)) {
    throw new AgentwireError("invalid_argument", `${field} must be a JSON Schema object, got ${Array.isArray(parsed) ? "an array" : schema.trim().slice(0, 60)}`, {
      details: { field },
    });
  }
  return parsed;
}

/** `CompleteRequest` off the wire to what `complete` receives. Refuses an empty `messages` and a tool whose schema is not a JSON object. */
export function toCompletionRequest(request: CompleteRequest): CompletionRequest {
  // The platform never asks for a completion of nothing; refusing it here, before the author's `complete`
  // runs, keeps a request with no messages from ever reaching a paid upstream (the conformance harness's
  // capability probe relies on it).
  if (request.messages.length === 0) {
    throw new AgentwireError("invalid_argument", "messages is empty: a Complete needs at least one message", { details: { field: "messages" } });
  }
  return {
    model: request.model,
    messages: request.messages.map((m) => ({
      role: m.role,
      content: m.content,
      toolCalls: m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.argumentsJson })),
      ...(m.toolCallId === undefined ? {} : { toolCallId: m.toolCallId }),
    })),
    tools: request.availableTools.map((t, i) => ({
      name: t.name,
      description: t.description,
      parameters: parseParameters(t.parametersJsonSchema, i, t.name),
      parametersJsonSchema: t.parametersJsonSchema,
    })),
    ...(request.temperature === undefined ? {} : { temperature: shortestFloat32(request.temperature) }),
    ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
  };
}

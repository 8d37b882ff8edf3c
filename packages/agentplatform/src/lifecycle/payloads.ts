// The JSON payload each lifecycle event carries in `LifecycleEvent.payload_json`.
//
// Upstream's: the top-level fields of every payload and their JSON types, as the reference's "Lifecycle Event
// Payloads" section shows them (AGENT_START/AGENT_END `{agent_name, input}`, TURN_START/TURN_END
// `{agent_name, turn_number}`, LLM_REQUEST `{model, messages, tools}`, LLM_RESPONSE `{content, tool_calls:
// [{id, name, arguments_json}], finish_reason: "stop"}`, TOOL_CALL `{tool_name, arguments_json}`,
// TOOL_RESULT `{tool_name, result_json, is_error}`, HANDOFF `{from_agent, to_agent, context}`).
//
// Ours, because the reference shows them only as `[...]` or not at all: the elements of LLM_REQUEST's
// `messages` and `tools` (llm.proto's `Message` and tool.proto's `ToolDefinition`, with the snake_case names
// the reference's own `tool_calls` elements use), LLM_REQUEST's optional `temperature` and `max_tokens`
// (`CompleteRequest`'s), and the finish reasons besides `"stop"` (llm.proto's `FinishReason`, lower-cased).
//
// Every payload may carry more than this: fields a newer platform adds are kept, and a handler that spreads
// the payload it was given (`modify({ ...payload, arguments_json })`) sends them back unchanged.

/**
 * AGENT_START (the agent is starting a conversation) and AGENT_END (it finished one). Upstream's shape.
 *
 * ```json
 * { "agent_name": "triage", "input": "What's the weather in SF?" }
 * ```
 */
export interface AgentEventPayload {
  readonly agent_name: string;
  /** The user's message the conversation started from. */
  readonly input: string;
}

/**
 * TURN_START and TURN_END: one turn is one LLM call and the tool calls it asks for. Upstream's shape.
 *
 * ```json
 * { "agent_name": "triage", "turn_number": 1 }
 * ```
 */
export interface TurnEventPayload {
  readonly agent_name: string;
  readonly turn_number: number;
}

/** A tool call an assistant message made, or an LLM response asks for. Upstream's (`LLM_RESPONSE.tool_calls`). */
export interface LifecycleToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text, e.g. `{"city":"SF"}`. */
  readonly arguments_json: string;
}

/**
 * One message of LLM_REQUEST's conversation: llm.proto's `Message` in JSON (ours: the reference shows the
 * list as `[...]`). A tool's result is a message with `tool_call_id` set.
 */
export interface LifecycleMessage {
  /** `"system"`, `"user"` or `"assistant"` (the role of a tool result is not documented upstream). */
  readonly role: string;
  readonly content: string;
  readonly tool_calls: readonly LifecycleToolCall[];
  readonly tool_call_id?: string;
}

/** One tool offered to the LLM: tool.proto's `ToolDefinition` in JSON (ours: the reference shows `[...]`). */
export interface LifecycleToolDefinition {
  readonly name: string;
  readonly description: string;
  /** The parameters' JSON Schema, as JSON text. */
  readonly parameters_json_schema: string;
}

/**
 * LLM_REQUEST: the agent is about to send this to the LLM. `model`, `messages` and `tools` are upstream's;
 * their elements, `temperature` and `max_tokens` are ours (from `CompleteRequest`).
 *
 * ```json
 * { "model": "claude-sonnet-4-6", "messages": [{ "role": "user", "content": "Hi", "tool_calls": [] }], "tools": [] }
 * ```
 */
export interface LlmRequestPayload {
  readonly model: string;
  readonly messages: readonly LifecycleMessage[];
  readonly tools: readonly LifecycleToolDefinition[];
  readonly temperature?: number;
  readonly max_tokens?: number;
}

/** `"stop"` is upstream's example; the others are llm.proto's `FinishReason` values, lower-cased (ours). */
export type LifecycleFinishReason = "stop" | "tool_use" | "max_tokens" | (string & {});

/**
 * LLM_RESPONSE: the LLM answered. Upstream's shape.
 *
 * ```json
 * { "content": "It is 18°C in SF.", "tool_calls": [], "finish_reason": "stop" }
 * ```
 */
export interface LlmResponsePayload {
  readonly content: string;
  readonly tool_calls: readonly LifecycleToolCall[];
  readonly finish_reason: LifecycleFinishReason;
}

/**
 * TOOL_CALL: the agent is about to call a tool. Cancel it to block the call. Upstream's shape.
 *
 * ```json
 * { "tool_name": "get_weather", "arguments_json": "{\"city\":\"SF\"}" }
 * ```
 */
export interface ToolCallPayload {
  readonly tool_name: string;
  /** The arguments as JSON text. */
  readonly arguments_json: string;
}

/**
 * TOOL_RESULT: a tool returned. Upstream's shape.
 *
 * ```json
 * { "tool_name": "get_weather", "result_json": "{\"temperature\":72}", "is_error": false }
 * ```
 */
export interface ToolResultPayload {
  readonly tool_name: string;
  /** The result as JSON text. */
  readonly result_json: string;
  readonly is_error: boolean;
}

/**
 * HANDOFF: the agent is handing the conversation to another agent. Upstream's shape.
 *
 * ```json
 * { "from_agent": "triage", "to_agent": "specialist", "context": "The user wants a refund" }
 * ```
 */
export interface HandoffPayload {
  readonly from_agent: string;
  readonly to_agent: string;
  readonly context: string;
}

/** The payload type of each event type, by the `EventType` value's name. */
export interface LifecyclePayloads {
  AGENT_START: AgentEventPayload;
  AGENT_END: AgentEventPayload;
  TURN_START: TurnEventPayload;
  TURN_END: TurnEventPayload;
  LLM_REQUEST: LlmRequestPayload;
  LLM_RESPONSE: LlmResponsePayload;
  TOOL_CALL: ToolCallPayload;
  TOOL_RESULT: ToolResultPayload;
  HANDOFF: HandoffPayload;
}

/** An event type the contract defines, by name: `"TOOL_CALL"` is `EventType.TOOL_CALL`. */
export type LifecycleEventName = keyof LifecyclePayloads;

/** Every event type the contract defines, in `EventType` order. */
export const lifecycleEventNames: readonly LifecycleEventName[] = [
  "AGENT_START",
  "AGENT_END",
  "TURN_START",
  "TURN_END",
  "LLM_REQUEST",
  "LLM_RESPONSE",
  "TOOL_CALL",
  "TOOL_RESULT",
  "HANDOFF",
];

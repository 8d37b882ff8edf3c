// The platform's CompleteRequest as an OpenAI Chat Completions request body.
import { AgentwireError, type CompletionMessage, type CompletionRequest } from "@agentwire/agentplatform";

/** What the plugin's config supplies when the request leaves something out. */
export interface ChatDefaults {
  readonly model: string;
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
}

/** An OpenAI chat message, as `messages[]` takes it. */
export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The request body sent to `POST {base_url}/chat/completions`. */
export interface ChatCompletionsBody {
  model: string;
  messages: ChatMessage[];
  tools?: { type: "function"; function: { name: string; description?: string; parameters: Record<string, unknown> } }[];
  temperature?: number;
  max_tokens?: number;
  stream: true;
  stream_options: { include_usage: true };
}

function invalid(field: string, problem: string): AgentwireError {
  return new AgentwireError("invalid_argument", `${field}: ${problem}`, { details: { field } });
}

function toChatMessage(message: CompletionMessage, index: number): ChatMessage {
  const field = `messages[${index}]`;
  // A tool result is marked by tool_call_id, whatever role the platform gives it (the reference leaves it open).
  if (message.toolCallId !== undefined) {
    if (message.toolCallId === "") throw invalid(`${field}.tool_call_id`, "is empty; a tool result must name the call it answers");
    if (message.toolCalls.length > 0) throw invalid(`${field}.tool_calls`, "a tool result (tool_call_id set) cannot make tool calls");
    return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
  switch (message.role) {
    case "system":
    case "user":
      if (message.toolCalls.length > 0) throw invalid(`${field}.tool_calls`, `only an assistant message makes tool calls, this one is ${message.role}`);
      return { role: message.role, content: message.content };
    case "assistant": {
      if (message.toolCalls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        // OpenAI's own shape for a turn that only called tools: no text is null, not "".
        content: message.content === "" ? null : message.content,
        tool_calls: message.toolCalls.map((call, i) => {
          if (call.id === "") throw invalid(`${field}.tool_calls[${i}].id`, "is empty; the tool result that answers it needs the id");
          if (call.name === "") throw invalid(`${field}.tool_calls[${i}].name`, "is empty");
          return { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments === "" ? "{}" : call.arguments } };
        }),
      };
    }
    case "tool":
      throw invalid(`${field}.tool_call_id`, "is missing; a tool result must name the call it answers");
    default:
      throw invalid(`${field}.role`, `${JSON.stringify(message.role)} is not "system", "user" or "assistant" (or a tool result with tool_call_id)`);
  }
}

/**
 * The Chat Completions body for a completion request: the request's model, temperature and max_tokens win
 * over the config's defaults; messages and earlier tool calls in OpenAI's shapes; the available tools as
 * functions; streaming with the usage in the last chunk.
 */
export function toChatCompletionsBody(request: CompletionRequest, defaults: ChatDefaults): ChatCompletionsBody {
  const model = request.model !== "" ? request.model : defaults.model;
  if (model.trim() === "") throw invalid("model", "the request names no model and the plugin's default_model is empty");
  const temperature = request.temperature ?? defaults.temperature;
  const maxTokens = request.maxTokens ?? defaults.maxTokens;
  return {
    model,
    messages: request.messages.map(toChatMessage),
    ...(request.tools.length === 0
      ? {}
      : {
          tools: request.tools.map((tool) => ({
            type: "function" as const,
            function: {
              name: tool.name,
              ...(tool.description === "" ? {} : { description: tool.description }),
              parameters: tool.parameters,
            },
          })),
        }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    stream: true,
    stream_options: { include_usage: true },
  };
}

// The OpenAI Chat Completions wire format: the request body the plugin sends, and the streamed answer
// (Server-Sent Events) turned into the platform's completion events.
//
// YOUR CODE: if your server speaks another API (Anthropic's Messages, a house format), this is the file to
// rewrite: build its request in `toChatRequest`, and read its stream in `streamChatCompletion`.
import {
  AgentwireError,
  FinishReason,
  type CompletionEmitter,
  type CompletionMessage,
  type CompletionRequest,
} from "@agentwire/agentplatform";

/** An OpenAI chat message, as `messages[]` takes it. */
export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** What the plugin's config supplies when the request leaves it out. */
export interface ChatDefaults {
  readonly model: string;
}

function toChatMessage(message: CompletionMessage, index: number): ChatMessage {
  // A tool result is marked by tool_call_id, whatever role the platform gives it.
  if (message.toolCallId !== undefined) return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  if (message.role === "assistant") {
    if (message.toolCalls.length === 0) return { role: "assistant", content: message.content };
    return {
      role: "assistant",
      content: message.content === "" ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments || "{}" } })),
    };
  }
  if (message.role === "system" || message.role === "user") return { role: message.role, content: message.content };
  throw new AgentwireError("invalid_argument", `messages[${index}].role: ${JSON.stringify(message.role)} is not system, user or assistant (or a tool result with tool_call_id)`);
}

/** The body of `POST {base_url}/chat/completions` for a platform request: streamed, with the usage at the end. */
export function toChatRequest(request: CompletionRequest, defaults: ChatDefaults) {
  const model = request.model || defaults.model;
  if (model === "") throw new AgentwireError("invalid_argument", "model: the request names none and the plugin's default_model is empty");
  return {
    model,
    messages: request.messages.map(toChatMessage),
    ...(request.tools.length === 0
      ? {}
      : { tools: request.tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** The `data:` payloads of a Server-Sent Events body, one per event. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Events end with a blank line; each `data:` line adds a line to the event's data.
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = done ? "" : (events.pop() ?? "");
      for (const event of events) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""));
        if (data.length > 0) yield data.join("\n");
      }
      if (done) return;
    }
  } finally {
    // Stopped early ([DONE], an error, a cancelled call): let the connection go.
    await reader.cancel().catch(() => undefined);
  }
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null; tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/**
 * Emits a streamed chat completion: text as it arrives, tool calls (OpenAI keys their fragments by index,
 * the platform by id, so the index is mapped to the id), the usage, and the finish. The emitter keeps the
 * stream's rules (one finish, last; TOOL_USE if and only if there were tool calls).
 */
export async function streamChatCompletion(events: AsyncIterable<string>, emit: CompletionEmitter, upstream: string): Promise<void> {
  const idByIndex = new Map<number, string>();
  let finishReason: string | undefined;
  let usage: ChatChunk["usage"];
  for await (const data of events) {
    if (data === "[DONE]") break;
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      throw new AgentwireError("unavailable", `${upstream} sent an event that is not JSON: ${data.slice(0, 200)}`);
    }
    if (chunk.error) throw new AgentwireError("unavailable", `${upstream} failed mid-stream: ${chunk.error.message ?? "no message"}`);
    const choice = chunk.choices?.[0];
    if (typeof choice?.delta?.content === "string") emit.text(choice.delta.content);
    for (const fragment of choice?.delta?.tool_calls ?? []) {
      const index = fragment.index ?? 0;
      const known = idByIndex.get(index);
      if (known === undefined) {
        if (!fragment.id || !fragment.function?.name) throw new AgentwireError("unavailable", `${upstream} started tool call ${index} without an id and a name`);
        idByIndex.set(index, fragment.id);
        emit.startToolCall(fragment.id, fragment.function.name, fragment.function.arguments ?? "");
      } else {
        emit.toolCallArguments(known, fragment.function?.arguments ?? "");
      }
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    // Usage comes in the last chunk (some servers repeat it on every chunk: the last one wins).
    if (chunk.usage) usage = chunk.usage;
  }
  if (finishReason === undefined) throw new AgentwireError("unavailable", `${upstream} ended the stream without a finish_reason`);
  if (usage) emit.usage({ inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 });
  // "length" is MAX_TOKENS; for the rest the SDK picks TOOL_USE when tool calls were streamed, else STOP.
  emit.finish(finishReason === "length" ? FinishReason.MAX_TOKENS : undefined);
}

// OpenAI's streamed chat completion chunks, turned into the platform's events.
//
// What OpenAI sends (and what compatible servers send, more or less): `choices[0].delta` carries `content`
// fragments and `tool_calls` fragments keyed by `index`, the call's `id` and `function.name` on its first
// fragment only and `function.arguments` pieces after; `finish_reason` on the last choice chunk; then, with
// `stream_options.include_usage`, one chunk with empty `choices` and the `usage`; then `data: [DONE]`.
//
// The platform's stream has no index: every tool-call delta carries the call's id, so the index is mapped
// to the id here. Some servers (Ollama, LM Studio) reuse index 0 for parallel calls and tell them apart
// only by a new id, so a new id at a known index starts a new call. A server that sends no id at all gets
// one made up (`call_<index>_<random>`), since the platform needs one to match the tool's result.
import { randomBytes } from "node:crypto";
import { Code, ConnectError, FinishReason, redactSecrets, type CompletionEmitter, type Logger } from "@agentwire/agentplatform";
import type { ServerSentEvent } from "./sse.js";

interface ToolCallFragment {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

interface ChunkChoice {
  index?: number;
  delta?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallFragment[] | null } | null;
  finish_reason?: string | null;
}

interface Usage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
}

interface Chunk {
  choices?: ChunkChoice[] | null;
  usage?: Usage | null;
  error?: { message?: string; code?: unknown } | string | null;
}

/** A whole (non-streamed) chat completion, which a server that ignores `stream: true` answers with. */
interface ChatCompletion {
  choices?: { message?: { content?: string | null; refusal?: string | null; tool_calls?: (ToolCallFragment & { id?: string | null })[] | null } | null; finish_reason?: string | null }[] | null;
  usage?: Usage | null;
}

export interface ChatStreamOptions {
  /** Who answered, for messages (`api.openai.com`). */
  readonly upstream: string;
  /** Secrets to keep out of error messages (the API key). */
  readonly redact: readonly string[];
  readonly logger: Logger;
}

function tokens(value: number | null | undefined): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? Math.min(value, 2_147_483_647) : 0;
}

/**
 * OpenAI's finish_reason as the platform's. `length` is MAX_TOKENS; everything else is left to the emitter,
 * which picks TOOL_USE if and only if tool calls were streamed. That also covers servers that say `stop`
 * after tool calls (some vLLM and Ollama versions do) and OpenAI's legacy `function_call`. `content_filter`
 * has no counterpart in the platform's enum: it becomes STOP, with a warning in the log.
 */
function finishFor(reason: string | null | undefined, logger: Logger): FinishReason | undefined {
  switch (reason) {
    case "length":
      return FinishReason.MAX_TOKENS;
    case "stop":
    case "tool_calls":
    case "function_call":
    case null:
    case undefined:
      return undefined;
    case "content_filter":
      logger.warn("the upstream stopped the completion with finish_reason content_filter; finishing with STOP");
      return undefined;
    default:
      logger.warn({ finishReason: reason }, `unknown finish_reason ${JSON.stringify(reason)}; finishing with STOP or TOOL_USE`);
      return undefined;
  }
}

/** The error for an upstream that broke the streaming protocol (not JSON, no finish): UNAVAILABLE, as a failed upstream is. */
function protocolError(options: ChatStreamOptions, problem: string): ConnectError {
  return new ConnectError(redactSecrets(`${options.upstream} sent a broken stream: ${problem}`, options.redact), Code.Unavailable);
}

/** Tracks the upstream's tool-call indexes and emits each fragment under its call's id. */
class ToolCalls {
  private readonly idByIndex = new Map<number, string>();

  constructor(
    private readonly emit: CompletionEmitter,
    private readonly options: ChatStreamOptions,
  ) {}

  fragment(fragment: ToolCallFragment, position: number): void {
    const index = typeof fragment.index === "number" ? fragment.index : position;
    const id = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : undefined;
    const name = fragment.function?.name ?? undefined;
    const argumentsDelta = fragment.function?.arguments ?? "";
    const current = this.idByIndex.get(index);
    if (current !== undefined && (id === undefined || id === current)) {
      this.emit.toolCall(current, { argumentsDelta });
      return;
    }
    if (name === undefined || name === "") {
      throw protocolError(this.options, `tool call ${id === undefined ? `at index ${index}` : JSON.stringify(id)} starts without a function name`);
    }
    const callId = id ?? `call_${index}_${randomBytes(6).toString("hex")}`;
    this.idByIndex.set(index, callId);
    this.emit.toolCall(callId, { name, argumentsDelta });
  }
}

/**
 * Streams a chat completion's SSE events into `emit`: text, tool calls, then the usage from the final
 * chunk and the finish. Stops reading at `[DONE]`. A stream that ends without `[DONE]` and without a
 * finish_reason was cut off: UNAVAILABLE. An error object in the stream becomes UNAVAILABLE with its message.
 */
export async function streamChatCompletion(events: AsyncIterable<ServerSentEvent>, emit: CompletionEmitter, options: ChatStreamOptions): Promise<void> {
  const calls = new ToolCalls(emit, options);
  let finishReason: string | null | undefined;
  let sawFinish = false;
  let done = false;
  let usage: Usage | undefined;

  for await (const sse of events) {
    if (sse.data === "[DONE]") {
      done = true;
      break;
    }
    let chunk: Chunk | undefined;
    try {
      const parsed: unknown = JSON.parse(sse.data);
      if (typeof parsed === "object" && parsed !== null) chunk = parsed;
    } catch {
      // Refused below, unless it is an error event, whose text is its message.
    }
    // An error after the 200: OpenAI sends `{"error": {...}}` as data, some servers an `event: error`.
    if (sse.event === "error" || (chunk?.error !== undefined && chunk.error !== null)) {
      const error = chunk?.error;
      const said = typeof error === "string" ? error : (error?.message ?? sse.data);
      throw new ConnectError(redactSecrets(`${options.upstream} failed mid-stream: ${said}`, options.redact), Code.Unavailable);
    }
    if (chunk === undefined) throw protocolError(options, `an event that is not a JSON object: ${JSON.stringify(sse.data.slice(0, 200))}`);
    for (const choice of chunk.choices ?? []) {
      // We never ask for n > 1; a server that sends other choices anyway is ignored past the first.
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === "string") emit.text(delta.content);
      // A refusal is the assistant's answer to the user; the platform has no separate event for it.
      if (typeof delta.refusal === "string") emit.text(delta.refusal);
      (delta.tool_calls ?? []).forEach((fragment, position) => calls.fragment(fragment, position));
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        finishReason = choice.finish_reason;
        sawFinish = true;
      }
    }
    // Usage comes in the last chunk; some servers repeat it (or send null) on every chunk: the last one wins.
    if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
  }
  if (!done && !sawFinish) throw protocolError(options, "the stream ended before a finish_reason or [DONE]");
  if (usage !== undefined) emit.usage({ inputTokens: tokens(usage.prompt_tokens), outputTokens: tokens(usage.completion_tokens) });
  emit.finish(finishFor(finishReason, options.logger));
}

/** Emits a whole chat completion (the answer of a server that does not stream) as one burst of events. */
export function emitChatCompletion(completion: unknown, emit: CompletionEmitter, options: ChatStreamOptions): void {
  if (typeof completion !== "object" || completion === null) throw protocolError(options, "a response that is not a chat completion object");
  const { choices, usage } = completion as ChatCompletion;
  const choice = choices?.[0];
  if (choice === undefined) throw protocolError(options, "a chat completion without choices");
  const message = choice.message ?? {};
  if (typeof message.content === "string") emit.text(message.content);
  if (typeof message.refusal === "string") emit.text(message.refusal);
  const calls = new ToolCalls(emit, options);
  (message.tool_calls ?? []).forEach((call, position) => calls.fragment({ ...call, index: position }, position));
  if (usage !== undefined && usage !== null) emit.usage({ inputTokens: tokens(usage.prompt_tokens), outputTokens: tokens(usage.completion_tokens) });
  emit.finish(finishFor(choice.finish_reason, options.logger));
}

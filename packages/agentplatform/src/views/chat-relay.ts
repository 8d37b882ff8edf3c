// A `HandleStream` handler that connects a `chat` component to the platform's agents: each browser message
// becomes the input of a `PlatformHost.RunConversation`, and each event of that conversation goes back to
// the browser as one JSON message. The reference leaves the chat WebSocket's frames unspecified; these are
// ours (see `chatInput` and `conversationEventJson`).
import { isJsonObject, messageOf, parseJson } from "@agentwire/core";
import { conversationErrorMessage, type ConversationMessage, type PlatformConversationEvent, type PlatformHostClient } from "../platform-host/client.js";
import type { ViewStreamHandler } from "./view-stream.js";

/**
 * A conversation event as the browser receives it: one JSON object per stream message, with the field
 * names of upstream's `ConversationEvent` (snake case) and only the fields the event's type uses:
 *
 * | type | fields |
 * |---|---|
 * | `content` | `agent`, `content` |
 * | `tool_call` | `agent`, `tool`, `args` (a JSON string) |
 * | `tool_result` | `agent`, `tool`, `result`, `is_error` |
 * | `handoff` | `agent`, `target` |
 * | `finish` | `agent` |
 * | `error` | `agent`, `error_message` |
 *
 * A type the reference does not list is sent with every non-empty field.
 */
export type ChatEventJson = { type: string } & Record<string, string | boolean>;

/** The browser JSON for one conversation event (see `ChatEventJson`). */
export function conversationEventJson(event: PlatformConversationEvent): ChatEventJson {
  switch (event.type) {
    case "content":
      return { type: "content", agent: event.agent, content: event.content };
    case "tool_call":
      return { type: "tool_call", agent: event.agent, tool: event.tool, args: event.args };
    case "tool_result":
      return { type: "tool_result", agent: event.agent, tool: event.tool, result: event.result, is_error: event.isError };
    case "handoff":
      return { type: "handoff", agent: event.agent, target: event.target };
    case "finish":
      return { type: "finish", agent: event.agent };
    case "error":
      return { type: "error", agent: event.agent, error_message: event.errorMessage };
    case "unknown": {
      const out: ChatEventJson = { type: event.rawType };
      const fields: [string, string | boolean][] = [
        ["agent", event.agent],
        ["content", event.content],
        ["tool", event.tool],
        ["args", event.args],
        ["result", event.result],
        ["is_error", event.isError],
        ["target", event.target],
        ["error_message", event.errorMessage],
      ];
      for (const [key, value] of fields) if (value !== "" && value !== false) out[key] = value;
      return out;
    }
  }
}

const decoder = new TextDecoder();

/**
 * The user's input in a browser message. Accepted: a JSON object with a string `input`, `message`,
 * `content` or `text` (the first one present); a JSON string; anything else is taken as plain UTF-8 text.
 * Surrounding whitespace is trimmed.
 */
export function chatInput(data: Uint8Array): string {
  const text = decoder.decode(data);
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    return text.trim();
  }
  if (typeof parsed === "string") return parsed.trim();
  if (isJsonObject(parsed)) {
    for (const key of ["input", "message", "content", "text"]) {
      const value = parsed[key];
      if (typeof value === "string") return value.trim();
    }
  }
  return text.trim();
}

export interface ChatRelayOptions {
  /**
   * Where conversations run. Default: the plugin's own PlatformHost client (`context.platformHost`:
   * `PLATFORM_HOST_ADDR` from the Register env vars, else the process environment).
   */
  host?: PlatformHostClient;
  /**
   * Send the stream's earlier turns (user inputs and the agents' `content`) as `history`, so a follow-up
   * question has its context. Default: true.
   */
  keepHistory?: boolean;
  /** The most history messages sent (the newest are kept). Default: 50. */
  maxHistory?: number;
  /** Reads the user's input from a browser message. Default: `chatInput`. */
  parseInput?: (data: Uint8Array) => string;
}

/**
 * A `HandleStream` handler relaying a `chat` component to `PlatformHost.RunConversation`: every browser
 * message is run as a conversation in the stream's workspace (`workspace_id` of its first message), one
 * after the other, and every event comes back as one JSON message (`ChatEventJson`). Problems the browser
 * should show (an empty message, no workspace, an unreachable platform) come back as
 * `{"type": "error", "agent": "", "error_message": "..."}`, and the stream stays open. Closing the stream
 * cancels a conversation still running.
 *
 * ```ts
 * import { chatRelay, ui, ViewProvider } from "@agentwire/agentplatform";
 *
 * export class Assistant extends ViewProvider {
 *   chat = this.view({ name: "assistant", render: (ctx) => [ui.chat({ stream: ctx.streamUrl })] });
 *   override stream = chatRelay();
 * }
 * ```
 */
export function chatRelay(options: ChatRelayOptions = {}): ViewStreamHandler {
  const keepHistory = options.keepHistory ?? true;
  const maxHistory = options.maxHistory ?? 50;
  const parseInput = options.parseInput ?? chatInput;
  return async (stream, { signal, logger, platformHost }) => {
    const host = options.host ?? platformHost;
    const history: ConversationMessage[] = [];
    const fail = (message: string) => stream.send({ type: "error", agent: "", error_message: message });
    for await (const data of stream.incoming) {
      const input = parseInput(data);
      if (input === "") {
        fail('the message is empty: send text, or JSON like {"input": "..."}');
        continue;
      }
      const workspaceId = stream.metadata.workspaceId;
      if (workspaceId === undefined) {
        fail("this stream has no workspace_id (the platform sends it in the first message), so no conversation can run");
        continue;
      }
      let reply = "";
      try {
        const events = host.runConversation({ workspaceId, input, history: keepHistory ? history.slice(-maxHistory) : [] }, { signal });
        for await (const event of events) {
          if (event.type === "content") reply += event.content;
          stream.send(conversationEventJson(event));
        }
      } catch (err) {
        if (signal.aborted) return;
        logger.warn({ err }, `RunConversation failed: ${messageOf(err)}`);
        fail(conversationErrorMessage(err));
        continue;
      }
      if (keepHistory) history.push({ role: "user", content: input }, { role: "assistant", content: reply });
    }
  };
}

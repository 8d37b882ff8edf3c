// `agentwire-host chat WORKSPACE`: a conversation with a workspace's agents from the terminal, through a
// running host's chat endpoint (POST /api/v1/workspaces/{id}/chat, NDJSON). Each event is printed as it
// arrives: the agent's text as it streams, each tool call and its result, handoffs, errors.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { AgentwireError, messageOf } from "@agentwire/core";
import type { ConversationEvent } from "./agentplatform/loop.js";

export interface ChatOptions {
  workspace: string;
  /** The host's API, e.g. `http://127.0.0.1:7700`. */
  url: string;
  token: string;
  /** One message, then exit; without it, read messages from `input` until it ends. */
  message?: string;
  agent?: string;
  input?: NodeJS.ReadableStream;
  write: (text: string) => void;
}

/** A line of the chat endpoint: a conversation event, or the last line naming the conversation. */
type Event = (ConversationEvent | { type: "conversation"; id: string }) & Partial<ConversationEvent>;

const short = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

/** The token: given, else AGENTWIRE_HOST_TOKEN, else the one `serve` wrote to `.agentwire/host-token` here. */
export function defaultToken(given: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (given) return given;
  if (env.AGENTWIRE_HOST_TOKEN) return env.AGENTWIRE_HOST_TOKEN;
  const file = join(cwd, ".agentwire", "host-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  throw new AgentwireError("invalid_argument", "no token: give --token, set AGENTWIRE_HOST_TOKEN, or run this where `agentwire-host serve` keeps its state (.agentwire/host-token)");
}

/** Sends one message and prints the conversation's events; resolves with the agent's answer and whether it failed. */
async function turn(options: ChatOptions, input: string, history: Array<{ role: string; content: string }>): Promise<{ reply: string; failed: boolean }> {
  let response: Response;
  try {
    response = await fetch(`${options.url}/api/v1/workspaces/${encodeURIComponent(options.workspace)}/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ input, history, ...(options.agent ? { agent: options.agent } : {}) }),
    });
  } catch (err) {
    throw new AgentwireError("unavailable", `nothing answered at ${options.url} (${messageOf(err)}); start the host with agentwire-host serve, or give --url`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new AgentwireError(response.status === 401 || response.status === 403 ? "unauthenticated" : "invalid_argument", `the host answered ${response.status}: ${body.error ?? response.statusText}`);
  }
  const { write } = options;
  let reply = "";
  let failed = false;
  let inText = false;
  const endText = () => {
    if (inText) write("\n");
    inText = false;
  };
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() === "") continue;
      const e = JSON.parse(line) as Event;
      switch (e.type) {
        case "content":
          if (!inText) write(`${e.agent}: `);
          inText = true;
          write(e.content ?? "");
          reply += e.content ?? "";
          break;
        case "tool_call":
          endText();
          write(`  → ${e.tool} ${short(e.args ?? "")}\n`);
          break;
        case "tool_result":
          endText();
          write(`  ${e.is_error ? "✗" : "←"} ${e.tool}: ${short(e.result ?? "")}\n`);
          break;
        case "handoff":
          endText();
          write(`  ⇢ ${e.agent} hands off to ${e.target}${e.content ? `: ${e.content}` : ""}\n`);
          break;
        case "error":
          endText();
          if (e.is_error === false) write(`  ! ${e.error_message}\n`);
          else {
            write(`  error: ${e.error_message}\n`);
            failed = true;
          }
          break;
        case "finish":
          endText();
          break;
        default:
          break;
      }
    }
  }
  endText();
  return { reply, failed };
}

/** Runs the chat; resolves with the exit code (0, or 1 when the last conversation ended in an error). */
export async function chat(options: ChatOptions): Promise<number> {
  const history: Array<{ role: string; content: string }> = [];
  if (options.message !== undefined) {
    const { failed } = await turn(options, options.message, history);
    return failed ? 1 : 0;
  }
  const rl = createInterface({ input: options.input ?? process.stdin, terminal: false });
  let code = 0;
  options.write(`chatting with workspace ${options.workspace} at ${options.url}; one message per line, Ctrl-D to end\n`);
  for await (const line of rl) {
    const input = line.trim();
    if (input === "") continue;
    const { reply, failed } = await turn(options, input, history);
    history.push({ role: "user", content: input }, { role: "assistant", content: reply });
    code = failed ? 1 : 0;
  }
  return code;
}

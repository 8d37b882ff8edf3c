// A fake OpenAI-compatible Chat Completions server on loopback: it records every request and replays
// scripted answers, SSE streams written piece by piece as a real server flushes them (or cut wherever a
// test wants), error documents, or a stream that hangs until the client goes away.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined if it was not JSON). */
  readonly body: Record<string, unknown>;
  /** The body as sent. */
  readonly raw: string;
}

export type FakeReply =
  /** A plain answer: an error document, or a whole (non-streamed) completion. */
  | { readonly status: number; readonly body: string; readonly contentType?: string }
  /**
   * A 200 event stream written as these pieces, in order, `delayMs` apart. With `hang`, the response stays
   * open after the last piece until the client closes the connection.
   */
  | { readonly pieces: readonly (string | Buffer)[]; readonly delayMs?: number; readonly hang?: boolean };

const base = {
  id: "chatcmpl-AbC123",
  object: "chat.completion.chunk",
  created: 1_732_190_000,
  model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_0ba0d124f1",
};

/** One streamed chunk for choice 0, with `usage: null` as OpenAI sends it when include_usage is on. */
export function chunk(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null };
}

/** The final chunk include_usage adds: no choices, the usage. */
export function usageChunk(prompt: number, completion: number): Record<string, unknown> {
  return {
    ...base,
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
  };
}

/** The first delta of a tool call as OpenAI sends it: index, id, type and name, empty arguments. */
export function toolCallStart(index: number, id: string, name: string): Record<string, unknown> {
  const first = index === 0 ? { role: "assistant", content: null, refusal: null } : {};
  return { ...first, tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] };
}

/** A later delta of a tool call: only the index and an arguments fragment. */
export function toolCallArgs(index: number, fragment: string): Record<string, unknown> {
  return { tool_calls: [{ index, function: { arguments: fragment } }] };
}

/** `data: <json>` events, one piece each, then `data: [DONE]` (unless `done: false`). */
export function sse(chunks: readonly unknown[], options: { done?: boolean; eol?: string } = {}): string[] {
  const eol = options.eol ?? "\n";
  const pieces = chunks.map((c) => `data: ${JSON.stringify(c)}${eol}${eol}`);
  if (options.done ?? true) pieces.push(`data: [DONE]${eol}${eol}`);
  return pieces;
}

/** A text completion as OpenAI streams it: role chunk, content chunks, finish, usage, [DONE]. */
export function textStream(parts: readonly string[], finishReason = "stop", usage: [number, number] = [25, 7]): string[] {
  return sse([
    chunk({ role: "assistant", content: "", refusal: null }),
    ...parts.map((content) => chunk({ content })),
    chunk({}, finishReason),
    usageChunk(...usage),
  ]);
}

export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  /** How many streamed responses the client closed before the stream ended. */
  closedByClient = 0;
  private readonly replies: (FakeReply | ((request: RecordedRequest) => FakeReply))[] = [];
  private closeWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:<port>/v1`: what the plugin's `base_url` takes. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  static async start(): Promise<FakeOpenAI> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void fake.answer(req.method ?? "", req.url ?? "", req.headers, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const fake = new FakeOpenAI(server, (server.address() as AddressInfo).port);
    return fake;
  }

  /** Queues the answer to the next request (answers are used in order; a function sees the request). */
  reply(answer: FakeReply | ((request: RecordedRequest) => FakeReply)): this {
    this.replies.push(answer);
    return this;
  }

  /** Resolves when a client has closed a streamed response early (at once if one already did). */
  clientClosed(): Promise<void> {
    if (this.closedByClient > 0) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  get lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (last === undefined) throw new Error("the fake upstream has received no request");
    return last;
  }

  reset(): void {
    this.requests.length = 0;
    this.replies.length = 0;
    this.closedByClient = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(method: string, path: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // Recorded as {}; the test sees it.
    }
    const request = { method, path, headers, body, raw };
    this.requests.push(request);
    const next = this.replies.shift();
    if (next === undefined) {
      res.writeHead(500, { "content-type": "application/json" }).end('{"error":{"message":"the fake upstream has no reply queued"}}');
      return;
    }
    const reply = typeof next === "function" ? next(request) : next;
    if ("status" in reply) {
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" }).end(reply.body);
      return;
    }
    res.on("close", () => {
      if (res.writableFinished) return;
      this.closedByClient += 1;
      const waiters = this.closeWaiters;
      this.closeWaiters = [];
      for (const resolve of waiters) resolve();
    });
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    for (const piece of reply.pieces) {
      if (res.destroyed) return;
      res.write(piece);
      if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    }
    if (!reply.hang) res.end();
  }
}

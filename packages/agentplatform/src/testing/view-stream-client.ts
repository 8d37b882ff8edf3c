// Driving HandleStream the way the platform does: a first message with the stream's metadata, then the
// browser's bytes, and the plugin's messages read one at a time.
import type { Client } from "@connectrpc/connect";
import { parseJson, stringifyJson, type JsonValue } from "@agentwire/core";
import type { ViewProvider } from "../gen/agentplatform/v1/view_pb.js";

/** A typed `agentplatform.v1.ViewProvider` client. */
type ViewClient = Client<typeof ViewProvider>;

/** A `HandleStream` call opened the way the platform opens one: metadata first, then the browser's bytes. */
export interface TestViewStream {
  /** Sends one browser message: bytes as they are, a string as UTF-8, anything else as JSON (lossless). */
  send(data: Uint8Array | string | object | number | bigint | boolean | null): void;
  /** Closes the platform's side (the browser hung up cleanly); the plugin may still answer. */
  end(): void;
  /** Cancels the call (the browser went away). */
  cancel(): void;
  /** The next message from the plugin, or undefined once the stream has ended. */
  next(): Promise<Uint8Array | undefined>;
  /** `next()` as UTF-8 text. */
  nextText(): Promise<string | undefined>;
  /** `next()` parsed as JSON, losslessly (core's `parseJson`). */
  nextJson<T = JsonValue>(): Promise<T | undefined>;
  /** Every remaining message, once the plugin ends the stream. */
  rest(): Promise<Uint8Array[]>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode(data: Uint8Array | string | object | number | bigint | boolean | null): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return encoder.encode(typeof data === "string" ? data : (stringifyJson(data) ?? "null"));
}

/** A push-fed async iterable: what a bidirectional client call reads its requests from. */
function pushable<T>(): { push(item: T): void; end(): void; iterable: AsyncIterable<T> } {
  const items: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(item) {
      if (ended) throw new Error("the stream's platform side is already closed");
      items.push(item);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const item = items.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}

/**
 * Opens `HandleStream` on a plugin like the platform does: a first message with `metadata` (use upstream's
 * keys: `workspace_id`, `user_id`, `user_email`) and, if given, `firstData`; then whatever `send` is given.
 *
 * ```ts
 * const stream = driver.openStream({ workspace_id: "ws-1", user_id: "u-1" });
 * stream.send({ input: "hello" });
 * expect(await stream.nextJson()).toEqual({ type: "content", agent: "assistant", content: "You said: hello" });
 * stream.end();
 * ```
 */
/** Options of `openStream`. */
export interface OpenStreamOptions {
  /** Data the first message carries besides the metadata. Default: none. */
  firstData?: Uint8Array | string;
  /** The call's deadline, in milliseconds. Default: none. */
  timeoutMs?: number;
}

export function openViewStream(client: ViewClient, metadata: Record<string, string>, options: OpenStreamOptions = {}): TestViewStream {
  const requests = pushable<{ data: Uint8Array; metadata: Record<string, string> }>();
  requests.push({ data: options.firstData === undefined ? new Uint8Array() : encode(options.firstData), metadata });
  const abort = new AbortController();
  const responses = client.handleStream(requests.iterable, { signal: abort.signal, timeoutMs: options.timeoutMs })[Symbol.asyncIterator]();
  const next = async () => {
    const result = await responses.next();
    return result.done ? undefined : result.value.data;
  };
  return {
    send: (data) => requests.push({ data: encode(data), metadata: {} }),
    end: () => requests.end(),
    cancel: () => abort.abort(),
    next,
    async nextText() {
      const data = await next();
      return data === undefined ? undefined : decoder.decode(data);
    },
    async nextJson<T>() {
      const data = await next();
      return data === undefined ? undefined : (parseJson(decoder.decode(data)) as T);
    },
    async rest() {
      const out: Uint8Array[] = [];
      for (let data = await next(); data !== undefined; data = await next()) out.push(data);
      return out;
    },
  };
}


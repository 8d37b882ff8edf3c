// HandleStream: the platform bridges a browser WebSocket to this bidirectional RPC and relays bytes without
// looking at them. Its first message carries metadata (workspace_id, user_id, user_email); every later
// message carries data only. The wrapper hands that metadata to the handler, gives it the incoming bytes as
// an async iterable and a `send` for outgoing ones, and ends the RPC when the handler returns.
import type { HandlerContext } from "@connectrpc/connect";
import { AgentwireError, messageOf, stringifyJson, type Logger } from "@agentwire/core";
import { toConnectError } from "@agentwire/core/grpc";
import type { ConfigSchema } from "../config-schema.js";
import type { StreamMessage } from "../gen/agentplatform/v1/view_pb.js";
import { CallContext, type ContextSource, type PluginContext } from "../plugin-context.js";

/** The metadata keys upstream's reference documents for a stream's first message. */
export const streamMetadataKeys = {
  workspaceId: "workspace_id",
  userId: "user_id",
  userEmail: "user_email",
} as const;

/** What the platform said about a stream in its first message. */
export interface ViewStreamMetadata {
  /** `workspace_id`: the workspace whose view opened the stream. */
  readonly workspaceId: string | undefined;
  /** `user_id`: the authenticated user. */
  readonly userId: string | undefined;
  /** `user_email`: the authenticated user's email. */
  readonly userEmail: string | undefined;
  /** Every metadata entry, including keys the reference does not list. */
  readonly all: Readonly<Record<string, string>>;
}

/**
 * A value `send` writes as JSON (losslessly: a `bigint` or `LosslessNumber` is written exactly): anything
 * but a string (sent as text) or bytes (sent as they are).
 */
export type ViewStreamJson = object | number | bigint | boolean | null;

/** One open stream, as its handler sees it. */
export interface ViewStream {
  readonly metadata: ViewStreamMetadata;
  /**
   * The browser's messages, as bytes, in order (data the first message carried, if any, comes first).
   * Ends when the platform closes its side.
   */
  readonly incoming: AsyncIterable<Uint8Array>;
  /** `incoming` decoded as UTF-8 text. Read one or the other, not both. */
  texts(): AsyncIterable<string>;
  /**
   * Queues one message to the browser: bytes as they are, a string as UTF-8, anything else as JSON (one
   * JSON document per message, no newline). Returns false, and sends nothing, once the stream has ended.
   */
  send(data: Uint8Array | string | ViewStreamJson): boolean;
}

/**
 * What a stream handler gets besides the stream: the plugin's context. Its `signal` fires when the platform
 * (or browser) goes away, the call's deadline passes or the server stops.
 */
export type ViewStreamContext<S extends ConfigSchema = ConfigSchema> = PluginContext<S>;

/**
 * Serves one `HandleStream` call. The RPC ends when the returned promise settles: return once the
 * conversation is over (usually when `incoming` ends); throw to end it with an error.
 *
 * ```ts
 * import type { ViewStreamHandler } from "@agentwire/agentplatform";
 *
 * export const echo: ViewStreamHandler = async (stream) => {
 *   for await (const text of stream.texts()) stream.send({ echo: text, user: stream.metadata.userId });
 * };
 * ```
 */
export type ViewStreamHandler<S extends ConfigSchema = ConfigSchema> = (stream: ViewStream, context: ViewStreamContext<S>) => void | Promise<void>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode(data: Uint8Array | string | ViewStreamJson): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") return encoder.encode(data);
  const json = stringifyJson(data);
  if (json === undefined) throw new TypeError(`stream.send: ${typeof data} cannot be written as JSON`);
  return encoder.encode(json);
}

/** An unbounded queue of outgoing messages that a generator drains, waking on push, close or abort. */
class Outbox {
  private readonly items: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private closedWith: { error?: unknown } | undefined;

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  push(item: Uint8Array): boolean {
    if (this.closedWith) return false;
    this.items.push(item);
    this.notify();
    return true;
  }

  close(error?: unknown): void {
    if (this.closedWith) return;
    this.closedWith = error === undefined ? {} : { error };
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const onAbort = () => this.notify();
    signal.addEventListener("abort", onAbort);
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (signal.aborted) return;
        if (this.closedWith) {
          if ("error" in this.closedWith) throw this.closedWith.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
}

function readMetadata(raw: Readonly<Record<string, string>>): ViewStreamMetadata {
  const get = (key: string) => (raw[key] === undefined || raw[key] === "" ? undefined : raw[key]);
  return {
    workspaceId: get(streamMetadataKeys.workspaceId),
    userId: get(streamMetadataKeys.userId),
    userEmail: get(streamMetadataKeys.userEmail),
    all: { ...raw },
  };
}

/** The `handleStream` implementation for a Connect router, around `handler`. */
export function serveViewStream(
  handler: ViewStreamHandler,
  plugin: ContextSource,
  logger: Logger,
): (requests: AsyncIterable<StreamMessage>, ctx: HandlerContext) => AsyncGenerator<{ data: Uint8Array }> {
  return async function* handleStream(requests, ctx) {
    const iterator = requests[Symbol.asyncIterator]();
    let first: IteratorResult<StreamMessage>;
    try {
      first = await iterator.next();
    } catch (err) {
      if (ctx.signal.aborted) return;
      throw toConnectError(err);
    }
    // The platform closed its side without a word: nothing to serve.
    if (first.done) return;

    const metadata = readMetadata(first.value.metadata);
    const log = logger.child({ rpc: "HandleStream", workspaceId: metadata.workspaceId, userId: metadata.userId });
    // Aborted when the RPC ends for any reason, so a handler still running learns it should stop.
    const ended = new AbortController();
    const signal = AbortSignal.any([ctx.signal, ended.signal]);
    const outbox = new Outbox();
    // Once the RPC is over, nothing more can be sent: `send` says so by returning false.
    signal.addEventListener("abort", () => outbox.close(), { once: true });
    const firstData = first.value.data;
    const incoming: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: async function* () {
        if (firstData.length > 0) yield firstData;
        for (;;) {
          let next: IteratorResult<StreamMessage>;
          try {
            next = await iterator.next();
          } catch (err) {
            if (signal.aborted) return;
            throw err;
          }
          if (next.done) return;
          yield next.value.data;
        }
      },
    };
    let consumed = false;
    const once = (): AsyncIterable<Uint8Array> => {
      if (consumed) throw new AgentwireError("failed_precondition", "a stream's incoming messages can be read once: use incoming or texts(), not both");
      consumed = true;
      return incoming;
    };
    const stream: ViewStream = {
      metadata,
      get incoming() {
        return once();
      },
      texts: () => {
        const source = once();
        return {
          [Symbol.asyncIterator]: async function* () {
            for await (const chunk of source) yield decoder.decode(chunk);
          },
        };
      },
      send: (data) => outbox.push(encode(data)),
    };

    log.debug({ metadataKeys: Object.keys(metadata.all) }, "stream opened");
    const running = (async () => handler(stream, new CallContext(plugin, signal, ctx.timeoutMs, log)))();
    running.then(
      () => outbox.close(),
      (err: unknown) => {
        if (!signal.aborted) log.error({ err }, `stream handler failed: ${messageOf(err)}`);
        outbox.close(toConnectError(err));
      },
    );
    try {
      for await (const data of outbox.drain(ctx.signal)) yield { data };
      log.debug(ctx.signal.aborted ? "stream canceled" : "stream closed");
    } finally {
      ended.abort(new AgentwireError("canceled", "stream ended"));
      // The platform's side may still be open (the handler returned first): stop reading it.
      void iterator.return?.()?.catch(() => undefined);
    }
  };
}

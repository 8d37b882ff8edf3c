// Testing helpers for the views provider and the PlatformHost client: a ViewProvider client, a helper to
// drive HandleStream as the platform does, and a scriptable fake PlatformHost (the platform's callback
// service) served on a loopback port or in-process.
import { createServer } from "node:http2";
import { createClient, createRouterTransport, type Client, type ConnectRouter, type Transport } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { listenGracefully } from "@agentwire/core";
import { PlatformHost } from "../gen/agentplatform/v1/platform_pb.js";
import { ViewProvider } from "../gen/agentplatform/v1/view_pb.js";
import { toConnectError } from "../wire-error.js";

/** A typed `agentplatform.v1.ViewProvider` client: `listViews`, `renderView`, `handleRoute`, `handleStream`. */
export type ViewClient = Client<typeof ViewProvider>;

/**
 * A ViewProvider client over any transport: in-process (`createInProcessTransport(plugin)`) for unit tests,
 * `createNetworkTransport(url)` for a served plugin.
 *
 * ```ts
 * const views = createViewClient(createInProcessTransport(plugin));
 * const res = await views.handleRoute({ method: "POST", path: "/api/tasks", body: new TextEncoder().encode('{"title":"x"}') });
 * expect(res.statusCode).toBe(201);
 * ```
 */
export function createViewClient(transport: Transport): ViewClient {
  return createClient(ViewProvider, transport);
}

/** A `HandleStream` call opened the way the platform opens one: metadata first, then the browser's bytes. */
export interface TestViewStream {
  /** Sends one browser message: bytes as they are, a string as UTF-8, anything else as JSON. */
  send(data: Uint8Array | string | object | number | boolean | null): void;
  /** Closes the platform's side (the browser hung up cleanly); the plugin may still answer. */
  end(): void;
  /** Cancels the call (the browser went away). */
  cancel(): void;
  /** The next message from the plugin, or undefined once the stream has ended. */
  next(): Promise<Uint8Array | undefined>;
  /** `next()` as UTF-8 text. */
  nextText(): Promise<string | undefined>;
  /** `next()` parsed as JSON. */
  nextJson<T = unknown>(): Promise<T | undefined>;
  /** Every remaining message, once the plugin ends the stream. */
  rest(): Promise<Uint8Array[]>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode(data: Uint8Array | string | object | number | boolean | null): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return encoder.encode(typeof data === "string" ? data : JSON.stringify(data));
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
 * const stream = openViewStream(createInProcessTransport(plugin), { workspace_id: "ws-1", user_id: "u-1" });
 * stream.send({ input: "hello" });
 * expect(await stream.nextJson()).toEqual({ type: "content", agent: "assistant", content: "You said: hello" });
 * stream.end();
 * ```
 */
export function openViewStream(
  target: Transport | ViewClient,
  metadata: Record<string, string>,
  options: { firstData?: Uint8Array | string; timeoutMs?: number } = {},
): TestViewStream {
  const client = "handleStream" in target ? target : createViewClient(target);
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
      return data === undefined ? undefined : (JSON.parse(decoder.decode(data)) as T);
    },
    async rest() {
      const out: Uint8Array[] = [];
      for (let data = await next(); data !== undefined; data = await next()) out.push(data);
      return out;
    },
  };
}

/** An event a fake PlatformHost sends: `ConversationEvent`'s fields (camel case), all optional. */
export interface FakeConversationEvent {
  type?: string;
  agent?: string;
  content?: string;
  tool?: string;
  args?: string;
  result?: string;
  isError?: boolean;
  target?: string;
  errorMessage?: string;
}

/** One `RunConversation` the fake received. */
export interface FakeConversationCall {
  readonly workspaceId: string;
  readonly input: string;
  readonly history: readonly { role: string; content: string }[];
  /** `running` until the script ends; `canceled` when the plugin cancelled the call first. */
  readonly state: "running" | "completed" | "canceled" | "failed";
}

/**
 * What the fake answers a conversation with: events (a list or an async generator, which can wait on
 * `signal` to play a long conversation). Throw to fail the call with that error (an `AgentwireError` keeps
 * its code).
 */
export type FakeConversationScript = (
  call: { workspaceId: string; input: string; history: readonly { role: string; content: string }[] },
  context: { signal: AbortSignal },
) => Iterable<FakeConversationEvent> | AsyncIterable<FakeConversationEvent>;

export interface FakePlatformHostOptions {
  /** Default: echo, `{type: "content", agent: "assistant", content: "You said: <input>"}` then `finish`. */
  script?: FakeConversationScript;
  /** Default: 0 (a free port). */
  port?: number;
  /** Default: `127.0.0.1`. */
  host?: string;
}

/** A fake of the platform's `PlatformHost` service. */
export interface FakePlatformHost {
  /** `127.0.0.1:<port>`: what to put in `PLATFORM_HOST_ADDR`. */
  readonly address: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The same service in-process, without the port. */
  readonly transport: Transport;
  /** Every `RunConversation` received, in order. */
  readonly calls: readonly FakeConversationCall[];
  /** Resolves once `count` calls have been received (default: one more than now). */
  waitForCall(count?: number): Promise<FakeConversationCall>;
  /** Stops the server, cutting calls still running. */
  close(): Promise<void>;
}

/** The fake's default script: echoes the input. */
export const echoConversation: FakeConversationScript = (call) => [
  { type: "content", agent: "assistant", content: `You said: ${call.input}` },
  { type: "finish", agent: "assistant" },
];

/**
 * A fake PlatformHost on a loopback port (and in-process, as `transport`) that records every
 * `RunConversation` and answers it from `script`. Point a plugin at it with `PLATFORM_HOST_ADDR` (in the
 * Register env vars or the process environment) or pass `fake.transport` to `createPlatformHostClient`.
 *
 * ```ts
 * const host = await createFakePlatformHost({
 *   script: ({ input }) => [{ type: "content", agent: "triage", content: `echo ${input}` }, { type: "finish" }],
 * });
 * await client.register({ envVars: { PLATFORM_HOST_ADDR: host.address } });
 * // ... then: expect(host.calls[0]).toMatchObject({ workspaceId: "ws-1", input: "hello" });
 * await host.close();
 * ```
 */
export async function createFakePlatformHost(options: FakePlatformHostOptions = {}): Promise<FakePlatformHost> {
  const script = options.script ?? echoConversation;
  const calls: (FakeConversationCall & { state: FakeConversationCall["state"] })[] = [];
  const waiters: { count: number; resolve: (call: FakeConversationCall) => void }[] = [];

  const routes = (router: ConnectRouter) => {
    router.service(PlatformHost, {
      async *runConversation(req, ctx) {
        const call = {
          workspaceId: req.workspaceId,
          input: req.input,
          history: req.history.map((m) => ({ role: m.role, content: m.content })),
          state: "running" as FakeConversationCall["state"],
        };
        calls.push(call);
        for (const waiter of [...waiters]) {
          if (calls.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(calls[waiter.count - 1]!);
          }
        }
        try {
          for await (const event of script({ workspaceId: call.workspaceId, input: call.input, history: call.history }, { signal: ctx.signal })) {
            if (ctx.signal.aborted) break;
            yield event;
          }
          call.state = ctx.signal.aborted ? "canceled" : "completed";
        } catch (err) {
          call.state = ctx.signal.aborted ? "canceled" : "failed";
          throw toConnectError(err);
        } finally {
          // A generator the client stopped reading ends here without an error.
          if (call.state === "running") call.state = "canceled";
        }
      },
    });
  };

  const server = createServer(connectNodeAdapter({ routes }));
  const listening = await listenGracefully(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const host = listening.host.includes(":") ? `[${listening.host}]` : listening.host;
  return {
    address: `${host}:${listening.port}`,
    url: `http://${host}:${listening.port}`,
    port: listening.port,
    transport: createRouterTransport(routes),
    calls,
    waitForCall(count = calls.length + 1) {
      if (calls.length >= count) return Promise.resolve(calls[count - 1]!);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => listening.close(0),
  };
}

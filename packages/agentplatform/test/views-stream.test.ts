// HandleStream: the first message's metadata, bytes both ways, ending and cancelling; and chatRelay, which
// relays a chat component to PlatformHost.RunConversation.
import { afterEach, describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { silentLogger } from "@agentwire/core";
import { LosslessNumber } from "@agentwire/core";
import {
  AgentwireError,
  chatInput,
  chatRelay,
  conversationEventJson,
  createPlatformHostClient,
  Plugin,
  serve,
  ui,
  ViewProvider,
  type AnyPlugin,
  type PluginServer,
  type ViewStream,
  type ViewStreamContext,
  type ViewStreamHandler,
} from "../src/index.js";
import { createFakePlatformHost, createPluginDriver, type FakePlatformHost, type OpenStreamOptions } from "../src/testing/index.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A chat view whose stream handler a test passes in (or none). */
class ChatViews extends ViewProvider {
  chat = this.view({ name: "chat", render: (ctx) => ui.chat({ stream: ctx.streamUrl }) });

  constructor(handler?: ViewStreamHandler) {
    super();
    if (handler) this.stream = handler;
  }
}

function streamPlugin(stream?: ViewStreamHandler) {
  return new Plugin({ name: "dashboard", version: "1.0.0", manifest: { description: "Chat", author: "Tests" }, providers: [new ChatViews(stream)] });
}

/** Opens HandleStream in-process, as the platform does. */
const openStream = (plugin: AnyPlugin, meta: Record<string, string>, options?: OpenStreamOptions) => createPluginDriver({ plugin }).openStream(meta, options);
/** Opens HandleStream over the network. */
const openRemoteStream = (url: string, meta: Record<string, string>) => createPluginDriver({ url }).openStream(meta);

const metadata = { workspace_id: "ws-1", user_id: "u-7", user_email: "ada@example.com", trace: "t-1" };

/** A deferred: resolves to what the handler saw. */
function capture<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("HandleStream", () => {
  it("hands the first message's metadata to the handler and relays bytes both ways", async () => {
    const seen = capture<ViewStream["metadata"]>();
    const plugin = streamPlugin(async (stream) => {
      seen.resolve(stream.metadata);
      stream.send({ hello: stream.metadata.userEmail });
      for await (const data of stream.incoming) {
        stream.send(data.slice().reverse());
        stream.send(`got ${data.length} bytes`);
      }
      stream.send("bye");
    });
    const stream = openStream(plugin, metadata, { firstData: "first" });
    expect(await seen.promise).toEqual({ workspaceId: "ws-1", userId: "u-7", userEmail: "ada@example.com", all: metadata });
    expect(await stream.nextJson()).toEqual({ hello: "ada@example.com" });
    // Data the first message carried comes first.
    expect(await stream.nextText()).toBe("tsrif");
    expect(await stream.nextText()).toBe("got 5 bytes");
    stream.send(new Uint8Array([0, 1, 2, 255]));
    expect([...(await stream.next())!]).toEqual([255, 2, 1, 0]);
    expect(await stream.nextText()).toBe("got 4 bytes");
    stream.end();
    expect((await stream.rest()).map((d) => decoder.decode(d))).toEqual(["bye"]);
  });

  it("gives missing metadata as undefined, and decodes text with texts()", async () => {
    const seen = capture<ViewStream["metadata"]>();
    const plugin = streamPlugin(async (stream) => {
      seen.resolve(stream.metadata);
      for await (const text of stream.texts()) stream.send(text.toUpperCase());
    });
    const stream = openStream(plugin, {});
    stream.send("héllo");
    expect(await stream.nextText()).toBe("HÉLLO");
    stream.end();
    expect(await stream.rest()).toEqual([]);
    expect(await seen.promise).toEqual({ workspaceId: undefined, userId: undefined, userEmail: undefined, all: {} });
  });

  it("ends the stream when the handler returns, even with the platform's side still open", async () => {
    const plugin = streamPlugin((stream) => {
      stream.send("only this");
    });
    const stream = openStream(plugin, metadata);
    expect(await stream.nextText()).toBe("only this");
    expect(await stream.next()).toBeUndefined();
  });

  it("aborts the handler's signal when the platform cancels, and send then returns false", async () => {
    const ended = capture<{ aborted: boolean; sent: boolean }>();
    const started = capture<void>();
    const plugin = streamPlugin(async (stream: ViewStream, { signal }: ViewStreamContext) => {
      stream.send("ready");
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      ended.resolve({ aborted: signal.aborted, sent: stream.send("too late") });
    });
    const stream = openStream(plugin, metadata);
    expect(await stream.nextText()).toBe("ready");
    await started.promise;
    stream.cancel();
    await expect(stream.next()).rejects.toMatchObject({ code: Code.Canceled });
    expect(await ended.promise).toEqual({ aborted: true, sent: false });
  });

  it("ends the call with the handler's error code", async () => {
    const plugin = streamPlugin(() => {
      throw new AgentwireError("permission_denied", "user u-7 may not chat here");
    });
    const stream = openStream(plugin, metadata);
    const err = (await stream.next().catch((e: unknown) => e)) as ConnectError;
    expect(err).toBeInstanceOf(ConnectError);
    expect([err.code, err.rawMessage]).toEqual([Code.PermissionDenied, "user u-7 may not chat here"]);
  });

  it("answers UNIMPLEMENTED when the provider has no stream handler", async () => {
    const stream = openStream(streamPlugin(), metadata);
    await expect(stream.next()).rejects.toMatchObject({ code: Code.Unimplemented });
  });

  it("relays both ways over a real socket", async () => {
    const plugin = streamPlugin(async (stream) => {
      for await (const text of stream.texts()) stream.send({ echo: text, workspace: stream.metadata.workspaceId });
    });
    const server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    try {
      const stream = openRemoteStream(server.url, metadata);
      for (const word of ["one", "two", "three"]) {
        stream.send(word);
        expect(await stream.nextJson()).toEqual({ echo: word, workspace: "ws-1" });
      }
      stream.end();
      expect(await stream.rest()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("writes JSON messages losslessly, and the stream's context carries the plugin's context", async () => {
    const plugin = streamPlugin(async (stream, { config, env, timeoutMs, platformHost }) => {
      stream.send({ id: 2n ** 64n - 1n, ratio: new LosslessNumber("1.0"), hasHost: typeof platformHost.runConversation === "function", deadline: timeoutMs() ?? null });
      stream.send({ config, env });
    });
    const driver = createPluginDriver({ plugin });
    await driver.register({ envVars: { A: "1" } });
    const stream = driver.openStream(metadata);
    expect(await stream.nextText()).toBe('{"id":18446744073709551615,"ratio":1.0,"hasHost":true,"deadline":null}');
    expect(await stream.nextJson()).toEqual({ config: {}, env: { A: "1" } });
  });
});

describe("chatInput and conversationEventJson", () => {
  it("reads the input from JSON fields, a JSON string or plain text", () => {
    const input = (text: string) => chatInput(encoder.encode(text));
    expect(input('{"input":" hi "}')).toBe("hi");
    expect(input('{"message":"m"}')).toBe("m");
    expect(input('{"content":"c","text":"t"}')).toBe("c");
    expect(input('{"text":"t"}')).toBe("t");
    expect(input('"quoted"')).toBe("quoted");
    expect(input("plain words\n")).toBe("plain words");
    expect(input("42")).toBe("42");
    expect(input('{"other":1}')).toBe('{"other":1}');
  });

  it("writes events with upstream's snake_case names and only their type's fields", () => {
    expect(conversationEventJson({ type: "tool_result", agent: "a", tool: "t", result: "{}", isError: true })).toEqual({
      type: "tool_result",
      agent: "a",
      tool: "t",
      result: "{}",
      is_error: true,
    });
    expect(conversationEventJson({ type: "error", agent: "", errorMessage: "boom" })).toEqual({ type: "error", agent: "", error_message: "boom" });
    expect(
      conversationEventJson({ type: "unknown", rawType: "thinking", agent: "a", content: "hm", tool: "", args: "", result: "", isError: false, target: "", errorMessage: "" }),
    ).toEqual({ type: "thinking", agent: "a", content: "hm" });
  });
});

describe("chatRelay", () => {
  let host: FakePlatformHost | undefined;
  let server: PluginServer | undefined;
  afterEach(async () => {
    await server?.close();
    await host?.close();
    server = host = undefined;
  });

  it("runs each message as a conversation in the stream's workspace and sends its events back, with history", async () => {
    host = await createFakePlatformHost({
      script: ({ input, history }) => [
        { type: "content", agent: "triage", content: `${input} (${history.length} before)` },
        { type: "tool_call", agent: "triage", tool: "lookup", args: '{"q":1}' },
        { type: "tool_result", agent: "triage", tool: "lookup", result: "ok" },
        { type: "handoff", agent: "triage", target: "helper" },
        { type: "content", agent: "helper", content: "!" },
        { type: "finish", agent: "helper" },
      ],
    });
    const plugin = streamPlugin(chatRelay({ host: createPlatformHostClient({ transport: host.transport }) }));
    const stream = openStream(plugin, metadata);
    stream.send({ input: "hello" });
    const first = [];
    for (let i = 0; i < 6; i++) first.push(await stream.nextJson());
    expect(first).toEqual([
      { type: "content", agent: "triage", content: "hello (0 before)" },
      { type: "tool_call", agent: "triage", tool: "lookup", args: '{"q":1}' },
      { type: "tool_result", agent: "triage", tool: "lookup", result: "ok", is_error: false },
      { type: "handoff", agent: "triage", target: "helper" },
      { type: "content", agent: "helper", content: "!" },
      { type: "finish", agent: "helper" },
    ]);
    stream.send("and again");
    expect(await stream.nextJson()).toEqual({ type: "content", agent: "triage", content: "and again (2 before)" });
    stream.end();
    expect((await stream.rest()).length).toBe(5);
    expect(host.calls).toEqual([
      { workspaceId: "ws-1", input: "hello", history: [], state: "completed" },
      {
        workspaceId: "ws-1",
        input: "and again",
        history: [
          { role: "user", content: "hello" },
          { role: "assistant", content: "hello (0 before)!" },
        ],
        state: "completed",
      },
    ]);
  });

  it("finds the host from PLATFORM_HOST_ADDR in the Register env vars, over real sockets", async () => {
    host = await createFakePlatformHost();
    // Without a host, the relay uses the plugin's own client: the address from its Register env vars.
    class Relay extends ViewProvider {
      chat = this.view({ name: "chat", render: () => [] });
      override stream = chatRelay();
    }
    const withRelay = new Plugin({ name: "dashboard", version: "1.0.0", manifest: { description: "Chat", author: "Tests" }, providers: [new Relay()] });
    server = await serve({ plugin: withRelay, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    const driver = createPluginDriver({ url: server.url });
    await driver.register({ envVars: { PLATFORM_HOST_ADDR: host.address } });
    const stream = driver.openStream({ workspace_id: "ws-remote", user_id: "u-1" });
    stream.send("what is open?");
    expect(await stream.nextJson()).toEqual({ type: "content", agent: "assistant", content: "You said: what is open?" });
    expect(await stream.nextJson()).toEqual({ type: "finish", agent: "assistant" });
    expect(host.calls).toEqual([{ workspaceId: "ws-remote", input: "what is open?", history: [], state: "completed" }]);
    stream.end();
    expect(await stream.rest()).toEqual([]);
  });

  it("answers error frames for an empty message, a stream without workspace and an unreachable host, and stays open", async () => {
    host = await createFakePlatformHost();
    const address = host.address;
    await host.close();
    host = undefined;
    const plugin = streamPlugin(chatRelay({ host: createPlatformHostClient({ address }) }));
    const noWorkspace = openStream(plugin, { user_id: "u-1" });
    noWorkspace.send("hi");
    expect(await noWorkspace.nextJson()).toEqual({
      type: "error",
      agent: "",
      error_message: "this stream has no workspace_id (the platform sends it in the first message), so no conversation can run",
    });
    noWorkspace.end();

    const stream = openStream(plugin, metadata);
    stream.send("   ");
    expect(await stream.nextJson()).toEqual({ type: "error", agent: "", error_message: 'the message is empty: send text, or JSON like {"input": "..."}' });
    stream.send("hello?");
    const unreachable = await stream.nextJson<{ type: string; error_message: string }>();
    expect(unreachable?.type).toBe("error");
    expect(unreachable?.error_message).toMatch(new RegExp(`^PlatformHost at ${address} is unreachable: `));
    stream.end();
    expect(await stream.rest()).toEqual([]);
  });

  it("cancels a running conversation when the stream is cancelled", async () => {
    host = await createFakePlatformHost({
      script: async function* (_call, { signal }) {
        yield { type: "content", agent: "slow", content: "thinking..." };
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
    });
    server = await serve({
      plugin: streamPlugin(chatRelay({ host: createPlatformHostClient({ address: host.address }) })),
      mode: "remote",
      port: 0,
      host: "127.0.0.1",
      handleSignals: false,
      logger: silentLogger(),
    });
    const stream = openRemoteStream(server.url, metadata);
    stream.send("take your time");
    expect(await stream.nextJson()).toEqual({ type: "content", agent: "slow", content: "thinking..." });
    expect(host.calls[0]?.state).toBe("running");
    stream.cancel();
    await expect(stream.next()).rejects.toMatchObject({ code: Code.Canceled });
    expect((await host.ended(0)).state).toBe("canceled");
  });
});

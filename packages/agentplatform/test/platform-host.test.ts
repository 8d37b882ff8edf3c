// The PlatformHost client: finding the address (Register env vars, then PLATFORM_HOST_ADDR), typed events
// from RunConversation against the fake host, errors and cancellation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { AgentwireError, createPlatformHostClient, Plugin, type PlatformConversationEvent } from "../src/index.js";
import { platformHostBaseUrl, resolvePlatformHostAddress } from "../src/platform-host/address.js";
import { createFakePlatformHost, createPluginDriver, type FakePlatformHost } from "../src/testing/index.js";

function plugin() {
  return new Plugin({ name: "p", version: "1.0.0", manifest: { description: "d", author: "a" } });
}

async function collect(events: AsyncIterable<PlatformConversationEvent>): Promise<PlatformConversationEvent[]> {
  const out: PlatformConversationEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("resolvePlatformHostAddress", () => {
  it("prefers the Register env vars, then the process environment", () => {
    expect(resolvePlatformHostAddress({ registerEnv: { PLATFORM_HOST_ADDR: "10.0.0.5:7000" }, processEnv: { PLATFORM_HOST_ADDR: "127.0.0.1:1" } })).toEqual({
      address: "10.0.0.5:7000",
      baseUrl: "http://10.0.0.5:7000",
      source: "register",
    });
    expect(resolvePlatformHostAddress({ registerEnv: { OTHER: "x" }, processEnv: { PLATFORM_HOST_ADDR: "127.0.0.1:7001" } })).toEqual({
      address: "127.0.0.1:7001",
      baseUrl: "http://127.0.0.1:7001",
      source: "environment",
    });
    expect(resolvePlatformHostAddress({ registerEnv: { PLATFORM_HOST_ADDR: "" }, processEnv: { PLATFORM_HOST_ADDR: "h:1" } }).source).toBe("environment");
  });

  it("names both places when neither has it, and says when Register has not happened", () => {
    const err = (() => {
      try {
        resolvePlatformHostAddress({ registerEnv: {}, processEnv: {} });
      } catch (e) {
        return e;
      }
    })() as AgentwireError;
    expect(err).toBeInstanceOf(AgentwireError);
    expect(err.code).toBe("failed_precondition");
    expect(err.message).toBe(
      "no PlatformHost address: PLATFORM_HOST_ADDR is neither in the Register env vars (where a remote plugin gets it) nor in the process environment (where a local plugin gets it)",
    );
    expect(() => resolvePlatformHostAddress({ processEnv: {} })).toThrow(/the platform has not called Register yet/);
  });

  it("takes host:port, [v6]:port, :port, URLs and dns:/// targets, and refuses anything else naming where it came from", () => {
    expect(platformHostBaseUrl("localhost:7000")).toBe("http://localhost:7000");
    expect(platformHostBaseUrl("[::1]:7000")).toBe("http://[::1]:7000");
    expect(platformHostBaseUrl(":7000")).toBe("http://127.0.0.1:7000");
    expect(platformHostBaseUrl(" http://host.internal:7000/ ")).toBe("http://host.internal:7000");
    expect(platformHostBaseUrl("https://platform.example.com")).toBe("https://platform.example.com");
    expect(platformHostBaseUrl("dns:///platform:7000")).toBe("http://platform:7000");
    expect(() => platformHostBaseUrl("platform", "register")).toThrow(
      'PLATFORM_HOST_ADDR in the Register env vars is "platform", which is not host:port: expected host:port (e.g. 127.0.0.1:7000) or a URL (http://host:port)',
    );
    expect(() => platformHostBaseUrl("h:99999", "environment")).toThrow(/PLATFORM_HOST_ADDR in the process environment is "h:99999", whose port 99999 is not 1-65535/);
    expect(() => platformHostBaseUrl("unix:///tmp/s")).toThrow(/whose scheme unix: is not http: or https:/);
    expect(() => platformHostBaseUrl("")).toThrow(/which is empty/);
  });
});

describe("createPlatformHostClient", () => {
  let host: FakePlatformHost;
  beforeAll(async () => {
    host = await createFakePlatformHost({
      script: ({ input }) => {
        if (input === "fail") return [{ type: "error", agent: "triage", errorMessage: "model unavailable" }];
        if (input === "throw") throw new AgentwireError("resource_exhausted", "quota");
        return [
          { type: "content", agent: "triage", content: "Hel" },
          { type: "content", agent: "triage", content: "lo" },
          { type: "tool_call", agent: "triage", tool: "search", args: '{"q":"x"}' },
          { type: "tool_result", agent: "triage", tool: "search", result: "[]", isError: true },
          { type: "handoff", agent: "triage", target: "writer" },
          { type: "thinking", agent: "writer", content: "hmm" },
          { type: "finish", agent: "writer" },
        ];
      },
    });
  });
  afterAll(async () => {
    await host.close();
  });

  it("finds the host in a plugin's Register env vars first, then in the environment", async () => {
    const p = plugin();
    const client = createPlatformHostClient(p, { env: { PLATFORM_HOST_ADDR: "127.0.0.1:1" } });
    expect(client.address()).toMatchObject({ address: "127.0.0.1:1", source: "environment" });
    await createPluginDriver({ plugin: p }).register({ envVars: { PLATFORM_HOST_ADDR: host.address } });
    expect(client.address()).toEqual({ address: host.address, baseUrl: host.url, source: "register" });
    expect(() => createPlatformHostClient(plugin(), { env: {} }).address()).toThrow(/neither in the Register env vars .* nor in the process environment/);
  });

  it("reads PLATFORM_HOST_ADDR from process.env by default", () => {
    const before = process.env.PLATFORM_HOST_ADDR;
    process.env.PLATFORM_HOST_ADDR = "127.0.0.1:4321";
    try {
      expect(createPlatformHostClient(plugin()).address()).toMatchObject({ baseUrl: "http://127.0.0.1:4321", source: "environment" });
    } finally {
      if (before === undefined) delete process.env.PLATFORM_HOST_ADDR;
      else process.env.PLATFORM_HOST_ADDR = before;
    }
  });

  it("streams typed events over a real socket, passing workspace, input and history", async () => {
    const client = createPlatformHostClient({ address: host.address });
    const events = await collect(
      client.runConversation({
        workspaceId: "ws-9",
        input: "hi",
        history: [
          { role: "user", content: "earlier" },
          { role: "assistant", content: "reply" },
        ],
      }),
    );
    expect(events).toEqual([
      { type: "content", agent: "triage", content: "Hel" },
      { type: "content", agent: "triage", content: "lo" },
      { type: "tool_call", agent: "triage", tool: "search", args: '{"q":"x"}' },
      { type: "tool_result", agent: "triage", tool: "search", result: "[]", isError: true },
      { type: "handoff", agent: "triage", target: "writer" },
      { type: "unknown", rawType: "thinking", agent: "writer", content: "hmm", tool: "", args: "", result: "", isError: false, target: "", errorMessage: "" },
      { type: "finish", agent: "writer" },
    ]);
    expect(host.calls.at(-1)).toEqual({
      workspaceId: "ws-9",
      input: "hi",
      history: [
        { role: "user", content: "earlier" },
        { role: "assistant", content: "reply" },
      ],
      state: "completed",
    });
  });

  it("collects the text with converse, and throws on an error event", async () => {
    const client = createPlatformHostClient({ transport: host.transport });
    const result = await client.converse({ workspaceId: "ws-1", input: "hi" });
    expect(result.text).toBe("Hello");
    expect(result.events).toHaveLength(7);
    await expect(client.converse({ workspaceId: "ws-1", input: "fail" })).rejects.toThrow("the platform's conversation failed (agent triage): model unavailable");
    expect(await collect(client.runConversation({ workspaceId: "ws-1", input: "fail" }))).toEqual([{ type: "error", agent: "triage", errorMessage: "model unavailable" }]);
    await expect(collect(client.runConversation({ workspaceId: "ws-1", input: "throw" }))).rejects.toMatchObject({ code: Code.ResourceExhausted, rawMessage: "quota" });
  });

  it("refuses an empty workspace or a bad history role before calling", async () => {
    const client = createPlatformHostClient({ transport: host.transport });
    await expect(collect(client.runConversation({ workspaceId: "", input: "x" }))).rejects.toThrow(/workspaceId is empty/);
    await expect(collect(client.runConversation({ workspaceId: "w", input: "x", history: [{ role: "system" as "user", content: "" }] }))).rejects.toThrow(
      'history[0].role is "system", not "user" or "assistant"',
    );
  });

  it("says which address, from where, could not be reached", async () => {
    const gone = await createFakePlatformHost();
    await gone.close();
    const client = createPlatformHostClient(plugin(), { env: { PLATFORM_HOST_ADDR: gone.address } });
    const err = (await collect(client.runConversation({ workspaceId: "w", input: "x" })).catch((e: unknown) => e)) as AgentwireError;
    expect(err).toBeInstanceOf(AgentwireError);
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(new RegExp(`^PlatformHost at ${gone.address} \\(PLATFORM_HOST_ADDR from the process environment\\) is unreachable: `));
  });

  it("cancels the conversation when the signal fires", async () => {
    const slow = await createFakePlatformHost({
      script: async function* (_call, { signal }) {
        yield { type: "content", agent: "a", content: "first" };
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
    });
    try {
      const abort = new AbortController();
      const client = createPlatformHostClient({ address: slow.address });
      const seen: PlatformConversationEvent[] = [];
      const run = (async () => {
        for await (const event of client.runConversation({ workspaceId: "w", input: "x" }, { signal: abort.signal })) {
          seen.push(event);
          abort.abort();
        }
      })();
      await expect(run).rejects.toMatchObject({ name: "ConnectError" });
      expect(seen).toEqual([{ type: "content", agent: "a", content: "first" }]);
      expect((await slow.ended(0)).state).toBe("canceled");
    } finally {
      await slow.close();
    }
  });
});

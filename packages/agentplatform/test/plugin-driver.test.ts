// createPluginDriver's one options object: where the plugin is ({ plugin } | { url } | { address } |
// { transport }), and the settings every target shares (callTimeoutMs) or the in-process one has (logger).
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { silentLogger, type Logger } from "@agentwire/core";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Plugin, serve, type PluginServer } from "../src/index.js";
import {
  createInProcessTransport,
  createPluginDriver,
  type InProcessTransportOptions,
  type PluginDriverOptions,
} from "../src/testing/index.js";
import { capturingLogger, refusalSync, TestTools } from "./fixtures.js";

const servers: PluginServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A plugin whose one tool answers the deadline its context sees, and logs a line. */
function deadlinePlugin() {
  const tools = new TestTools();
  tools.add("deadline", { description: "The time left before the caller's deadline" }, (_input, { timeoutMs, logger }) => {
    logger.info("deadline asked");
    return { timeoutMs: timeoutMs() ?? null };
  });
  return new Plugin({ name: "deadline", version: "1.0.0", manifest: { description: "d", author: "a" }, providers: [tools] });
}

describe("createPluginDriver", () => {
  it("takes one options object naming exactly one target: {} does not type-check and is refused", () => {
    expectTypeOf<{ plugin: Plugin }>().toExtend<PluginDriverOptions>();
    expectTypeOf<{ url: string; callTimeoutMs: number }>().toExtend<PluginDriverOptions>();
    expectTypeOf<{ address: string }>().toExtend<PluginDriverOptions>();
    expectTypeOf<{ transport: ReturnType<typeof createInProcessTransport> }>().toExtend<PluginDriverOptions>();
    expectTypeOf<Record<never, never>>().not.toExtend<PluginDriverOptions>();
    expectTypeOf<{ callTimeoutMs: number }>().not.toExtend<PluginDriverOptions>();
    expectTypeOf<InProcessTransportOptions>().toEqualTypeOf<{ logger?: Logger }>();

    // @ts-expect-error: no target
    const none = refusalSync(() => createPluginDriver({}));
    expect(none.code).toBe("invalid_argument");
    expect(none.message).toBe(
      'createPluginDriver takes one of { plugin }, { url: "http://127.0.0.1:9010" }, { address: "127.0.0.1:9010" } or { transport }',
    );
    const two = refusalSync(() => createPluginDriver({ plugin: deadlinePlugin(), url: "http://127.0.0.1:9010" }));
    expect(two.message).toMatch(/or \{ transport \}, got plugin and url$/);
    expect(refusalSync(() => createPluginDriver({ address: "" })).message).toBe('createPluginDriver: address must be a non-empty string, got ""');
    expect(refusalSync(() => createPluginDriver({ plugin: deadlinePlugin(), callTimeoutMs: 0 })).message).toBe(
      "createPluginDriver: callTimeoutMs must be a positive number of milliseconds, got 0",
    );
  });

  it("drives any Connect transport given as { transport }", async () => {
    const plugin = deadlinePlugin();
    const driver = createPluginDriver({ transport: createInProcessTransport({ plugin }) });
    expect((await driver.register()).name).toBe("deadline");
    expect((await driver.callTool("deadline")).result).toEqual({ timeoutMs: null });

    const server = await serve({ plugin: deadlinePlugin(), port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    servers.push(server);
    const overGrpc = createPluginDriver({ transport: createGrpcTransport({ baseUrl: server.url }) });
    expect((await overGrpc.register()).name).toBe("deadline");
  });

  it("gives an in-process plugin's handlers the logger given next to { plugin }", async () => {
    const lines: string[] = [];
    const driver = createPluginDriver({ plugin: deadlinePlugin(), logger: capturingLogger(lines) });
    await driver.callTool("deadline");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain("deadline asked");
  });

  it.each([
    ["in process", async () => ({ plugin: deadlinePlugin() })],
    [
      "over gRPC",
      async () => {
        const server = await serve({ plugin: deadlinePlugin(), port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
        servers.push(server);
        return { url: server.url };
      },
    ],
  ] as const)("sets callTimeoutMs as every call's deadline unless the call sets its own (%s)", async (_name, target) => {
    const where = await target();
    const timed = createPluginDriver({ ...where, callTimeoutMs: 30_000 });
    const { timeoutMs } = (await timed.callTool<{ timeoutMs: number }>("deadline")).result;
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(30_000);
    // A call's own timeoutMs wins over the driver's.
    const own = (await timed.callTool<{ timeoutMs: number }>("deadline", {}, { timeoutMs: 5_000 })).result.timeoutMs;
    expect(own).toBeLessThanOrEqual(5_000);
    // The raw clients share the transport, and so the deadline.
    const raw = await timed.clients.tools.executeTool({ name: "deadline", argumentsJson: "" });
    expect((JSON.parse(raw.resultJson) as { timeoutMs: number }).timeoutMs).toBeGreaterThan(5_000);
    // Without it, a call has no deadline.
    expect((await createPluginDriver(where).callTool("deadline")).result).toEqual({ timeoutMs: null });
  });
});

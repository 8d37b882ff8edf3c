// Every place JSON crosses the AgentPlatform wire keeps numbers exact, over a real gRPC server: a tool's
// arguments and result, a hook's payload and its MODIFY, a view route's body, a stream's messages. The
// values are ActiveWorkflow's review case: 2^64−1, −2^53−1 and 1.0, which JSON.parse would round to
// 18446744073709552000, −9007199254740992 and 1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LosslessNumber, silentLogger } from "@agentwire/core";
import { EventType, LifecycleHook, modify, Plugin, respond, route, serve, ToolProvider, ViewProvider, type PluginServer, type ViewStream } from "../src/index.js";
import { createPluginDriver, type PluginDriver } from "../src/testing/index.js";

const exact = '{"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}';
const values = { max_u64: 18446744073709551615n, neg: -9007199254740993n, ratio: new LosslessNumber("1.0") };

const seen: Record<string, unknown> = {};

class EchoTools extends ToolProvider {
  // No schema: the handler gets the arguments as sent.
  echo = this.tool("echo", { description: "Answers its arguments" }, (args) => {
    seen.tool = args;
    return args;
  });
  // A JSON Schema: validated (integers past 2^53 are integers), then handed over as its type says: integers
  // past 2^53 exact (bigints), a number a double holds as a number (1.0 is 1).
  typed = this.tool(
    "typed",
    {
      description: "Answers its arguments, checked",
      inputSchema: { type: "object", properties: { max_u64: { type: "integer", minimum: 0 }, neg: { type: "integer" }, ratio: { type: "number" } }, required: ["max_u64"] },
    },
    (args) => ({ ...args, doubled: BigInt(args.max_u64) * 2n }),
  );
}

class EchoHook extends LifecycleHook {
  toolCall = this.on("TOOL_CALL", (payload) => {
    seen.hook = payload;
    return modify({ ...payload, arguments_json: `${payload.arguments_json} ` });
  });
}

class EchoViews extends ViewProvider {
  page = this.view({ name: "echo", routes: [route("POST", "/echo", async (req) => respond.json(200, await req.json()))], render: () => [] });

  override async stream(stream: ViewStream) {
    for await (const text of stream.texts()) stream.send({ got: text, ...values });
  }
}

describe("lossless JSON over a served plugin", () => {
  let server: PluginServer;
  let driver: PluginDriver;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  beforeAll(async () => {
    const plugin = new Plugin({
      name: "lossless",
      version: "1.0.0",
      manifest: { description: "Echoes JSON", author: "agentwire tests" },
      providers: [new EchoTools(), new EchoHook(), new EchoViews()],
    });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    driver = createPluginDriver({ url: server.url });
    await driver.register();
  });

  afterAll(async () => {
    await server.close();
  });

  it("keeps a tool's arguments and result exact", async () => {
    const res = await driver.clients.tools.executeTool({ name: "echo", argumentsJson: exact });
    expect(res).toMatchObject({ isError: false, resultJson: exact });
    expect(seen.tool).toEqual(values);
    const typed = await driver.clients.tools.executeTool({ name: "typed", argumentsJson: exact });
    expect(typed).toMatchObject({ isError: false, resultJson: '{"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1,"doubled":36893488147419103230}' });
    expect((await driver.callTool("echo", values)).result).toEqual(values);
  });

  it("keeps a hook's payload exact, in and back out through MODIFY", async () => {
    const payload = `{"tool_name":"t","arguments_json":"{}",${exact.slice(1)}`;
    const res = await driver.clients.hooks.onEvent({ type: EventType.TOOL_CALL, agentName: "a", payloadJson: encoder.encode(payload) });
    expect(decoder.decode(res.modifiedPayloadJson)).toBe(`{"tool_name":"t","arguments_json":"{} ",${exact.slice(1)}`);
    expect(seen.hook).toEqual({ tool_name: "t", arguments_json: "{}", ...values });
  });

  it("keeps a route's body exact both ways", async () => {
    const res = await driver.route({ method: "POST", path: "/echo", body: exact });
    expect([res.status, res.text()]).toEqual([200, exact]);
  });

  it("keeps a stream's JSON messages exact", async () => {
    const stream = driver.openStream({ workspace_id: "w" });
    stream.send("x");
    expect(await stream.nextText()).toBe(`{"got":"x",${exact.slice(1)}`);
    stream.end();
    expect(await stream.rest()).toEqual([]);
  });
});

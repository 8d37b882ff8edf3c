// The plugin tested through the in-process driver (no port), against the real dev server on a free port.
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@agentwire/agentplatform";
import { Capability, createPluginDriver, FinishReason, Status } from "@agentwire/agentplatform/testing";
import { createLlmPlugin } from "../src/llm-plugin.js";
import { startDevOpenAI, type DevOpenAI } from "../scripts/dev-openai.mjs";

let dev: DevOpenAI;
beforeAll(async () => {
  dev = await startDevOpenAI({ apiKey: "sk-dev-test-0123456789abcdef" });
});
afterAll(async () => {
  await dev.close();
});

/** A driver registered the way a workspace would, with the server's URL and key in its env vars. */
async function connect(envVars: Record<string, string> = { OPENAI_BASE_URL: dev.url, OPENAI_API_KEY: dev.apiKey }, config: Record<string, string> = {}) {
  const driver = createPluginDriver({ plugin: createLlmPlugin() });
  await driver.register({ config, envVars });
  return driver;
}

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  parametersJsonSchema: JSON.stringify({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
};

describe("example-llm", () => {
  it("registers as an LLM provider and is healthy", async () => {
    const driver = createPluginDriver({ plugin: createLlmPlugin() });
    const res = await driver.register({ envVars: { OPENAI_BASE_URL: dev.url, OPENAI_API_KEY: dev.apiKey } });
    expect(res.name).toBe("example-llm");
    expect(res.capabilities).toEqual([Capability.LLM_PROVIDER]);
    expect(await driver.health()).toBe(Status.SERVING);
  });

  it("streams a text answer with its usage", async () => {
    const driver = await connect();
    const answer = await driver.complete({ model: "dev-echo", messages: [{ role: "user", content: "Hello there" }] });
    expect(answer).toMatchObject({ text: "Echo: Hello there", finishReason: FinishReason.STOP, usage: { inputTokens: 2, outputTokens: 3 } });
    // Streamed: one Delta per word.
    expect(answer.events.filter((e) => e.event.case === "delta")).toHaveLength(3);
  });

  it("uses default_model when the request names no model", async () => {
    const driver = await connect(undefined, { default_model: "house-model" });
    await driver.complete({ messages: [{ role: "user", content: "Hi" }] });
    expect(dev.requests.at(-1)).toMatchObject({ model: "house-model", stream: true });
  });

  it("streams a tool call, then answers from the tool's result", async () => {
    const driver = await connect();
    const call = await driver.complete({
      model: "dev-echo",
      messages: [{ role: "user", content: 'Use get_weather {"city":"Paris"}' }],
      availableTools: [weatherTool],
    });
    expect(call.finishReason).toBe(FinishReason.TOOL_USE);
    expect(call.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/) as unknown, name: "get_weather", arguments: '{"city":"Paris"}' }]);

    const id = call.toolCalls[0]!.id;
    const followUp = await driver.complete({
      model: "dev-echo",
      messages: [
        { role: "user", content: 'Use get_weather {"city":"Paris"}' },
        { role: "assistant", content: "", toolCalls: [{ id, name: "get_weather", argumentsJson: '{"city":"Paris"}' }] },
        { role: "tool", content: '{"temp":18}', toolCallId: id },
      ],
      availableTools: [weatherTool],
    });
    expect(followUp).toMatchObject({ text: 'The get_weather tool answered: {"temp":18}', finishReason: FinishReason.STOP });
  });

  it("finishes with MAX_TOKENS when max_tokens cuts the answer", async () => {
    const driver = await connect();
    const answer = await driver.complete({ model: "dev-echo", maxTokens: 2, messages: [{ role: "user", content: "one two three" }] });
    expect(answer).toMatchObject({ text: "Echo: one ", finishReason: FinishReason.MAX_TOKENS });
  });

  it("keeps a refused key out of the error (UNAUTHENTICATED)", async () => {
    const driver = await connect({ OPENAI_BASE_URL: dev.url, OPENAI_API_KEY: "wrong-key-that-must-not-leak" });
    const failure = driver.complete({ model: "dev-echo", messages: [{ role: "user", content: "Hi" }] });
    await expect(failure).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(failure).rejects.toSatisfy((err: Error) => !err.message.includes("wrong-key-that-must-not-leak"));
  });

  it("answers UNAVAILABLE when the server fails, drops the stream or cannot be reached", async () => {
    const driver = await connect();
    await expect(driver.complete({ model: "dev-fail", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({
      code: Code.Unavailable,
      rawMessage: expect.stringContaining("answered HTTP 503") as unknown,
    });

    // A connection lost mid-stream, after the first words were sent.
    await expect(driver.complete({ model: "dev-cut", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({
      code: Code.Unavailable,
      rawMessage: expect.stringContaining("the stream from") as unknown,
    });

    // A port nobody listens on: take a free one and close it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = await connect({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: "k" });
    await expect(nowhere.complete({ model: "m", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({
      code: Code.Unavailable,
      rawMessage: expect.stringContaining(`cannot reach http://127.0.0.1:${port}/v1/chat/completions`) as unknown,
    });
  });

  it("refuses Register without a server URL, naming the variable", async () => {
    const driver = createPluginDriver({ plugin: createLlmPlugin() });
    const saved = process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_BASE_URL;
    try {
      await expect(driver.register({ envVars: { OPENAI_API_KEY: "k" } })).rejects.toMatchObject({
        code: Code.FailedPrecondition,
        rawMessage: expect.stringContaining("set the OPENAI_BASE_URL environment variable") as unknown,
      });
    } finally {
      if (saved !== undefined) process.env.OPENAI_BASE_URL = saved;
    }
  });

  it("refuses bad input: an unknown setting, an empty conversation, an unknown role", async () => {
    await expect(createPluginDriver({ plugin: createLlmPlugin() }).register({ config: { temprature: "2" } })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("temprature: not a field") as unknown,
    });
    const driver = await connect();
    // The SDK refuses an empty conversation before complete() runs, so it never reaches the server.
    await expect(driver.complete({ model: "dev-echo", messages: [] })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("messages is empty") as unknown });
    await expect(driver.complete({ model: "dev-echo", messages: [{ role: "robot", content: "Hi" }] })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining('"robot" is not system, user or assistant') as unknown,
    });
  });
});

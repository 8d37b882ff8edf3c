// The plugin against a fake OpenAI-compatible server on loopback, called in-process the way an author tests:
// the exact upstream request, the assembled stream, finish and error mapping, the key's lookup order, and
// cancellation reaching the upstream connection.
import { Capability, Code, FinishReason } from "@agentwire/agentplatform";
import { createPluginDriver } from "@agentwire/agentplatform/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIPlugin, type OpenAIPluginOptions } from "../src/index.js";
import { chunk, FakeOpenAI, sse, textStream, toolCallArgs, toolCallStart, usageChunk } from "@agentwire/test-support";
import { grpcError } from "@agentwire/test-support";

// Deliberately not shaped like any known key format: only redaction by value can keep it out of messages.
const key = "fake-key-7d1c0a9e55b2";
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

interface Setup {
  config?: Record<string, string>;
  envVars?: Record<string, string>;
  options?: OpenAIPluginOptions;
}

async function registered(setup: Setup = {}) {
  const plugin = createOpenAIPlugin({ processEnv: {}, ...setup.options });
  const driver = createPluginDriver({ plugin });
  const registration = await driver.register({
    config: { base_url: fake.baseUrl, api_key_env: "TEST_OPENAI_KEY", ...setup.config },
    envVars: setup.envVars ?? { TEST_OPENAI_KEY: key },
  });
  return { plugin, registration, pluginClient: driver.clients.plugin, llm: driver };
}

function plain(events: readonly { event: { case: string | undefined; value?: unknown } }[]): unknown[] {
  return events.map(({ event }) => {
    const { $typeName: _, ...value } = (event.value ?? {}) as Record<string, unknown>;
    return { [event.case ?? "empty"]: value };
  });
}

const hello = { messages: [{ role: "system", content: "You are terse." }, { role: "user", content: "Say hello" }] };

describe("Register", () => {
  it("answers the plugin's name and LLM_PROVIDER, and serves a manifest with the config schema", async () => {
    const { registration, pluginClient } = await registered();
    expect(registration.name).toBe("openai");
    expect(registration.capabilities).toEqual([Capability.LLM_PROVIDER]);
    expect(registration.metadata).toMatchObject({ version: "0.1.0", protocol_version: "1" });
    const { manifestHcl } = await pluginClient.getManifest({});
    for (const field of ["base_url", "api_key_env", "default_model", "default_temperature", "default_max_tokens"]) {
      expect(manifestHcl).toContain(`field "${field}"`);
    }
  });

  it("refuses bad settings with INVALID_ARGUMENT naming the field", async () => {
    const url = await grpcError(registered({ config: { base_url: "ftp://example.com" } }));
    expect(url.code).toBe(Code.InvalidArgument);
    expect(url.rawMessage).toContain("base_url");
    const temperature = await grpcError(registered({ config: { default_temperature: "3" } }));
    expect(temperature.rawMessage).toBe("default_temperature: 3 is outside 0 to 2");
    const tokens = await grpcError(registered({ config: { default_max_tokens: "12.5" } }));
    expect(tokens.rawMessage).toBe("default_max_tokens: 12.5 is not a positive whole number");
  });
});

describe("the API key (api_key_env)", () => {
  it("comes from Register's env_vars first", async () => {
    fake.reply({ pieces: textStream(["hi"]) });
    const { llm } = await registered({ options: { processEnv: { TEST_OPENAI_KEY: "from-process" } } });
    await llm.complete(hello);
    expect(fake.lastRequest.headers.authorization).toBe(`Bearer ${key}`);
  });

  it("then from the plugin's environment (an empty env var counts as unset)", async () => {
    fake.reply({ pieces: textStream(["hi"]) });
    const { llm } = await registered({ envVars: { TEST_OPENAI_KEY: "" }, options: { processEnv: { TEST_OPENAI_KEY: "from-process" } } });
    await llm.complete(hello);
    expect(fake.lastRequest.headers.authorization).toBe("Bearer from-process");
  });

  it("refuses Register with FAILED_PRECONDITION naming the variable when neither has it", async () => {
    const err = await grpcError(registered({ envVars: { OTHER: "x" }, options: { processEnv: { ALSO_OTHER: "y" } } }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe(
      'api_key_env: the environment variable "TEST_OPENAI_KEY" is not set (looked in Register\'s env_vars, then the plugin\'s environment); set it, or point api_key_env at the variable that holds the key',
    );
  });

  it("sends a tool schema upstream exactly as the platform wrote it, numbers past 2^53 included", async () => {
    fake.reply({ pieces: textStream(["ok"]) });
    const { llm } = await registered();
    const schema = '{"type":"object","properties":{"id":{"type":"integer","maximum":18446744073709551615},"ratio":{"type":"number","multipleOf":0.10}}}';
    await llm.complete({ ...hello, availableTools: [{ name: "lookup", description: "Looks up", parametersJsonSchema: schema }] });
    expect(fake.lastRequest.raw).toContain(`"parameters":${schema}`);
  });

  it("defaults to OPENAI_API_KEY", async () => {
    fake.reply({ pieces: textStream(["hi"]) });
    const plugin = createOpenAIPlugin({ processEnv: { OPENAI_API_KEY: "default-var" } });
    const driver = createPluginDriver({ plugin });
    await driver.register({ config: { base_url: fake.baseUrl } });
    await driver.complete(hello);
    expect(fake.lastRequest.headers.authorization).toBe("Bearer default-var");
  });

  it("is needed before Complete: an unregistered plugin answers FAILED_PRECONDITION", async () => {
    const err = await grpcError(createPluginDriver({ plugin: createOpenAIPlugin({ processEnv: {} }) }).complete(hello));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toContain("has not called Register");
  });
});

describe("the upstream request", () => {
  it("posts the conversation to {base_url}/chat/completions, streaming, with the key as a bearer token", async () => {
    fake.reply({ pieces: textStream(["Hel", "lo", "!"]) });
    const { llm } = await registered({ config: { base_url: `${fake.baseUrl}/` } });
    const result = await llm.complete(hello);
    const request = fake.lastRequest;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "text/event-stream",
      "user-agent": "agentwire-plugin-openai/0.1.0",
    });
    expect(request.body).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hello" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(result).toMatchObject({ text: "Hello!", toolCalls: [], usage: { inputTokens: 25, outputTokens: 7 }, finishReason: FinishReason.STOP });
    expect(plain(result.events)).toEqual([
      { delta: { content: "Hel" } },
      { delta: { content: "lo" } },
      { delta: { content: "!" } },
      { usage: { inputTokens: 25, outputTokens: 7 } },
      { finish: { reason: FinishReason.STOP } },
    ]);
  });

  it("maps earlier tool calls, tool results and the available tools to OpenAI's shapes", async () => {
    fake.reply({ pieces: textStream(["Tomorrow: 21°C."]) });
    const { llm } = await registered();
    await llm.complete({
      model: "gpt-4o",
      temperature: 0.3,
      maxTokens: 512,
      messages: [
        { role: "system", content: "Use the tools." },
        { role: "user", content: "Weather in Paris, and the time in Tokyo?" },
        {
          role: "assistant",
          content: "",
          toolCalls: [
            { id: "call_w1", name: "get_weather", argumentsJson: '{"city":"Paris"}' },
            { id: "call_t1", name: "get_time", argumentsJson: "" },
          ],
        },
        { role: "tool", content: '{"temp_c":18}', toolCallId: "call_w1" },
        // The reference leaves a tool result's role open: tool_call_id decides.
        { role: "user", content: '{"time":"09:00"}', toolCallId: "call_t1" },
        { role: "assistant", content: "18°C in Paris; 09:00 in Tokyo." },
        { role: "user", content: "And tomorrow in Paris?" },
      ],
      availableTools: [
        {
          name: "get_weather",
          description: "Current weather for a city",
          parametersJsonSchema: '{"type":"object","properties":{"city":{"type":"string"},"day":{"type":"string","enum":["today","tomorrow"]}},"required":["city"]}',
        },
        { name: "get_time", description: "", parametersJsonSchema: "" },
      ],
    });
    expect(fake.lastRequest.body).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Use the tools." },
        { role: "user", content: "Weather in Paris, and the time in Tokyo?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_w1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_t1", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_w1", content: '{"temp_c":18}' },
        { role: "tool", tool_call_id: "call_t1", content: '{"time":"09:00"}' },
        { role: "assistant", content: "18°C in Paris; 09:00 in Tokyo." },
        { role: "user", content: "And tomorrow in Paris?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" }, day: { type: "string", enum: ["today", "tomorrow"] } }, required: ["city"] },
          },
        },
        { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } },
      ],
      temperature: 0.3,
      max_tokens: 512,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("lets the request's model, temperature and max_tokens win over the config's defaults", async () => {
    const { llm } = await registered({ config: { default_model: "llama3.1:8b", default_temperature: "0.2", default_max_tokens: "100" } });
    fake.reply({ pieces: textStream(["a"]) }).reply({ pieces: textStream(["b"]) }).reply({ pieces: textStream(["c"]) });
    await llm.complete(hello);
    expect(fake.lastRequest.body).toMatchObject({ model: "llama3.1:8b", temperature: 0.2, max_tokens: 100 });
    await llm.complete({ ...hello, model: "qwen2.5:14b", temperature: 0.9, maxTokens: 2048 });
    expect(fake.lastRequest.body).toMatchObject({ model: "qwen2.5:14b", temperature: 0.9, max_tokens: 2048 });
    // Zero is a value, not "unset".
    await llm.complete({ ...hello, temperature: 0, maxTokens: 0 });
    expect(fake.lastRequest.body).toMatchObject({ temperature: 0, max_tokens: 0 });
  });

  it("sends no temperature or max_tokens when neither the request nor the config sets them", async () => {
    fake.reply({ pieces: textStream(["a"]) });
    const { llm } = await registered();
    await llm.complete(hello);
    expect(Object.keys(fake.lastRequest.body).sort()).toEqual(["messages", "model", "stream", "stream_options"]);
  });

  it("refuses a message it cannot map with INVALID_ARGUMENT naming it, without calling the upstream", async () => {
    const { llm } = await registered();
    const role = await grpcError(llm.complete({ messages: [{ role: "user", content: "hi" }, { role: "critic", content: "meh" }] }));
    expect(role.code).toBe(Code.InvalidArgument);
    expect(role.rawMessage).toBe('messages[1].role: "critic" is not "system", "user" or "assistant" (or a tool result with tool_call_id)');
    const tool = await grpcError(llm.complete({ messages: [{ role: "tool", content: "{}" }] }));
    expect(tool.rawMessage).toBe("messages[0].tool_call_id: is missing; a tool result must name the call it answers");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the streamed answer", () => {
  it("streams tool calls split across deltas with the id on every delta and the name on the first", async () => {
    fake.reply({
      pieces: sse([
        chunk(toolCallStart(0, "call_abc", "get_weather")),
        chunk(toolCallArgs(0, '{"ci')),
        chunk(toolCallArgs(0, 'ty": "Par')),
        chunk(toolCallArgs(0, 'is"}')),
        chunk(toolCallStart(1, "call_def", "get_time")),
        chunk(toolCallArgs(1, '{"tz":"Asia/Tokyo"}')),
        chunk({}, "tool_calls"),
        usageChunk(80, 31),
      ]),
      delayMs: 2,
    });
    const { llm } = await registered();
    const result = await llm.complete(hello);
    expect(plain(result.events)).toEqual([
      { toolCallDelta: { id: "call_abc", name: "get_weather", argumentsChunk: "" } },
      { toolCallDelta: { id: "call_abc", name: "", argumentsChunk: '{"ci' } },
      { toolCallDelta: { id: "call_abc", name: "", argumentsChunk: 'ty": "Par' } },
      { toolCallDelta: { id: "call_abc", name: "", argumentsChunk: 'is"}' } },
      { toolCallDelta: { id: "call_def", name: "get_time", argumentsChunk: "" } },
      { toolCallDelta: { id: "call_def", name: "", argumentsChunk: '{"tz":"Asia/Tokyo"}' } },
      { usage: { inputTokens: 80, outputTokens: 31 } },
      { finish: { reason: FinishReason.TOOL_USE } },
    ]);
    expect(result.toolCalls).toEqual([
      { id: "call_abc", name: "get_weather", arguments: '{"city": "Paris"}' },
      { id: "call_def", name: "get_time", arguments: '{"tz":"Asia/Tokyo"}' },
    ]);
  });

  it.each([
    ["stop", ["Done."], FinishReason.STOP],
    ["length", ["It was a dark and"], FinishReason.MAX_TOKENS],
    ["content_filter", ["I can"], FinishReason.STOP],
    ["something_new", ["x"], FinishReason.STOP],
  ] as const)("maps finish_reason %s", async (reason, parts, expected) => {
    fake.reply({ pieces: textStream(parts, reason) });
    const { llm } = await registered();
    const result = await llm.complete(hello);
    expect(result.finishReason).toBe(expected);
    expect(result.text).toBe(parts.join(""));
  });

  it("finishes with TOOL_USE when a server says stop after tool calls", async () => {
    fake.reply({ pieces: sse([chunk(toolCallStart(0, "call_1", "lookup")), chunk(toolCallArgs(0, '{"q":"x"}')), chunk({}, "stop"), usageChunk(5, 5)]) });
    const { llm } = await registered();
    expect((await llm.complete(hello)).finishReason).toBe(FinishReason.TOOL_USE);
  });

  it("keeps MAX_TOKENS when the model was cut off in the middle of a tool call", async () => {
    fake.reply({ pieces: sse([chunk(toolCallStart(0, "call_1", "lookup")), chunk(toolCallArgs(0, '{"q":"unfin')), chunk({}, "length"), usageChunk(5, 5)]) });
    const { llm } = await registered();
    const result = await llm.complete(hello);
    expect(result).toMatchObject({ finishReason: FinishReason.MAX_TOKENS, toolCalls: [{ id: "call_1", arguments: '{"q":"unfin' }] });
  });

  it("tells parallel calls apart by id when a server reuses index 0 (Ollama, LM Studio)", async () => {
    const call = (id: string, name: string, args: string) => ({ tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: args } }] });
    fake.reply({ pieces: sse([chunk(call("call_a", "get_weather", '{"city":"Paris"}')), chunk(call("call_b", "get_weather", '{"city":"Oslo"}')), chunk({}, "tool_calls")]) });
    const { llm } = await registered();
    const result = await llm.complete(hello);
    expect(result.toolCalls).toEqual([
      { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_b", name: "get_weather", arguments: '{"city":"Oslo"}' },
    ]);
    expect(result.usage).toBeUndefined();
  });

  it("makes up an id for a server that sends none", async () => {
    fake.reply({ pieces: sse([chunk({ tool_calls: [{ index: 0, function: { name: "now", arguments: "{}" } }] }), chunk({}, "tool_calls")]) });
    const { llm } = await registered();
    const [call] = (await llm.complete(hello)).toolCalls;
    expect(call).toMatchObject({ name: "now", arguments: "{}" });
    expect(call!.id).toMatch(/^call_0_[0-9a-f]{12}$/);
  });

  it("reads SSE however it is framed: CRLF, comments, multi-line data, lines and characters split across packets, no blank line after [DONE]", async () => {
    const text = [chunk({ role: "assistant", content: "" }), chunk({ content: "Grüße, " }), chunk({ content: "世界" }), chunk({}, "stop"), usageChunk(3, 4)];
    const wire = [
      ": OPENROUTER PROCESSING\r\n\r\n",
      `event: message\r\nid: 1\r\ndata: ${JSON.stringify(text[0])}\r\n\r\n`,
      // One JSON document over two data lines (joined with "\n", which JSON reads as whitespace).
      `data: {"choices":[{"index":0,\r\ndata: "delta":{"content":"Grüße, "},"finish_reason":null}]}\r\n\r\n`,
      ...sse(text.slice(2), { done: false, eol: "\r\n" }),
      "data: [DONE]\n",
    ].join("");
    // Cut the bytes everywhere a network might: between \r and \n, inside "data:", inside a UTF-8 character.
    const bytes = Buffer.from(wire, "utf8");
    const pieces: Buffer[] = [];
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size % 7) + 1) pieces.push(bytes.subarray(at, at + size));
    fake.reply({ pieces, delayMs: 0 });
    const { llm } = await registered();
    const result = await llm.complete(hello);
    expect(result).toMatchObject({ text: "Grüße, 世界", usage: { inputTokens: 3, outputTokens: 4 }, finishReason: FinishReason.STOP });
  });

  it("takes the whole completion from a server that does not stream", async () => {
    const completion = {
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "search", arguments: '{"q":"x"}' } }] },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    };
    fake.reply({ status: 200, body: JSON.stringify(completion) });
    const { llm } = await registered();
    expect(await llm.complete(hello)).toMatchObject({
      toolCalls: [{ id: "call_9", name: "search", arguments: '{"q":"x"}' }],
      usage: { inputTokens: 9, outputTokens: 3 },
      finishReason: FinishReason.TOOL_USE,
    });
  });
});

describe("upstream failures", () => {
  const cases = [
    [401, { error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: "invalid_request_error", param: null, code: "invalid_api_key" } }, Code.Unauthenticated, "Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys."],
    [403, { error: { message: "Project does not have access to model gpt-4o", type: "invalid_request_error", code: "model_not_found" } }, Code.PermissionDenied, "Project does not have access to model gpt-4o"],
    [429, { error: { message: "Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199950, Requested 873.", type: "tokens", code: "rate_limit_exceeded" } }, Code.ResourceExhausted, "Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199950, Requested 873."],
    [500, { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error" } }, Code.Unavailable, "The server had an error while processing your request. Sorry about that!"],
    [400, { error: { message: "This model's maximum context length is 128000 tokens.", type: "invalid_request_error", code: "context_length_exceeded" } }, Code.InvalidArgument, "This model's maximum context length is 128000 tokens."],
    [404, { error: { message: "The model `gpt-9` does not exist or you do not have access to it.", code: "model_not_found" } }, Code.NotFound, "The model `gpt-9` does not exist or you do not have access to it."],
  ] as const;

  it.each(cases)("maps HTTP %i to its gRPC code with the upstream's message and never the key", async (status, body, code, message) => {
    fake.reply({ status, body: JSON.stringify(body) });
    const { llm } = await registered();
    const err = await grpcError(llm.complete(hello));
    expect(err.code).toBe(code);
    expect(err.rawMessage).toBe(`127.0.0.1:${fake.port} answered HTTP ${status}: ${message}`);
    expect(`${err.message} ${JSON.stringify(err.metadata)}`).not.toContain(key);
  });

  it("answers UNAVAILABLE when the upstream cannot be reached", async () => {
    const closed = await FakeOpenAI.start();
    const url = closed.baseUrl;
    await closed.close();
    const { llm } = await registered({ config: { base_url: url } });
    const err = await grpcError(llm.complete(hello));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(`cannot reach ${url}/chat/completions: fetch failed (ECONNREFUSED)`);
  });

  it("answers UNAVAILABLE for an error in the middle of the stream, after the events already sent", async () => {
    fake.reply({ pieces: [...sse([chunk({ content: "Partial" })], { done: false }), `data: {"error":{"message":"upstream overloaded (key ${key})","type":"server_error"}}\n\n`] });
    const { llm } = await registered();
    const events: string[] = [];
    const err = await grpcError(
      (async () => {
        for await (const e of llm.streamCompletion(hello)) events.push(e.event.case ?? "");
      })(),
    );
    expect(events).toEqual(["delta"]);
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(`127.0.0.1:${fake.port} failed mid-stream: upstream overloaded (key [redacted])`);
  });

  it("answers UNAVAILABLE when the stream stops before a finish_reason or [DONE]", async () => {
    fake.reply({ pieces: sse([chunk({ content: "Once upon a" })], { done: false }) });
    const { llm } = await registered();
    const err = await grpcError(llm.complete(hello));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(`127.0.0.1:${fake.port} sent a broken stream: the stream ended before a finish_reason or [DONE]`);
  });

  it("answers UNAVAILABLE for an event that is not JSON", async () => {
    fake.reply({ pieces: ["data: <html>oops</html>\n\n"] });
    const { llm } = await registered();
    const err = await grpcError(llm.complete(hello));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(`127.0.0.1:${fake.port} sent a broken stream: an event that is not a JSON object: "<html>oops</html>"`);
  });
});

describe("cancellation", () => {
  it("aborts the upstream request at once when the platform cancels Complete", async () => {
    fake.reply({ pieces: sse([chunk({ role: "assistant", content: "" }), chunk({ content: "Once upon a time" })], { done: false }), hang: true });
    const { llm } = await registered();
    const controller = new AbortController();
    const events: string[] = [];
    const err = await grpcError(
      (async () => {
        for await (const e of llm.streamCompletion(hello, { signal: controller.signal })) {
          events.push(e.event.case ?? "");
          controller.abort();
        }
      })(),
    );
    expect(err.code).toBe(Code.Canceled);
    expect(events).toEqual(["delta"]);
    // The upstream sees its connection closed: the fake's latch, not a clock.
    await fake.clientClosed();
    expect(fake.closedByClient).toBe(1);
  });

  it("aborts the upstream request when the call's deadline passes", async () => {
    fake.reply({ pieces: sse([chunk({ role: "assistant", content: "" })], { done: false }), hang: true });
    const { llm } = await registered();
    const err = await grpcError(llm.complete(hello, { timeoutMs: 300 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    await fake.clientClosed();
    expect(fake.closedByClient).toBe(1);
  });
});

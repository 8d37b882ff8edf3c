// The LLM provider as an author writes it and a platform calls it: the LLMProvider's emitter keeps the
// Complete stream's invariants whatever the author does, the request arrives as plain data, cancellation
// reaches the author as an AbortSignal, and errors keep their codes without leaking keys.
import { silentLogger } from "@agentwire/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  AgentwireError,
  Capability,
  Code,
  ConnectError,
  defineConfigSchema,
  FinishReason,
  LLMProvider,
  Plugin,
  serve,
  UpstreamHttpError,
  type AnyPlugin,
  type CompleteResult,
  type CompletionContext,
  type CompletionEmitter,
  type CompletionEvent,
  type CompletionRequest,
  type PluginServer,
} from "../src/index.js";
import { createPluginDriver } from "../src/testing/index.js";
import { rejection } from "./fixtures.js";

type Script = (request: CompletionRequest, context: CompletionContext) => CompleteResult;

/** An LLM whose `complete` a test scripts. */
class ScriptedLLM extends LLMProvider {
  constructor(
    private readonly script: Script,
    private readonly secretList?: () => Iterable<string | undefined>,
  ) {
    super();
  }

  override complete(request: CompletionRequest, context: CompletionContext): CompleteResult {
    return this.script(request, context);
  }

  override secrets(): Iterable<string | undefined> {
    return this.secretList?.() ?? [];
  }
}

function llmPlugin(complete: Script, options: { redact?: () => Iterable<string | undefined> } = {}) {
  return new Plugin({
    name: "scripted-llm",
    version: "1.0.0",
    manifest: { description: "A scripted LLM", author: "agentwire tests" },
    providers: [new ScriptedLLM(complete, options.redact)],
  });
}

const createLLMClient = (plugin: AnyPlugin) => createPluginDriver({ plugin });

/** A promise and the function that resolves it: a latch a test waits on instead of sleeping. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves once `signal` fires. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));

const hello = { model: "test-model", messages: [{ role: "user", content: "Hello?" }] };

/** Each event as `case: value` with the protobuf type names left out, for exact comparisons. */
function plain(events: readonly { event: { case: string | undefined; value?: unknown } }[]): unknown[] {
  return events.map(({ event }) => {
    const { $typeName: _, ...value } = (event.value ?? {}) as Record<string, unknown>;
    return { [event.case ?? "empty"]: value };
  });
}

/** Runs one Complete, collecting the raw events and the error (if any) the call ended with. */
async function collect(plugin: Plugin, request: object = hello, options: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  const events: { event: { case: string | undefined; value?: unknown } }[] = [];
  let error: ConnectError | undefined;
  try {
    for await (const event of createLLMClient(plugin).streamCompletion(request, options)) events.push(event);
  } catch (err) {
    error = ConnectError.from(err);
  }
  return { events, error, plain: plain(events) };
}

describe("LLMProvider", () => {
  it("adds the LLM_PROVIDER capability and the LLMProvider service", async () => {
    const plugin = llmPlugin(() => undefined);
    expect((await createPluginDriver({ plugin }).register()).capabilities).toEqual([Capability.LLM_PROVIDER]);
  });

  it("gives complete the plugin's typed config, env and deadline; reading config before Register is FAILED_PRECONDITION", async () => {
    const configSchema = defineConfigSchema({ model: { type: "string", default: "small" } });
    class Configured extends LLMProvider<typeof configSchema> {
      override complete(_request: CompletionRequest, { emit, config, env, timeoutMs }: CompletionContext<typeof configSchema>) {
        emit.text(`${config.model} ${env.REGION ?? "-"} ${timeoutMs() === undefined ? "no deadline" : "deadline"}`);
      }
    }
    const plugin = new Plugin({ name: "c", version: "1.0.0", manifest: { description: "d", author: "a", configSchema }, providers: [new Configured()] });
    const driver = createPluginDriver({ plugin });
    const early = await rejection(driver.complete(hello));
    expect([early.code, early.rawMessage]).toEqual([Code.FailedPrecondition, 'Complete needs the plugin\'s config, and the platform has not called Register on plugin "c"']);
    await driver.register({ config: { model: "large" }, envVars: { REGION: "eu" } });
    expect((await driver.complete(hello)).text).toBe("large eu no deadline");
    expect((await driver.complete(hello, { timeoutMs: 60_000 })).text).toBe("large eu deadline");
  });

  it("streams text and usage, and finishes with STOP when complete returns without finishing", async () => {
    const plugin = llmPlugin((_req, { emit }) => {
      emit.text("Hel");
      emit.text("");
      emit.text("lo!");
      emit.usage({ inputTokens: 12, outputTokens: 3 });
    });
    const run = await collect(plugin);
    expect(run.error).toBeUndefined();
    expect(run.plain).toEqual([
      { delta: { content: "Hel" } },
      { delta: { content: "lo!" } },
      { usage: { inputTokens: 12, outputTokens: 3 } },
      { finish: { reason: FinishReason.STOP } },
    ]);
    expect(await createLLMClient(plugin).complete(hello)).toMatchObject({
      text: "Hello!",
      toolCalls: [],
      usage: { inputTokens: 12, outputTokens: 3 },
      finishReason: FinishReason.STOP,
    });
  });

  it("puts the id on every tool-call delta and the name on the first only, and finishes with TOOL_USE", async () => {
    const plugin = llmPlugin((_req, { emit }) => {
      emit.text("Checking both.");
      emit.startToolCall("call_a", "get_weather");
      emit.toolCallArguments("call_a", '{"city":');
      emit.toolCall("call_b", { name: "get_time", argumentsDelta: '{"tz":"Europe/Paris"}' });
      emit.toolCallArguments("call_a", "");
      // The same name again is dropped, not sent: OpenAI-style adapters may pass it through.
      emit.toolCall("call_a", { name: "get_weather", argumentsDelta: '"Paris"}' });
      expect(emit.toolCallIds).toEqual(["call_a", "call_b"]);
      emit.usage({ inputTokens: 40, outputTokens: 22 });
    });
    const run = await collect(plugin);
    expect(run.plain).toEqual([
      { delta: { content: "Checking both." } },
      { toolCallDelta: { id: "call_a", name: "get_weather", argumentsChunk: "" } },
      { toolCallDelta: { id: "call_a", name: "", argumentsChunk: '{"city":' } },
      { toolCallDelta: { id: "call_b", name: "get_time", argumentsChunk: '{"tz":"Europe/Paris"}' } },
      { toolCallDelta: { id: "call_a", name: "", argumentsChunk: '"Paris"}' } },
      { usage: { inputTokens: 40, outputTokens: 22 } },
      { finish: { reason: FinishReason.TOOL_USE } },
    ]);
    expect(await createLLMClient(plugin).complete(hello)).toMatchObject({
      text: "Checking both.",
      toolCalls: [
        { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
        { id: "call_b", name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
      ],
      finishReason: FinishReason.TOOL_USE,
    });
  });

  it("sends an explicit finish as given and ends the call there", async () => {
    const over = latch();
    const plugin = llmPlugin(async (_req, { emit, signal }) => {
      emit.text("cut");
      emit.finish(FinishReason.MAX_TOKENS);
      expect(emit.finished).toBe(true);
      // The call is over once the finish is sent: the author's signal says so.
      await aborted(signal);
      over.open();
    });
    const run = await collect(plugin);
    expect(run.plain).toEqual([{ delta: { content: "cut" } }, { finish: { reason: FinishReason.MAX_TOKENS } }]);
    await over.promise;
  });

  it("accepts MAX_TOKENS after tool calls (the model was cut off mid-call)", async () => {
    const plugin = llmPlugin((_req, { emit }) => {
      emit.startToolCall("call_1", "search", '{"q": "unfinis');
      emit.finish(FinishReason.MAX_TOKENS);
    });
    const result = await createLLMClient(plugin).complete(hello);
    expect(result).toMatchObject({ finishReason: FinishReason.MAX_TOKENS, toolCalls: [{ id: "call_1", name: "search", arguments: '{"q": "unfinis' }] });
  });

  it("finishes an empty completion with STOP", async () => {
    const run = await collect(llmPlugin(() => undefined));
    expect(run.plain).toEqual([{ finish: { reason: FinishReason.STOP } }]);
  });
});

describe("the emitter refuses every misuse", () => {
  interface Misuse {
    name: string;
    act: (emit: CompletionEmitter) => void;
    message: string;
    /** The misuse came after the finish: the stream (already complete) stands, the author gets the error. */
    afterFinish?: boolean;
  }
  const misuses: Misuse[] = [
    { name: "text after finish", act: (e) => (e.finish(), e.text("more")), message: "text() after finish(): the finish is the stream's last event", afterFinish: true },
    { name: "usage after finish", act: (e) => (e.finish(), e.usage({ inputTokens: 1, outputTokens: 1 })), message: "usage() after finish(): usage must come before the finish", afterFinish: true },
    { name: "two finishes", act: (e) => (e.finish(), e.finish()), message: "finish() called twice: the stream already finished with STOP", afterFinish: true },
    { name: "tool call after finish", act: (e) => (e.finish(), e.startToolCall("c", "t")), message: 'startToolCall("c") after finish()', afterFinish: true },
    { name: "arguments for an unknown id", act: (e) => (e.startToolCall("c1", "t"), e.toolCallArguments("c2", "{}")), message: 'toolCallArguments("c2"): unknown tool call id (started: "c1"); call startToolCall(id, name) first' },
    { name: "a first delta without a name", act: (e) => e.toolCall("c1", { argumentsDelta: "{}" }), message: 'toolCall("c1"): the first delta of a tool call must name the tool' },
    { name: "renaming a call", act: (e) => (e.toolCall("c1", { name: "a" }), e.toolCall("c1", { name: "b" })), message: 'toolCall("c1"): the call is to "a"; a later delta cannot rename it to "b"' },
    { name: "starting a call twice", act: (e) => (e.startToolCall("c1", "a"), e.startToolCall("c1", "a")), message: 'startToolCall("c1"): the call was already started' },
    { name: "an empty id", act: (e) => e.startToolCall("", "a"), message: 'startToolCall(""): the tool call id must be a non-empty string' },
    { name: "an empty tool name", act: (e) => e.startToolCall("c1", ""), message: 'startToolCall("c1"): the tool\'s name must be a non-empty string' },
    { name: "usage twice", act: (e) => (e.usage({ inputTokens: 1, outputTokens: 2 }), e.usage({ inputTokens: 1, outputTokens: 2 })), message: "usage() called twice" },
    { name: "negative tokens", act: (e) => e.usage({ inputTokens: -1, outputTokens: 2 }), message: "usage(): inputTokens must be an integer from 0 to 2147483647, got -1" },
    { name: "fractional tokens", act: (e) => e.usage({ inputTokens: 1, outputTokens: 2.5 }), message: "usage(): outputTokens must be an integer from 0 to 2147483647, got 2.5" },
    { name: "TOOL_USE without tool calls", act: (e) => e.finish(FinishReason.TOOL_USE), message: "finish(TOOL_USE) without a tool call" },
    { name: "STOP after tool calls", act: (e) => (e.startToolCall("c1", "a"), e.finish(FinishReason.STOP)), message: 'finish(STOP) after 1 tool call(s) ("c1"): a stream with tool calls ends with TOOL_USE' },
    { name: "an UNSPECIFIED reason", act: (e) => e.finish(FinishReason.FINISH_REASON_UNSPECIFIED), message: "finish(0): the reason must be FinishReason.STOP, TOOL_USE or MAX_TOKENS" },
    { name: "an unknown reason", act: (e) => e.finish(42 as FinishReason), message: "finish(42): the reason must be" },
    { name: "text that is not a string", act: (e) => e.text(7 as unknown as string), message: "text(7): the text must be a string" },
  ];

  for (const misuse of misuses) {
    it(`refuses ${misuse.name}`, async () => {
      let thrown: unknown;
      const plugin = llmPlugin((_req, { emit }) => {
        emit.text("before");
        try {
          misuse.act(emit);
        } catch (err) {
          thrown = err;
        }
        // Carrying on after a refusal changes nothing: the call still fails (or stays finished).
        emit.text("after the refusal");
      });
      const run = await collect(plugin);
      expect(thrown).toBeInstanceOf(AgentwireError);
      expect((thrown as AgentwireError).code).toBe("internal");
      expect((thrown as Error).message).toContain(`LLM stream misuse: ${misuse.message}`);
      expect(run.plain[0]).toEqual({ delta: { content: "before" } });
      expect(JSON.stringify(run.plain)).not.toContain("after the refusal");
      if (misuse.afterFinish) {
        expect(run.error).toBeUndefined();
        expect(run.plain.at(-1)).toEqual({ finish: { reason: FinishReason.STOP } });
      } else {
        expect(run.error?.code).toBe(Code.Internal);
        expect(run.error?.rawMessage).toContain(misuse.message);
        expect(run.plain.some((e) => "finish" in (e as object))).toBe(false);
      }
    });
  }

  it("refuses a generator event of an unknown type", async () => {
    const plugin = llmPlugin(async function* () {
      yield { type: "text", text: "ok" };
      yield { type: "image", url: "x" } as unknown as CompletionEvent;
    });
    const run = await collect(plugin);
    expect(run.plain).toEqual([{ delta: { content: "ok" } }]);
    expect(run.error?.code).toBe(Code.Internal);
    expect(run.error?.rawMessage).toBe('LLM stream misuse: yielded an event of type "image": expected "text", "toolCall", "usage" or "finish"');
  });
});

describe("complete as an async generator", () => {
  it("streams the yielded events and finishes for the author", async () => {
    const plugin = llmPlugin(async function* (request) {
      yield { type: "text", text: `model=${request.model}` };
      yield { type: "toolCall", id: "call_1", name: "lookup", argumentsDelta: '{"k":' };
      yield { type: "toolCall", id: "call_1", argumentsDelta: "1}" };
      yield { type: "usage", inputTokens: 5, outputTokens: 6 };
    });
    expect(await createLLMClient(plugin).complete(hello)).toMatchObject({
      text: "model=test-model",
      toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"k":1}' }],
      usage: { inputTokens: 5, outputTokens: 6 },
      finishReason: FinishReason.TOOL_USE,
    });
  });

  it("stops pulling and returns the generator once it yields the finish", async () => {
    const cleanedUp = latch();
    let pulledAfterFinish = false;
    const plugin = llmPlugin(async function* () {
      try {
        yield { type: "text", text: "done" };
        yield { type: "finish" };
        pulledAfterFinish = true;
        yield { type: "text", text: "never" };
      } finally {
        cleanedUp.open();
      }
    });
    const run = await collect(plugin);
    expect(run.plain).toEqual([{ delta: { content: "done" } }, { finish: { reason: FinishReason.STOP } }]);
    await cleanedUp.promise;
    expect(pulledAfterFinish).toBe(false);
  });

  it("can be returned from an async complete", async () => {
    const plugin = llmPlugin(async () => {
      await Promise.resolve();
      return (async function* (): AsyncGenerator<CompletionEvent> {
        yield { type: "text", text: "later" };
      })();
    });
    expect((await createLLMClient(plugin).complete(hello)).text).toBe("later");
  });
});

describe("cancellation", () => {
  it("reaches the author as an AbortSignal, and nothing is sent after it", async () => {
    let reason: unknown;
    let lateEmitThrew = false;
    let resolveCancelled!: () => void;
    const cancelled = new Promise<void>((resolve) => (resolveCancelled = resolve));
    const plugin = llmPlugin(async (_req, { emit, signal }) => {
      emit.text("first");
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      reason = signal.reason;
      try {
        emit.text("after cancel");
        emit.usage({ inputTokens: 1, outputTokens: 1 });
        emit.finish();
      } catch {
        lateEmitThrew = true;
      }
      resolveCancelled();
    });
    const controller = new AbortController();
    const received: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of createLLMClient(plugin).streamCompletion(hello, { signal: controller.signal })) {
          received.push(event.event.case ?? "");
          controller.abort();
        }
      })(),
    );
    await cancelled;
    expect(error.code).toBe(Code.Canceled);
    expect(received).toEqual(["delta"]);
    expect(reason).toBeDefined();
    expect(lateEmitThrew).toBe(false);
  });

  it("fires the author's signal when the call's deadline passes", async () => {
    let reason: unknown;
    const seen = latch();
    const plugin = llmPlugin(async (_req, { signal }) => {
      await aborted(signal);
      reason = signal.reason;
      seen.open();
    });
    const error = await rejection(createLLMClient(plugin).complete(hello, { timeoutMs: 50 }));
    expect(error.code).toBe(Code.DeadlineExceeded);
    await seen.promise;
    expect(ConnectError.from(reason).code).toBe(Code.DeadlineExceeded);
  });

  it("returns a generator complete that is cancelled mid-stream", async () => {
    const cleanedUp = latch();
    const plugin = llmPlugin(async function* (_req, { signal }) {
      try {
        yield { type: "text", text: "one" };
        await aborted(signal);
        yield { type: "text", text: "two" };
      } finally {
        cleanedUp.open();
      }
    });
    const controller = new AbortController();
    await rejection(
      (async () => {
        for await (const _event of createLLMClient(plugin).streamCompletion(hello, { signal: controller.signal })) controller.abort();
      })(),
    );
    await cleanedUp.promise;
  });
});

describe("errors", () => {
  it("keeps an AgentwireError's or UpstreamHttpError's code, after the events already sent", async () => {
    const quota = llmPlugin((_req, { emit }) => {
      emit.text("partial");
      throw new AgentwireError("resource_exhausted", "monthly token budget spent");
    });
    const run = await collect(quota);
    expect(run.plain).toEqual([{ delta: { content: "partial" } }]);
    expect(run.error?.code).toBe(Code.ResourceExhausted);
    expect(run.error?.rawMessage).toBe("monthly token budget spent");

    const upstream = llmPlugin(async () => {
      throw new UpstreamHttpError(401, "Incorrect API key provided: sk-proj-abcdefghijkl1234", { upstream: "OpenAI" });
    });
    const err = await rejection(createLLMClient(upstream).complete(hello));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toBe("OpenAI answered HTTP 401: Incorrect API key provided: [redacted]");
  });

  it("sends anything else as INTERNAL with its message", async () => {
    const err = await rejection(
      createLLMClient(
        llmPlugin(() => {
          throw new TypeError("cannot read properties of undefined (reading 'choices')");
        }),
      ).complete(hello),
    );
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toBe("cannot read properties of undefined (reading 'choices')");
  });

  it("removes key-shaped text and the secrets secrets() names from every error message", async () => {
    const secret = "corp-gateway-token-0123456789";
    const plugin = llmPlugin(
      () => {
        throw new Error(`request to https://llm.example.com/v1?key=${secret} failed with Authorization: Bearer ${secret} (fallback key sk-abcdefghijklmnop)`);
      },
      { redact: () => [secret, undefined] },
    );
    const err = await rejection(createLLMClient(plugin).complete(hello));
    expect(err.rawMessage).not.toContain(secret);
    expect(err.rawMessage).not.toContain("sk-abcdefghijklmnop");
    expect(err.rawMessage).toBe(
      "request to https://llm.example.com/v1?key=[redacted] failed with Authorization: Bearer [redacted] (fallback key [redacted])",
    );
  });

  it("logs but does not send a throw that comes after the finish", async () => {
    const plugin = llmPlugin(async (_req, { emit }) => {
      emit.text("complete answer");
      emit.finish();
      throw new Error("bookkeeping failed");
    });
    const run = await collect(plugin);
    expect(run.error).toBeUndefined();
    expect(run.plain).toEqual([{ delta: { content: "complete answer" } }, { finish: { reason: FinishReason.STOP } }]);
  });
});

describe("the request complete receives", () => {
  it("is the CompleteRequest as plain data, with tool schemas parsed and temperature as the platform wrote it", async () => {
    let seen: CompletionRequest | undefined;
    const plugin = llmPlugin((request) => {
      seen = request;
    });
    await createLLMClient(plugin).complete({
      model: "gpt-4o",
      temperature: 0.7,
      maxTokens: 256,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", argumentsJson: '{"city":"Paris"}' }] },
        { role: "tool", content: '{"temp_c":18}', toolCallId: "call_1" },
      ],
      availableTools: [
        { name: "get_weather", description: "Current weather", parametersJsonSchema: '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}' },
        { name: "now", description: "", parametersJsonSchema: "" },
      ],
    });
    expect(seen).toEqual({
      model: "gpt-4o",
      temperature: 0.7,
      maxTokens: 256,
      messages: [
        { role: "system", content: "Be brief.", toolCalls: [] },
        { role: "user", content: "Weather in Paris?", toolCalls: [] },
        { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        { role: "tool", content: '{"temp_c":18}', toolCalls: [], toolCallId: "call_1" },
      ],
      tools: [
        {
          name: "get_weather",
          description: "Current weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          parametersJsonSchema: '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}',
        },
        { name: "now", description: "", parameters: { type: "object", properties: {} }, parametersJsonSchema: "" },
      ],
    });
  });

  it("has no temperature or maxTokens when the platform sent none (and keeps an explicit 0)", async () => {
    const seen: CompletionRequest[] = [];
    const plugin = llmPlugin((request) => void seen.push(request));
    await createLLMClient(plugin).complete(hello);
    await createLLMClient(plugin).complete({ ...hello, temperature: 0, maxTokens: 0 });
    expect("temperature" in seen[0]! || "maxTokens" in seen[0]!).toBe(false);
    expect(seen[1]).toMatchObject({ temperature: 0, maxTokens: 0 });
  });

  it("refuses a tool whose schema is not a JSON object with INVALID_ARGUMENT naming it, before complete runs", async () => {
    let called = false;
    const plugin = llmPlugin(() => {
      called = true;
    });
    const llm = createLLMClient(plugin);
    const broken = await rejection(llm.complete({ ...hello, availableTools: [{ name: "ok", parametersJsonSchema: "{}" }, { name: "search", parametersJsonSchema: "{type: object}" }] }));
    expect(broken.code).toBe(Code.InvalidArgument);
    expect(broken.rawMessage).toMatch(/^available_tools\[1\] \("search"\)\.parameters_json_schema is not valid JSON: /);
    const array = await rejection(llm.complete({ ...hello, availableTools: [{ name: "list", parametersJsonSchema: "[]" }] }));
    expect(array.rawMessage).toBe('available_tools[0] ("list").parameters_json_schema must be a JSON Schema object, got an array');
    expect(called).toBe(false);
  });

  it("refuses a request with no messages with INVALID_ARGUMENT, before complete runs (the conformance probe relies on it)", async () => {
    let called = false;
    const plugin = llmPlugin(() => {
      called = true;
    });
    const empty = await rejection(createLLMClient(plugin).complete({ model: "", messages: [] }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.rawMessage).toBe("messages is empty: a Complete needs at least one message");
    expect(called).toBe(false);
  });
});

describe("over a real socket (serve, remote mode)", () => {
  let server: PluginServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("streams a completion and cancels the author when the client goes away", async () => {
    let cancelledWith: unknown;
    const cancelled = latch();
    const plugin = llmPlugin(async (request, { emit, signal }) => {
      if (request.model === "hang") {
        emit.text("waiting");
        await aborted(signal);
        cancelledWith = signal.reason ?? "aborted";
        cancelled.open();
        return;
      }
      emit.text("Over HTTP/2.");
      emit.toolCall("call_1", { name: "ping", argumentsDelta: "{}" });
      emit.usage({ inputTokens: 2, outputTokens: 4 });
    });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    const llm = createPluginDriver({ url: server.url });
    expect(await llm.complete(hello)).toMatchObject({
      text: "Over HTTP/2.",
      toolCalls: [{ id: "call_1", name: "ping", arguments: "{}" }],
      usage: { inputTokens: 2, outputTokens: 4 },
      finishReason: FinishReason.TOOL_USE,
    });

    const controller = new AbortController();
    await rejection(
      (async () => {
        for await (const _event of llm.streamCompletion({ ...hello, model: "hang" }, { signal: controller.signal })) controller.abort();
      })(),
    );
    await cancelled.promise;
    expect(cancelledWith).toBeDefined();
  });
});

// Every rule of the LifecycleHook API, through the in-process driver (the same service tables,
// serialization and error mapping `serve` uses).
import { Writable } from "node:stream";
import { describe, expect, expectTypeOf, it } from "vitest";
import { AgentwireError, createLogger, LosslessNumber, type Logger } from "@agentwire/core";
import { Code } from "@connectrpc/connect";
import {
  Capability,
  cancel,
  EventType,
  LifecycleHook,
  lifecycleEventNames,
  modify,
  Plugin,
  proceed,
  type LifecycleContext,
  type LifecycleEventName,
  type LifecycleFailurePolicy,
  type LifecycleHandler,
  type LifecyclePayloads,
  type LlmRequestPayload,
  type ToolCallPayload,
} from "../src/index.js";
import { createPluginDriver, type PluginDriver, type SendEventOptions } from "../src/testing/index.js";
import { refusalSync, rejection, TestHook } from "./fixtures.js";

const encoder = new TextEncoder();

type Handlers = { [K in LifecycleEventName]?: LifecycleHandler<K> };

/** A plugin with a hook made of `on`'s handlers (each with its policy from `onError`), and a driver for it. */
function hookPlugin(
  options: { on: Handlers; onError?: LifecycleFailurePolicy | { [K in LifecycleEventName]?: LifecycleFailurePolicy } },
  logger?: Logger,
) {
  const hook = new TestHook();
  for (const name of lifecycleEventNames) {
    const handler = options.on[name];
    if (handler === undefined) continue;
    const onError = typeof options.onError === "string" ? options.onError : options.onError?.[name];
    hook.add(name, handler as LifecycleHandler<typeof name>, onError === undefined ? {} : { onError });
  }
  const plugin = new Plugin({ name: "hooks", version: "0.1.0", manifest: { description: "Lifecycle hooks under test", author: "agentwire tests" }, providers: [hook] });
  return { plugin, hook, client: createPluginDriver(logger ? { plugin, logger } : { plugin }) };
}

/** One event through the driver. */
function sendEvent(driver: PluginDriver, type: LifecycleEventName | EventType, payload: unknown, options?: SendEventOptions) {
  return driver.sendEvent(type, payload, options);
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ destination, level: "debug" }), lines };
}

// One payload per event type, as the reference shows them (LLM_REQUEST's elements are ours).
const examples: { [K in LifecycleEventName]: LifecyclePayloads[K] } = {
  AGENT_START: { agent_name: "triage", input: "What's the weather in SF?" },
  AGENT_END: { agent_name: "triage", input: "What's the weather in SF?" },
  TURN_START: { agent_name: "triage", turn_number: 1 },
  TURN_END: { agent_name: "triage", turn_number: 1 },
  LLM_REQUEST: {
    model: "claude-sonnet-4-6",
    messages: [
      { role: "system", content: "Be brief.", tool_calls: [] },
      { role: "assistant", content: "", tool_calls: [{ id: "call_1", name: "get_weather", arguments_json: '{"city":"SF"}' }] },
      { role: "user", content: '{"temperature":72}', tool_calls: [], tool_call_id: "call_1" },
    ],
    tools: [{ name: "get_weather", description: "Weather for a city", parameters_json_schema: '{"type":"object"}' }],
    temperature: 0.2,
    max_tokens: 512,
  },
  LLM_RESPONSE: { content: "It is 72°F in SF.", tool_calls: [{ id: "call_2", name: "get_time", arguments_json: "{}" }], finish_reason: "stop" },
  TOOL_CALL: { tool_name: "get_weather", arguments_json: '{"city":"SF"}' },
  TOOL_RESULT: { tool_name: "get_weather", result_json: '{"temperature":72}', is_error: false },
  HANDOFF: { from_agent: "triage", to_agent: "specialist", context: "The user wants a refund" },
};

describe("LifecycleHook", () => {
  it("is a LIFECYCLE_HOOK provider that Register reports; `events` lists the handled types in EventType order", async () => {
    class Audit extends LifecycleHook {
      toolCall = this.on("TOOL_CALL", () => undefined);
      start = this.on("AGENT_START", () => undefined);
    }
    const hook = new Audit();
    expect(hook.toolCall).toBe("TOOL_CALL");
    expect(hook.capability).toBe(Capability.LIFECYCLE_HOOK);
    expect(hook.events).toEqual(["AGENT_START", "TOOL_CALL"]);
    const plugin = new Plugin({ name: "hooks", version: "0.1.0", manifest: { description: "d", author: "a" }, providers: [hook] });
    expect((await createPluginDriver({ plugin }).register()).capabilities).toEqual([Capability.LIFECYCLE_HOOK]);
    expect(lifecycleEventNames).toEqual(Object.keys(examples));
    expect(lifecycleEventNames.map((name) => EventType[name])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("refuses an unknown event type, a second handler for a type, a handler that is not a function and an unknown failure policy", () => {
    const hook = new TestHook();
    const message = (fn: () => unknown) => {
      const err = refusalSync(fn);
      return `${err.code}: ${err.message}`;
    };
    expect(message(() => hook.add("tool_call" as "TOOL_CALL", () => undefined))).toBe(
      "invalid_argument: tool_call is not an event type; use one of AGENT_START, AGENT_END, TURN_START, TURN_END, LLM_REQUEST, LLM_RESPONSE, TOOL_CALL, TOOL_RESULT, HANDOFF",
    );
    expect(message(() => hook.add("TOOL_CALL", "cancel" as never))).toBe("invalid_argument: the TOOL_CALL handler must be a function, got string");
    expect(message(() => hook.add("TOOL_CALL", () => undefined, { onError: "ignore" as "cancel" }))).toBe(
      'invalid_argument: the TOOL_CALL handler\'s onError is ignore; use "cancel", "continue" or "error"',
    );
    hook.add("TOOL_CALL", () => undefined);
    expect(message(() => hook.add("TOOL_CALL", () => undefined))).toBe("already_exists: TestHook has two TOOL_CALL handlers; declare one per event type");
  });
});

describe("CONTINUE by default", () => {
  it("answers CONTINUE, with no payload, for an event type without a handler", async () => {
    const { client } = hookPlugin({ on: { TOOL_CALL: () => cancel() } });
    for (const name of lifecycleEventNames.filter((n) => n !== "TOOL_CALL")) {
      expect(await sendEvent(client, name, examples[name]), name).toEqual({ action: "CONTINUE" });
    }
    const raw = await client.clients.hooks.onEvent({ type: EventType.AGENT_START, agentName: "triage", payloadJson: encoder.encode("{}") });
    expect(raw.action).toBe(1);
    expect(raw.modifiedPayloadJson).toBeUndefined();
  });

  it("answers CONTINUE for a handler that returns nothing, or proceed()", async () => {
    const { client } = hookPlugin({
      on: {
        TOOL_CALL: () => undefined,
        TOOL_RESULT: async () => {},
        HANDOFF: () => proceed(),
        TURN_START: async () => proceed(),
      },
    });
    for (const name of ["TOOL_CALL", "TOOL_RESULT", "HANDOFF", "TURN_START"] as const) {
      expect(await sendEvent(client, name, examples[name]), name).toEqual({ action: "CONTINUE" });
    }
  });

  it("answers CONTINUE for event types this SDK does not know (a newer platform's), even with every handler set", async () => {
    const seen: string[] = [];
    const on = Object.fromEntries(lifecycleEventNames.map((name) => [name, () => (seen.push(name), cancel())]));
    const { client } = hookPlugin({ on });
    expect(await sendEvent(client, 42 as EventType, { anything: ["goes"] })).toEqual({ action: "CONTINUE" });
    expect(await sendEvent(client, EventType.EVENT_TYPE_UNSPECIFIED, "a string payload")).toEqual({ action: "CONTINUE" });
    expect(seen).toEqual([]);
  });
});

describe("typed payloads", () => {
  it("gives each handler its event's payload, typed, with the event type and agent in the context", async () => {
    const received: Array<[string, unknown, string, string]> = [];
    const on = Object.fromEntries(
      lifecycleEventNames.map((name) => [
        name,
        (payload: unknown, ctx: LifecycleContext) => {
          received.push([name, payload, ctx.event, ctx.agentName]);
          expect(ctx.signal).toBeInstanceOf(AbortSignal);
          expect(typeof ctx.logger.info).toBe("function");
        },
      ]),
    );
    const { client } = hookPlugin({ on });
    for (const name of lifecycleEventNames) {
      expect(await sendEvent(client, name, examples[name], { agentName: "triage" })).toEqual({ action: "CONTINUE" });
    }
    expect(received).toEqual(lifecycleEventNames.map((name) => [name, examples[name], name, "triage"]));
  });

  it("types handler payloads by event type", () => {
    hookPlugin({
      on: {
        TOOL_CALL: (payload, ctx) => {
          expectTypeOf(payload).toEqualTypeOf<ToolCallPayload>();
          expectTypeOf(ctx.event).toEqualTypeOf<"TOOL_CALL">();
          expectTypeOf(payload.arguments_json).toEqualTypeOf<string>();
          if (payload.tool_name === "x") return cancel("no");
          // @ts-expect-error -- a misspelt field in a MODIFY payload is a compile error
          return modify({ ...payload, argumentsjson: "{}" });
        },
        LLM_REQUEST: (payload) => {
          expectTypeOf(payload).toEqualTypeOf<LlmRequestPayload>();
          expectTypeOf(payload.messages[0]!.tool_calls[0]!.arguments_json).toEqualTypeOf<string>();
          expectTypeOf(payload.temperature).toEqualTypeOf<number | undefined>();
          return modify({ ...payload, model: "other" });
        },
        TURN_END: (payload) => {
          expectTypeOf(payload.turn_number).toEqualTypeOf<number>();
          // @ts-expect-error -- a field of the wrong type in a MODIFY payload is a compile error
          return modify({ ...payload, turn_number: "2" });
        },
        TOOL_RESULT: (payload) => {
          expectTypeOf(payload.is_error).toEqualTypeOf<boolean>();
        },
      },
    });
  });

  it("reads a missing or null known field as its zero value, leaves absent optional fields out and keeps unknown fields", async () => {
    const received: unknown[] = [];
    const { client } = hookPlugin({
      on: {
        LLM_REQUEST: (payload) => void received.push(payload),
        TOOL_RESULT: (payload) => void received.push(payload),
        TURN_START: (payload) => void received.push(payload),
      },
    });
    await sendEvent(client, "LLM_REQUEST", {
      model: "m",
      messages: [{ role: "user", content: null, cache_control: { type: "ephemeral" } }, {}] as never,
      tools: null as never,
      temperature: null as never,
      stream: true,
    });
    await sendEvent(client, "TOOL_RESULT", { tool_name: "t" });
    await sendEvent(client, "TURN_START", encoder.encode(""));
    expect(received).toEqual([
      {
        model: "m",
        messages: [
          { role: "user", content: "", tool_calls: [], cache_control: { type: "ephemeral" } },
          { role: "", content: "", tool_calls: [] },
        ],
        tools: [],
        stream: true,
      },
      { tool_name: "t", result_json: "", is_error: false },
      // An empty payload_json (proto3 cannot tell it from none) reads as {}.
      { agent_name: "", turn_number: 0 },
    ]);
  });

  it("refuses a handled event whose known fields have the wrong JSON type with INVALID_ARGUMENT naming the type and field", async () => {
    const { client } = hookPlugin({ on: { LLM_REQUEST: () => cancel(), TOOL_CALL: () => cancel(), TURN_END: () => cancel() } });
    const err = await rejection(
      sendEvent(client, "LLM_REQUEST", { model: "m", messages: [{ role: "user", content: "ok" }, { role: "user", content: 42, tool_calls: "none" }] }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe(
      "invalid LLM_REQUEST payload_json: messages[1].content: expected a string, got number 42; messages[1].tool_calls: expected an array, got string \"none\"",
    );
    const notObject = await rejection(sendEvent(client, "TOOL_CALL", [1, 2] as never));
    expect([notObject.code, notObject.rawMessage]).toEqual([Code.InvalidArgument, "invalid TOOL_CALL payload_json: expected a JSON object, got an array"]);
    const infinite = await rejection(sendEvent(client, "TURN_END", encoder.encode('{"turn_number": 1e999}')));
    expect(infinite.rawMessage).toBe("invalid TURN_END payload_json: turn_number: expected a finite number, got 1e999");
  });

  it("does not check the shape of events it has no handler for", async () => {
    const { client } = hookPlugin({ on: { TOOL_CALL: () => cancel() } });
    expect(await sendEvent(client, "LLM_REQUEST", { messages: "not a list" })).toEqual({ action: "CONTINUE" });
    expect(await sendEvent(client, "TOOL_RESULT", [1, 2] as never)).toEqual({ action: "CONTINUE" });
  });
});

describe("a payload that is not JSON", () => {
  it("is INVALID_ARGUMENT naming the event type, whether or not a handler exists for it", async () => {
    let calls = 0;
    const { client } = hookPlugin({ on: { TOOL_CALL: () => void calls++ } });
    const handled = await rejection(sendEvent(client, "TOOL_CALL", encoder.encode("tool_name=shell")));
    expect(handled.code).toBe(Code.InvalidArgument);
    // The message says why without quoting the payload (which can hold secrets).
    expect(handled.rawMessage).toBe("TOOL_CALL payload_json is not JSON: Unexpected token 'o'");
    const unhandled = await rejection(sendEvent(client, "HANDOFF", encoder.encode('{"from_agent": "triage",')));
    expect([unhandled.code, unhandled.rawMessage.startsWith("HANDOFF payload_json is not JSON: ")]).toEqual([Code.InvalidArgument, true]);
    const unknown = await rejection(sendEvent(client, 42 as EventType, encoder.encode("<xml/>")));
    expect([unknown.code, unknown.rawMessage.startsWith("event type 42 payload_json is not JSON: ")]).toEqual([Code.InvalidArgument, true]);
    const binary = await rejection(sendEvent(client, "TOOL_CALL", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    expect([binary.code, binary.rawMessage]).toEqual([Code.InvalidArgument, "TOOL_CALL payload_json is not JSON: not UTF-8 text (4 bytes)"]);
    expect(calls).toBe(0);
  });
});

describe("modify", () => {
  it("answers MODIFY with the payload JSON-encoded in modified_payload_json", async () => {
    const { client } = hookPlugin({
      on: { TOOL_CALL: (payload) => modify({ ...payload, arguments_json: JSON.stringify({ ...JSON.parse(payload.arguments_json), units: "metric" }) }) },
    });
    const raw = await client.clients.hooks.onEvent({ type: EventType.TOOL_CALL, agentName: "triage", payloadJson: encoder.encode(JSON.stringify(examples.TOOL_CALL)) });
    expect(raw.action).toBe(2);
    expect(JSON.parse(new TextDecoder().decode(raw.modifiedPayloadJson))).toEqual({ tool_name: "get_weather", arguments_json: '{"city":"SF","units":"metric"}' });
  });

  it("passes fields it does not know, at any depth, through a MODIFY unchanged", async () => {
    const { client } = hookPlugin({
      on: { LLM_REQUEST: (payload) => modify({ ...payload, messages: payload.messages.map((m) => ({ ...m, content: m.content.toUpperCase() })) }) },
    });
    const res = await sendEvent(client, "LLM_REQUEST", {
      model: "m",
      messages: [{ role: "user", content: "hi", tool_calls: [], cache_control: { type: "ephemeral" } }],
      tools: [],
      stream: true,
      metadata: { user_id: "u1" },
    });
    expect(res).toEqual({
      action: "MODIFY",
      payload: {
        model: "m",
        messages: [{ role: "user", content: "HI", tool_calls: [], cache_control: { type: "ephemeral" } }],
        tools: [],
        stream: true,
        metadata: { user_id: "u1" },
      },
    });
  });

  it("sends the known fields a MODIFY payload left out as their zero values", async () => {
    const { client } = hookPlugin({ on: { TOOL_CALL: () => modify({ tool_name: "get_time" } as ToolCallPayload) } });
    expect(await sendEvent(client, "TOOL_CALL", examples.TOOL_CALL)).toEqual({ action: "MODIFY", payload: { tool_name: "get_time", arguments_json: "" } });
  });

  it("keeps the numbers of fields it does not know exactly, and gives known number fields as numbers", async () => {
    let seen: unknown;
    const { client } = hookPlugin({
      on: {
        TURN_START: (payload) => {
          seen = payload;
          expectTypeOf(payload.turn_number).toEqualTypeOf<number>();
          return modify({ ...payload, turn_number: payload.turn_number + 1 });
        },
      },
    });
    const text = '{"agent_name":"a","turn_number":1.0,"id":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}';
    const raw = await client.clients.hooks.onEvent({ type: EventType.TURN_START, agentName: "a", payloadJson: encoder.encode(text) });
    expect(seen).toEqual({ agent_name: "a", turn_number: 1, id: 18446744073709551615n, neg: -9007199254740993n, ratio: new LosslessNumber("1.0") });
    expect(new TextDecoder().decode(raw.modifiedPayloadJson)).toBe('{"agent_name":"a","turn_number":2,"id":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}');
  });

  it("lets a handler change the payload object it was given (each call gets its own copy)", async () => {
    const { client } = hookPlugin({
      on: {
        TURN_START: (payload) => {
          (payload as { turn_number: number }).turn_number += 1;
          return modify(payload);
        },
      },
    });
    expect(await sendEvent(client, "TURN_START", { agent_name: "a", turn_number: 1 })).toEqual({ action: "MODIFY", payload: { agent_name: "a", turn_number: 2 } });
    expect(await sendEvent(client, "TURN_START", { agent_name: "a", turn_number: 1 })).toEqual({ action: "MODIFY", payload: { agent_name: "a", turn_number: 2 } });
  });
});

describe("cancel", () => {
  it("answers CANCEL; the reason is logged and sent in the agentwire-cancel-reason header", async () => {
    const { logger, lines } = capturingLogger();
    const { client } = hookPlugin({ on: { TOOL_CALL: (payload) => (payload.tool_name === "shell" ? cancel("shell is disabled — ask an admin") : undefined) } }, logger);
    expect(await sendEvent(client, "TOOL_CALL", { tool_name: "shell", arguments_json: "{}" }, { agentName: "ops" })).toEqual({
      action: "CANCEL",
      reason: "shell is disabled — ask an admin",
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 30, event: "TOOL_CALL", agent: "ops", reason: "shell is disabled — ask an admin", msg: "TOOL_CALL cancelled: shell is disabled — ask an admin" }),
    );
    expect(await sendEvent(client, "TOOL_CALL", { tool_name: "ls", arguments_json: "{}" })).toEqual({ action: "CONTINUE" });
  });

  it("answers CANCEL without a header for cancel() with no reason; caps a long reason at 1 000 characters", async () => {
    const { client } = hookPlugin({ on: { TOOL_CALL: () => cancel(), HANDOFF: () => cancel(`${"é".repeat(1200)}\uD800`) } });
    expect(await sendEvent(client, "TOOL_CALL", examples.TOOL_CALL)).toEqual({ action: "CANCEL" });
    const long = await sendEvent(client, "HANDOFF", examples.HANDOFF);
    expect(long.action).toBe("CANCEL");
    expect(long.reason).toBe("é".repeat(1000));
  });
});

describe("a handler that fails", () => {
  const boom = () => {
    throw new Error("boom");
  };

  it("by default fails closed on TOOL_CALL (CANCEL) and open on every other type (CONTINUE), logging the error", async () => {
    const { logger, lines } = capturingLogger();
    const on = Object.fromEntries(lifecycleEventNames.map((name) => [name, boom]));
    const { client } = hookPlugin({ on }, logger);
    expect(await sendEvent(client, "TOOL_CALL", examples.TOOL_CALL, { agentName: "ops" })).toEqual({ action: "CANCEL", reason: "lifecycle hook failed: boom" });
    for (const name of lifecycleEventNames.filter((n) => n !== "TOOL_CALL")) {
      expect(await sendEvent(client, name, examples[name]), name).toEqual({ action: "CONTINUE" });
    }
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(9);
    expect(errors[0]).toMatchObject({ event: "TOOL_CALL", agent: "ops", msg: 'TOOL_CALL handler failed: boom (onError "cancel": answering CANCEL)', err: { message: "boom" } });
    expect(errors[1]).toMatchObject({ event: "AGENT_START", msg: 'AGENT_START handler failed: boom (onError "continue": answering CONTINUE)' });
  });

  it("applies onError: one policy for every type, or per type over the defaults", async () => {
    const rejecting = async () => Promise.reject(new Error("async boom"));
    const all = hookPlugin({ on: { TOOL_CALL: boom, LLM_REQUEST: rejecting }, onError: "continue" }).client;
    expect(await sendEvent(all, "TOOL_CALL", examples.TOOL_CALL)).toEqual({ action: "CONTINUE" });
    expect(await sendEvent(all, "LLM_REQUEST", examples.LLM_REQUEST)).toEqual({ action: "CONTINUE" });

    const perType = hookPlugin({ on: { TOOL_CALL: boom, LLM_REQUEST: rejecting, HANDOFF: boom }, onError: { LLM_REQUEST: "cancel" } }).client;
    expect(await sendEvent(perType, "TOOL_CALL", examples.TOOL_CALL)).toEqual({ action: "CANCEL", reason: "lifecycle hook failed: boom" });
    expect(await sendEvent(perType, "LLM_REQUEST", examples.LLM_REQUEST)).toEqual({ action: "CANCEL", reason: "lifecycle hook failed: async boom" });
    expect(await sendEvent(perType, "HANDOFF", examples.HANDOFF)).toEqual({ action: "CONTINUE" });
  });

  it('with onError "error" fails the call: INTERNAL with the message, or the code of an AgentwireError', async () => {
    const { client } = hookPlugin({
      on: {
        TOOL_CALL: boom,
        HANDOFF: () => {
          throw new AgentwireError("permission_denied", "handoffs to specialist need approval");
        },
      },
      onError: "error",
    });
    const internal = await rejection(sendEvent(client, "TOOL_CALL", examples.TOOL_CALL));
    expect([internal.code, internal.rawMessage]).toEqual([Code.Internal, "boom"]);
    const denied = await rejection(sendEvent(client, "HANDOFF", examples.HANDOFF));
    expect([denied.code, denied.rawMessage]).toEqual([Code.PermissionDenied, "handoffs to specialist need approval"]);
  });

  it("treats an answer that is not proceed(), modify(payload), cancel() or nothing as a failure", async () => {
    const { client } = hookPlugin({
      on: {
        // The mistakes a JavaScript caller can make: a bare payload, a MODIFY without one, a made-up action.
        TOOL_CALL: ((payload: ToolCallPayload) => payload) as never,
        HANDOFF: (() => ({ action: "MODIFY" })) as never,
        AGENT_START: (() => ({ action: "SKIP" })) as never,
        AGENT_END: (() => true) as never,
      },
      onError: "error",
    });
    const bare = await rejection(sendEvent(client, "TOOL_CALL", examples.TOOL_CALL));
    expect([bare.code, bare.rawMessage]).toEqual([
      Code.Internal,
      "the TOOL_CALL handler returned an object without an action: return proceed(), modify(payload), cancel(reason) or nothing",
    ]);
    expect((await rejection(sendEvent(client, "HANDOFF", examples.HANDOFF))).rawMessage).toContain("returned a MODIFY without a payload");
    expect((await rejection(sendEvent(client, "AGENT_START", examples.AGENT_START))).rawMessage).toContain("returned an unknown action SKIP");
    expect((await rejection(sendEvent(client, "AGENT_END", examples.AGENT_END))).rawMessage).toContain("returned true");
  });

  it("treats a MODIFY payload that does not fit the event, or cannot be JSON-encoded, as a failure", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { client } = hookPlugin({
      on: {
        TOOL_CALL: (payload) => modify({ ...payload, tool_name: 7 as unknown as string }),
        LLM_REQUEST: (payload) => modify({ ...payload, messages: [{ role: "user", content: ["a"] }] } as never),
        TOOL_RESULT: (payload) => modify({ ...payload, loop: cyclic } as never),
        HANDOFF: (payload) => modify({ ...payload, size: 2n ** 64n - 1n } as never),
      },
    });
    // A bigint is JSON (written exactly); a cycle is not.
    expect(await sendEvent(client, "HANDOFF", examples.HANDOFF)).toEqual({ action: "MODIFY", payload: { ...examples.HANDOFF, size: 2n ** 64n - 1n } });
    // TOOL_CALL fails closed by default; the others fail open.
    expect(await sendEvent(client, "TOOL_CALL", examples.TOOL_CALL)).toEqual({
      action: "CANCEL",
      reason: "lifecycle hook failed: the TOOL_CALL handler's MODIFY payload does not fit the event: tool_name: expected a string, got number 7",
    });
    expect(await sendEvent(client, "LLM_REQUEST", examples.LLM_REQUEST)).toEqual({ action: "CONTINUE" });
    expect(await sendEvent(client, "TOOL_RESULT", examples.TOOL_RESULT)).toEqual({ action: "CONTINUE" });

    const strict = hookPlugin({ on: { LLM_REQUEST: (payload) => modify({ ...payload, messages: [{ role: "user", content: ["a"] }] } as never) }, onError: "error" });
    expect((await rejection(sendEvent(strict.client, "LLM_REQUEST", examples.LLM_REQUEST))).rawMessage).toBe(
      "the LLM_REQUEST handler's MODIFY payload does not fit the event: messages[0].content: expected a string, got an array",
    );
  });

  it("does not hold a call whose deadline passed: the caller gets DEADLINE_EXCEEDED and the policy is not applied", async () => {
    let aborted = false;
    const { client } = hookPlugin({
      on: {
        TOOL_CALL: (_payload, ctx) => {
          ctx.signal.addEventListener("abort", () => (aborted = true));
          return new Promise(() => {});
        },
      },
    });
    // The handler never settles: the answer comes from the deadline alone.
    const err = await rejection(sendEvent(client, "TOOL_CALL", examples.TOOL_CALL, { timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(aborted).toBe(true);
  });
});

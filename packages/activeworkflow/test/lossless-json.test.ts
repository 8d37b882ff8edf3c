import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isLosslessNumber, parseJson } from "@agentwire/core";
import { LosslessNumber, RemoteHttpAgent, createAgentHandler, type CheckContext, type JsonObject, type ReceiveContext } from "../src/index.js";
import { createActiveWorkflowDriver, createWorkflowRunner } from "../src/testing/index.js";
import { cloneJson, jsonEqual, toJson } from "../src/json-values.js";
import { rubyFloat, rubyInspect } from "../src/testing/apply-result.js";
import { DigestAgent, EchoAgent, SinkAgent, type Json } from "./fixtures.js";

const exact = '{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0,"exp":1e3,"minus_zero":-0}';

async function answer(agent: RemoteHttpAgent | ReturnType<typeof createAgentHandler>, body: string) {
  const handler = "handleRequest" in agent ? agent : createAgentHandler(agent);
  const res = await handler.handleRequest(body);
  return { status: res.status, text: res.body, json: JSON.parse(res.body) as Record<string, Json> };
}

const receiveBody = (payload: string, params: { options?: string; memory?: string; credentials?: string } = {}) =>
  `{"method":"receive","params":{"options":${params.options ?? "{}"},"memory":${params.memory ?? "{}"},"credentials":${params.credentials ?? "[]"},"message":{"id":1,"payload":${payload}}}}`;

describe("payloads and memory keep every number as written", () => {
  it("emits a received payload with 2^64−1, −2^53−1, 1.0, 1e3 and -0 as they came", async () => {
    class Passer extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.emit(ctx.payload);
      }
    }
    const { text } = await answer(new Passer(), receiveBody(exact));
    expect(text).toBe(`{"result":{"messages":[${exact}]}}`);
  });

  it("gives the agent bigint, LosslessNumber and number values", async () => {
    const seen: JsonObject[] = [];
    class Reader extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        seen.push(ctx.payload);
      }
    }
    await answer(new Reader(), receiveBody(exact));
    const payload = seen[0]!;
    expect(payload.id).toBe(12345678901234567891n);
    expect(payload.max_u64).toBe(2n ** 64n - 1n);
    expect(payload.neg).toBe(-(2n ** 53n) - 1n);
    expect(isLosslessNumber(payload.ratio)).toBe(true);
    expect(Number(payload.ratio)).toBe(1);
    expect((payload.exp as LosslessNumber).value).toBe("1e3");
  });

  it("does not send memory back when the agent only read it, and keeps 1.0 as 1.0 when it changed something else", async () => {
    class Reader extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        if (ctx.payload.touch) ctx.updateMemory({ touched: true });
      }
    }
    const memory = '{"count":1.0,"big":18446744073709551615}';
    expect((await answer(new Reader(), receiveBody("{}", { memory }))).text).toBe('{"result":{}}');
    expect((await answer(new Reader(), receiveBody('{"touch":true}', { memory }))).text).toBe(
      '{"result":{"memory":{"count":1.0,"big":18446744073709551615,"touched":true}}}',
    );
  });

  it("counts 1.0 replaced by 1 as a change (ActiveWorkflow would store an Integer for a Float)", async () => {
    class Integerizer extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.updateMemory({ count: Number(ctx.memory.count) });
      }
    }
    expect((await answer(new Integerizer(), receiveBody("{}", { memory: '{"count":1.0}' }))).text).toBe('{"result":{"memory":{"count":1}}}');
    expect((await answer(new Integerizer(), receiveBody("{}", { memory: '{"count":1}' }))).text).toBe('{"result":{}}');
  });

  it("writes bigints an agent makes itself exactly, in messages, memory and log lines", async () => {
    class Maker extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.emit({ n: 2n ** 70n, f: new LosslessNumber("2.50") });
        ctx.updateMemory({ last: 2n ** 64n - 1n });
        ctx.log({ n: 2n ** 64n } as unknown as string);
      }
    }
    const { text } = await answer(new Maker(), receiveBody("{}"));
    expect(text).toBe(
      '{"result":{"logs":["{\\"n\\":18446744073709551616}"],"memory":{"last":18446744073709551615},"messages":[{"n":1180591620717411303424,"f":2.50}]}}',
    );
  });

  it("redacts credential values next to big numbers, leaving the numbers exact", async () => {
    class Leaky extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.emit({ ...ctx.payload, token: ctx.credential("api")! });
      }
    }
    const { text } = await answer(new Leaky(), receiveBody(exact, { credentials: '[{"name":"api","value":"s3cr3t-123"}]' }));
    expect(text).not.toContain("s3cr3t-123");
    expect(text).toContain(`"messages":[${exact.slice(0, -1)},"token":"[redacted credential api]"}]`);
  });
});

describe("options", () => {
  it("are plain numbers where a number holds them exactly, so a schema's z.number() takes 5.0 and 1e1", async () => {
    const driver = createActiveWorkflowDriver({ agent: new DigestAgent(), strict: true });
    const digest = await driver.createInstance({ options: parseJson('{"max_items":2.0,"title":"t","nested":{"level":1e1}}') as JsonObject });
    expect((await driver.receive(digest, { a: 1 })).errors).toEqual([]);
    expect((await driver.receive(digest, { a: 2 })).errors).toEqual([]);
    expect(digest.memory).toEqual({ items: [{ a: 1 }, { a: 2 }] });
  });

  it("keep integers past 2^53 as bigints, which a z.number() schema refuses by name", async () => {
    const { json } = await answer(new DigestAgent(), receiveBody("{}", { options: '{"max_items":18446744073709551615,"title":"t"}' }));
    expect(json.result.errors).toEqual(['invalid option "max_items": Invalid input: expected number, received bigint']);
  });

  it("reach an agent without a schema the same way", async () => {
    const seen: JsonObject[] = [];
    class Opts extends RemoteHttpAgent {
      readonly name = "OptsAgent";
      readonly displayName = "Opts";
      readonly description = "";
      readonly defaultOptions = {};
      override check(ctx: CheckContext) {
        seen.push(ctx.options);
      }
    }
    await answer(
      new Opts(),
      '{"method":"check","params":{"options":{"a":10.0,"b":[1.50,1e2],"c":0.30000000000000000001,"d":12345678901234567891,"e":-0,"f":1e400,"__proto__":{"g":2.0}},"memory":{},"credentials":[],"message":null}}',
    );
    const options = seen[0]!;
    expect(options.a).toBe(10);
    expect(options.b).toEqual([1.5, 100]);
    expect((options.c as LosslessNumber).value).toBe("0.30000000000000000001");
    expect(options.d).toBe(12345678901234567891n);
    expect(Object.is(options.e, -0)).toBe(true);
    // No double holds 1e400: it stays as written rather than becoming Infinity.
    expect((options.f as LosslessNumber).value).toBe("1e400");
    // A "__proto__" key stays an ordinary key, converted like any other, and the prototype is untouched.
    expect(Object.getPrototypeOf(options)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(options, "__proto__")?.value).toEqual({ g: 2 });
  });
});

describe("the driver and the workflow runner", () => {
  it("send and apply exact values, through a chain of agents", async () => {
    const workflow = createWorkflowRunner({ timeZone: "UTC" });
    const echo = await workflow.add(createActiveWorkflowDriver({ agent: new EchoAgent() }), { name: "echo" });
    const sink = await workflow.add(createActiveWorkflowDriver({ agent: new SinkAgent() }), { name: "sink" });
    workflow.link(echo, sink);
    const run = await workflow.receive(echo, parseJson(exact) as JsonObject);
    expect(run.warnings).toEqual([]);
    const stored = sink.memory.seen as Json[];
    expect(stored[0].payload.max_u64).toBe(18446744073709551615n);
    expect(String(stored[0].payload.ratio)).toBe("1.0");
    // And what the runner sent on, as text:
    expect(run.steps[1]!.outcome.body).toContain(exact.slice(1, -1));
  });

  it("shows non-string log entries as Ruby's inspect would: Floats with a fraction, Integers of any size", () => {
    expect(rubyInspect(parseJson('{"a":1.0,"b":1e3,"c":18446744073709551615,"d":[2.5,-0,1e20,0.00001]}'))).toBe(
      '{"a"=>1.0, "b"=>1000.0, "c"=>18446744073709551615, "d"=>[2.5, 0, 1.0e+20, 1.0e-05]}',
    );
    expect([1, 1000, 1e16, 1e15, 123.456, 0.0001].map(rubyFloat)).toEqual(["1.0", "1000.0", "1.0e+16", "1000000000000000.0", "123.456", "0.0001"]);
  });
});

describe("json-values helpers", () => {
  it("cloneJson keeps bigints and LosslessNumbers (structuredClone would make the latter plain objects)", () => {
    const value = parseJson(exact) as JsonObject;
    const copy = cloneJson(value);
    expect(copy).not.toBe(value);
    expect(copy.id).toBe(12345678901234567891n);
    expect(isLosslessNumber(copy.ratio)).toBe(true);
    expect(jsonEqual(value, copy)).toBe(true);
  });

  it("jsonEqual tells 1.0 from 1 and compares LosslessNumbers by their text", () => {
    expect(jsonEqual(parseJson('{"a":1.0}'), parseJson('{"a":1.0}'))).toBe(true);
    expect(jsonEqual(parseJson('{"a":1.0}'), { a: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, parseJson('{"a":1.0}'))).toBe(false);
    expect(jsonEqual({ a: 2n ** 64n }, { a: 2n ** 64n })).toBe(true);
  });

  it("toJson keeps exact numbers and still refuses a cycle", () => {
    expect(toJson({ a: 1n, b: new LosslessNumber("1.0"), c: new Date(0) }, "x")).toEqual({ a: 1n, b: new LosslessNumber("1.0"), c: "1970-01-01T00:00:00.000Z" });
    const loop: Record<string, unknown> = { big: 2n ** 64n };
    loop.self = loop;
    expect(() => toJson(loop, "memory")).toThrow(/^memory is not JSON-serializable: Converting circular structure to JSON/);
  });
});

describe("@agentwire/activeworkflow's JSON helpers", () => {
  it("are core's, re-exported, so an author reads and writes wire JSON without @agentwire/core", async () => {
    const aw = await import("../src/index.js");
    const core = await import("@agentwire/core");
    for (const name of ["parseJson", "stringifyJson", "isJsonObject", "isLosslessNumber", "toNumber", "LosslessNumber"] as const) {
      expect(aw[name], name).toBe(core[name]);
    }
    expect(aw.stringifyJson(aw.parseJson(exact))).toBe(exact);
    // toNumber never throws, where Number() on a LosslessNumber out of a double's range does.
    expect(aw.toNumber(new LosslessNumber("1e400"))).toBe(Infinity);
    expect(() => Number(new LosslessNumber("1e400"))).toThrow(/overflow/);
  });
});

describe("typing", () => {
  it("lets a zod schema's options type and JsonValue payloads meet", () => {
    const schema = z.object({ n: z.number() });
    class Typed extends RemoteHttpAgent<z.infer<typeof schema>> {
      readonly name = "TypedAgent";
      readonly displayName = "Typed";
      readonly description = "";
      readonly defaultOptions = { n: 1 };
      override readonly optionsSchema = schema;
      override receive(ctx: ReceiveContext<z.infer<typeof schema>>) {
        const big: bigint = 1n;
        ctx.emit({ n: ctx.options.n, big, exact: new LosslessNumber("1.0") });
      }
    }
    expect(new Typed().name).toBe("TypedAgent");
  });
});

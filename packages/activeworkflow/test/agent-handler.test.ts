import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@agentwire/core";
import {
  CredentialError,
  RemoteHttpAgent,
  createAgentHandler,
  type AnyRemoteHttpAgent,
  type CheckContext,
  type ReceiveContext,
} from "../src/index.js";
import { createActiveWorkflowDriver } from "../src/testing/index.js";
import { DigestAgent, EchoAgent, SinkAgent, type Json } from "./fixtures.js";

async function call(agent: AnyRemoteHttpAgent | ReturnType<typeof createAgentHandler>, body: unknown) {
  const handler = "handleRequest" in agent ? agent : createAgentHandler(agent);
  const res = await handler.handleRequest(typeof body === "string" ? body : JSON.stringify(body));
  return { status: res.status, json: JSON.parse(res.body) as Record<string, Json>, text: res.body };
}

const check = (params: Record<string, unknown> = {}) => ({
  method: "check",
  params: { options: {}, memory: {}, credentials: [], message: null, ...params },
});
const receive = (payload: unknown, params: Record<string, unknown> = {}) => ({
  method: "receive",
  params: {
    options: {},
    memory: {},
    credentials: [],
    message: { id: 7, user_id: 1, agent_id: 3, payload, created_at: "2023-04-03T01:31:18.123-07:00", updated_at: "2023-04-03T01:31:18.123-07:00", expires_at: null },
    ...params,
  },
});

/** A logger writing into `lines`, for checking what reaches stderr; `parsed()` reads them back. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, Json>);
  return { logger: createLogger({ destination: stream, level: "debug" }), lines, parsed };
}

describe("register", () => {
  it("answers name, display_name, description, default_options, identically on every call", async () => {
    const handler = createAgentHandler(new DigestAgent());
    const answers = await Promise.all(Array.from({ length: 6 }, () => handler.handleRequest('{"method":"register","params":{}}')));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.status).toBe(200);
    expect(JSON.parse(answers[0]!.body)).toEqual({
      result: {
        name: "DigestAgent",
        display_name: "Digest Agent",
        description: "Collects messages and emits a **digest**.",
        default_options: { max_items: 20, title: "Daily digest" },
      },
    });
  });

  it("refuses names ActiveWorkflow cannot make a Ruby constant of, naming the name, the rule and why", () => {
    for (const name of ["digestAgent", "Digest Agent", "Digest_Agent", "Agents::Digest", "", "9Lives"]) {
      class Bad extends SinkAgent {
        override readonly name = name;
      }
      expect(() => createAgentHandler(new Bad())).toThrowError(
        new RegExp(`name ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid: it must match .*Ruby constant Agents::<name>`),
      );
    }
  });

  it("refuses missing metadata and agents implementing neither method", () => {
    class NoDisplay extends SinkAgent {
      override readonly displayName = "";
    }
    class ArrayDefaults extends SinkAgent {
      override readonly defaultOptions = [] as unknown as Record<string, never>;
    }
    class Nothing extends RemoteHttpAgent {
      readonly name = "NothingAgent";
      readonly displayName = "Nothing";
      readonly description = "";
      readonly defaultOptions = {};
    }
    expect(() => createAgentHandler(new NoDisplay())).toThrow(/displayName must be a non-empty string/);
    expect(() => createAgentHandler(new ArrayDefaults())).toThrow(/defaultOptions must be a plain object.*got an array/);
    expect(() => createAgentHandler(new Nothing())).toThrow(/implements neither check nor receive/);
  });
});

describe("check and receive", () => {
  it("gives receive the whole message record, extra keys kept, and the payload", async () => {
    const body = receive({ title: "x" }, { message: { id: 9, agent_id: 2, payload: { title: "x" }, future_field: "kept" } });
    const { status, json } = await call(new EchoAgent(), body);
    expect(status).toBe(200);
    const emitted = json.result.messages[0];
    expect(emitted.payload).toEqual({ title: "x" });
    expect(emitted.message).toEqual({ id: 9, agent_id: 2, payload: { title: "x" }, future_field: "kept" });
    expect(emitted.method).toBe("receive");
  });

  it("merges defaultOptions under the received options (shallow) and check gets no message", async () => {
    const { json } = await call(new EchoAgent(), check({ options: { greeting: "hi", extra: 1 } }));
    expect(json.result.messages[0]).toEqual({
      options: { greeting: "hi", keep: "default", extra: 1 },
      memory: {},
      message: "none",
      method: "check",
    });
  });

  it("treats missing options, memory and credentials as {}, {}, [] and ignores unknown fields", async () => {
    const { status, json } = await call(new EchoAgent(), { method: "check", params: {}, extra: true });
    expect(status).toBe(200);
    expect(json.result.messages[0].options).toEqual({ greeting: "hello", keep: "default" });
    const noParams = await call(new EchoAgent(), { method: "check" });
    expect(noParams.status).toBe(200);
  });

  it("validates merged options with the schema and names each bad option's path; the method is not called", async () => {
    const { status, json } = await call(
      new DigestAgent(),
      receive({ a: 1 }, { options: { max_items: "ten", nested: { level: "deep" } } }),
    );
    expect(status).toBe(200);
    expect(json.result.errors).toHaveLength(2);
    expect(json.result.errors[0]).toMatch(/^invalid option "max_items": /);
    expect(json.result.errors[1]).toMatch(/^invalid option "nested\.level": /);
    expect(json.result.memory).toBeUndefined();
  });

  it("answers a method the agent does not implement with an errors entry", async () => {
    const { status, json } = await call(new SinkAgent(), check());
    expect(status).toBe(200);
    expect(json.result).toEqual({ errors: [expect.stringMatching(/^SinkAgent does not implement check/)] });
  });
});

describe("memory", () => {
  it("is sent back only when the agent changed it (deep comparison)", async () => {
    class MemoryAgent extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        const mode = ctx.payload.mode;
        if (mode === "read") void ctx.memory.a;
        if (mode === "same") ctx.setMemory({ b: { c: [1, 2] }, a: 1 }); // same content, other key order
        if (mode === "mutate") (ctx.memory.b as { c: number[] }).c.push(3);
        if (mode === "update") ctx.updateMemory({ z: null });
        if (mode === "clear") ctx.setMemory({});
      }
    }
    const handler = createAgentHandler(new MemoryAgent());
    const memory = { a: 1, b: { c: [1, 2] } };
    const results: Record<string, unknown> = {};
    for (const mode of ["read", "same", "mutate", "update", "clear"]) {
      results[mode] = (await call(handler, receive({ mode }, { memory }))).json.result;
    }
    expect(results).toEqual({
      read: {},
      same: {},
      mutate: { memory: { a: 1, b: { c: [1, 2, 3] } } },
      update: { memory: { a: 1, b: { c: [1, 2] }, z: null } },
      clear: { memory: {} },
    });
  });

  it("is kept between calls by the driver, and replaced when the result carries it", async () => {
    const driver = createActiveWorkflowDriver({ agent: new DigestAgent() });
    const digest = await driver.createInstance({ options: { max_items: 2, title: "Today" } });
    await driver.receive(digest, { t: 1 });
    await driver.receive(digest, { t: 2 });
    await driver.receive(digest, { t: 3 });
    expect(digest.memory).toEqual({ items: [{ t: 2 }, { t: 3 }] });
    const run = await driver.check(digest);
    expect(run.messages).toEqual([{ title: "Today", items: [{ t: 2 }, { t: 3 }] }]);
    expect(run.warnings).toEqual([]);
    expect(digest.memory).toEqual({});
    expect((await driver.check(digest)).logs).toEqual(["nothing to digest"]);
  });
});

describe("building a result ActiveWorkflow can apply", () => {
  it("drops blank log entries, stringifies non-strings, truncates to 10 000 characters, omits empty arrays", async () => {
    class Loud extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.log("");
        ctx.log("   ");
        ctx.log(42 as unknown as string);
        ctx.log({ a: 1 } as unknown as string);
        ctx.log(null as unknown as string);
        ctx.log("x".repeat(12_000));
        ctx.error(new Error("boom") as unknown as string);
      }
    }
    const { json, text } = await call(new Loud(), receive({}));
    expect(text).not.toContain("null");
    expect(json.result.logs).toEqual(["42", '{"a":1}', "x".repeat(10_000)]);
    expect(json.result.errors).toEqual(["boom"]);
    expect(Object.keys(json.result as object)).toEqual(["errors", "logs"]);
    const quiet = await call(new SinkAgent(), receive({}, { memory: { seen: [] } }));
    expect(quiet.json).toEqual({ result: { memory: { seen: [{}] } } });
  });

  it("refuses to emit anything but a plain object, with a clear error entry", async () => {
    class Emitter extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        const bad = ctx.payload.bad;
        ctx.emit(bad as Record<string, unknown>);
      }
    }
    for (const [bad, described] of [
      [[1, 2], "an array"],
      ["text", "a string"],
      [null, "null"],
      [3, "a number"],
    ] as const) {
      const { status, json } = await call(new Emitter(), receive({ bad }));
      expect(status).toBe(200);
      expect(json.result.errors).toEqual([expect.stringContaining(`emit needs a plain object as the message payload (ActiveWorkflow refuses anything else); got ${described}`)]);
      expect(json.result.messages).toBeUndefined();
    }
  });

  it("keeps values nested in payloads as JSON, nulls included, and copies at emit time", async () => {
    class Nested extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        const payload = { a: null, b: [null, { c: undefined }], when: new Date(0) };
        ctx.emit(payload);
        payload.a = "changed" as unknown as null;
      }
    }
    const { json } = await call(new Nested(), receive({}));
    expect(json.result.messages).toEqual([{ a: null, b: [null, {}], when: "1970-01-01T00:00:00.000Z" }]);
  });
});

describe("exceptions", () => {
  it("become HTTP 200 with an errors entry (the message); what was emitted and logged before stays", async () => {
    const { logger, parsed } = capturingLogger();
    class Thrower extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.log("starting");
        ctx.emit({ n: 1 });
        ctx.updateMemory({ cursor: 5 });
        throw new Error("upstream said 503");
      }
    }
    const { status, json } = await call(createAgentHandler(new Thrower(), { logger }), receive({}));
    expect(status).toBe(200);
    expect(json.result).toEqual({ errors: ["upstream said 503"], logs: ["starting"], memory: { cursor: 5 }, messages: [{ n: 1 }] });
    const logged = parsed().find((l) => l.level === 50);
    expect(logged!.msg).toBe("receive threw: upstream said 503");
    expect(logged!.err.stack).toContain("upstream said 503");
  });

  it("still give an errors entry when the thrown thing has no message", async () => {
    class Thrower extends SinkAgent {
      override async receive() {
        throw new Error("");
      }
    }
    const { json } = await call(new Thrower(), receive({}));
    expect(json.result.errors).toEqual(["SinkAgent.receive threw Error"]);
  });

  it("logs every call with agent, method, ms and counts", async () => {
    const { logger, parsed } = capturingLogger();
    await call(createAgentHandler(new DigestAgent(), { logger }), receive({ a: 1 }));
    const line = parsed().find((l) => l.msg === "receive answered");
    expect(line).toMatchObject({ agent: "DigestAgent", method: "receive", outcome: "ok", errors: 0, logs: 0, messages: 0, memoryChanged: true });
    expect(typeof line!.ms).toBe("number");
  });
});

describe("credentials", () => {
  const credentials = [
    { name: "api_token", value: "tok-SECRET-123" },
    { name: "smtp_password", value: "hunter2-pw" },
  ];

  it("credential(name) and credentialFromOption(key) read the user's credentials", async () => {
    class Reader extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        ctx.log(`has token: ${ctx.credential("api_token") !== undefined}, missing: ${String(ctx.credential("nope"))}`);
        ctx.log(`from option: ${ctx.credentialFromOption("token_credential").length}`);
      }
    }
    const { json } = await call(new Reader(), receive({}, { credentials, options: { token_credential: "api_token" } }));
    expect(json.result.logs).toEqual(["has token: true, missing: undefined", "from option: 14"]);
  });

  it("credentialFromOption names the option and the credential when one is missing", async () => {
    class Reader extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        try {
          ctx.credentialFromOption("token_credential");
        } catch (err) {
          ctx.log(`is CredentialError: ${err instanceof CredentialError}`);
          throw err;
        }
      }
    }
    const unset = await call(new Reader(), receive({}, { credentials }));
    expect(unset.json.result.errors).toEqual([expect.stringMatching(/^option "token_credential" must name one of your ActiveWorkflow credentials, but it is not set/)]);
    expect(unset.json.result.logs).toEqual(["is CredentialError: true"]);
    const { logger, parsed } = capturingLogger();
    const missing = await call(createAgentHandler(new Reader(), { logger }), receive({}, { credentials, options: { token_credential: "github" } }));
    // A configuration problem of the instance, not a bug: a warning, no stack.
    const refused = parsed().find((l) => typeof l.msg === "string" && l.msg.startsWith("receive refused:"));
    expect(refused?.level).toBe(40);
    expect(refused?.err).toBeUndefined();
    expect(parsed().some((l) => l.level === 50)).toBe(false);
    expect(missing.json.result.errors).toEqual([
      expect.stringMatching(/^option "token_credential" names credential "github", but the user has no credential by that name \(known: api_token, smtp_password\)/),
    ]);
  });

  it("never lets a credential value into logs, errors, messages, memory or the logger output", async () => {
    const { logger, lines, parsed } = capturingLogger();
    class Leaky extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        const token = ctx.credential("api_token")!;
        ctx.logger.info({ url: `https://api.example.com/?token=${token}`, nested: [{ k: token }] }, `calling with ${token}`);
        ctx.logger.child({ token }).warn("child logger too");
        ctx.log(`token is ${token}`);
        ctx.error(`smtp said no to ${ctx.credential("smtp_password")!}`);
        ctx.emit({ auth: `Bearer ${token}`, safe: "fine", [token]: 1 });
        ctx.updateMemory({ cached: token });
        throw new TypeError(`request to https://api.example.com/?token=${token} failed`, { cause: new Error(`cause ${token}`) });
      }
    }
    const { json, text } = await call(createAgentHandler(new Leaky(), { logger }), receive({}, { credentials }));
    for (const { value } of credentials) {
      expect(text).not.toContain(value);
      expect(lines.join("\n")).not.toContain(value);
    }
    expect(json.result.logs).toContain("token is [redacted credential api_token]");
    expect(json.result.errors).toEqual([
      "smtp said no to [redacted credential smtp_password]",
      "request to https://api.example.com/?token=[redacted credential api_token] failed",
    ]);
    expect(json.result.messages).toEqual([{ auth: "Bearer [redacted credential api_token]", safe: "fine", "[redacted credential api_token]": 1 }]);
    expect(json.result.memory).toEqual({ cached: "[redacted credential api_token]" });
    // Redact-and-warn: the author hears about it in ActiveWorkflow's log and the server's.
    expect(json.result.logs).toContain(
      'agentwire: redacted the value of credential "api_token" from messages[0]; results must not carry credential values (pass the credential\'s name instead)',
    );
    const warnings = parsed().filter((l) => l.level === 40);
    expect(warnings.map((w) => String(w.msg))).toEqual(
      expect.arrayContaining(['redacted the value of credential "api_token" from messages[0]', 'redacted the value of credential "api_token" from memory']),
    );
    const thrown = parsed().find((l) => l.level === 50);
    expect(thrown!.err.type).toBe("TypeError");
    expect(thrown!.err.message).toBe("request to https://api.example.com/?token=[redacted credential api_token] failed: cause [redacted credential api_token]");
    const logged = parsed().find((l) => String(l.msg).startsWith("calling with"));
    expect(logged).toMatchObject({ msg: "calling with [redacted credential api_token]", url: "https://api.example.com/?token=[redacted credential api_token]" });
  });
});

describe("signal", () => {
  it("is aborted when the caller's signal aborts", async () => {
    let seen: AbortSignal | undefined;
    class Waiter extends SinkAgent {
      override async receive(ctx: ReceiveContext) {
        seen = ctx.signal;
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        ctx.log("aborted");
      }
    }
    const controller = new AbortController();
    const pending = createAgentHandler(new Waiter()).handleRequest(JSON.stringify(receive({})), { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.aborted).toBe(false);
    controller.abort();
    expect(JSON.parse((await pending).body).result.logs).toEqual(["aborted"]);
  });

  it("check gets a CheckContext (typed without a message)", async () => {
    class Typed extends SinkAgent {
      override check(ctx: CheckContext) {
        const none: undefined = ctx.message;
        ctx.log(`message: ${String(none)}`);
      }
    }
    expect((await call(new Typed(), check())).json.result.logs).toEqual(["message: undefined"]);
  });
});

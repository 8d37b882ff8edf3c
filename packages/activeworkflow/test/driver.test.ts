import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { AgentwireError, silentLogger } from "@agentwire/core";
import { LosslessNumber, serve, type ActiveWorkflowServer } from "../src/index.js";
import {
  activeWorkflowHeaders,
  createActiveWorkflowDriver,
  createInProcessTransport,
  type ActiveWorkflowDriver,
  type ActiveWorkflowDriverOptions,
  type ActiveWorkflowDriverSettings,
  type DriverWarning,
} from "../src/testing/index.js";
import { formatAwTime } from "../src/testing/aw-records.js";
import { DigestAgent, EchoAgent, captureLogger, latch, type Json } from "./fixtures.js";

/**
 * A remote agent written with bare node:http: each path answers one fixed body (malformed on purpose),
 * and every request is recorded.
 */
const answers: Record<string, { status?: number; body: string; gzip?: boolean }> = {
  "/ok": { body: JSON.stringify({ result: { errors: ["e1"], logs: ["l1"], memory: { m: 1 }, messages: [{ a: 1 }] } }) },
  "/html": { status: 502, body: "<html>Bad Gateway</html>" },
  "/no-result": { body: "{}" },
  "/array-body": { body: "[]" },
  "/result-null": { body: '{"result":null}' },
  "/result-array": { body: '{"result":[]}' },
  "/errors-null": { body: '{"result":{"errors":null,"messages":[{"a":1}],"memory":{"x":1}}}' },
  "/logs-null": { body: '{"result":{"errors":["first"],"logs":null,"memory":{"x":1}}}' },
  "/messages-null": { body: '{"result":{"logs":["ok"],"memory":{"x":1},"messages":null}}' },
  "/memory-null": { body: '{"result":{"logs":["ok"],"memory":null,"messages":[{"a":1}]}}' },
  "/logs-string": { body: '{"result":{"logs":"one line"}}' },
  "/log-empty": { body: '{"result":{"logs":["kept",""," ","never"],"messages":[{"a":1}]}}' },
  "/log-null-entry": { body: '{"result":{"errors":[null]}}' },
  "/log-not-string": { body: '{"result":{"logs":[{"a":1},3,true,[1,"b"]]}}' },
  "/log-long": { body: JSON.stringify({ result: { logs: ["z".repeat(10_050)] } }) },
  "/memory-array": { body: '{"result":{"memory":[1,2],"messages":[{"a":1}]}}' },
  "/memory-string": { body: '{"result":{"memory":"{\\"parsed\\":true}"}}' },
  "/memory-string-array": { body: '{"result":{"memory":"[1]","messages":[{"a":1}]}}' },
  "/memory-string-null": { body: '{"result":{"memory":"null","messages":[{"a":1}]}}' },
  "/message-string-number": { body: '{"result":{"messages":["5"]}}' },
  "/logs-object": { body: '{"result":{"logs":{"k":1}}}' },
  "/memory-empty-string": { body: '{"result":{"memory":""}}' },
  "/message-not-object": { body: '{"result":{"messages":[{"a":1},[2],{"c":3}],"memory":{"x":1}}}' },
  "/message-string": { body: '{"result":{"messages":["{\\"b\\":2}"]}}' },
  "/status-500-valid": { status: 500, body: '{"result":{"logs":["fine"]}}' },
  "/gzip": { body: '{"result":{"logs":["zipped"]}}', gzip: true },
  "/register-bad-name": { body: '{"result":{"name":"my agent","display_name":"","default_options":[]}}' },
  "/register-big-name": { body: '{"result":{"name":12345678901234567891,"display_name":"Big","description":"","default_options":{"n":1.0}}}' },
  "/log-big-number": { body: '{"result":{"logs":[{"id":12345678901234567891,"ratio":1.0}],"memory":{"max":18446744073709551615,"f":2.50}}}' },
  "/register-ok": { body: '{"result":{"name":"Raw_Agent","display_name":"Raw","description":"d","default_options":{"k":1}}}' },
};
const seen: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
let counter = 0;
let raw: Server;
let rawUrl: string;
let sdkServer: ActiveWorkflowServer;

beforeAll(async () => {
  raw = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const path = req.url ?? "/";
      seen.push({ path, headers: req.headers, body });
      if (path === "/register-flaky") {
        counter += 1;
        res.end(JSON.stringify({ result: { name: "Flaky", display_name: "F", description: `boot ${counter}`, default_options: {} } }));
        return;
      }
      const answer = answers[path] ?? { status: 404, body: "not here" };
      if (answer.gzip) {
        res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" });
        res.end(gzipSync(answer.body));
        return;
      }
      res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  sdkServer = await serve({ agents: [new DigestAgent(), new EchoAgent()], port: 0, handleSignals: false, logger: silentLogger(), printTo: false });
});

afterAll(async () => {
  await new Promise((resolve) => raw.close(resolve));
  await sdkServer.close();
});

const instanceInit = {
  name: "Raw",
  options: { k: "v" },
  memory: { before: true },
  credentials: [{ name: "token", value: "t0k" }],
};

async function callRaw(path: string, method: "check" | "receive" = "check") {
  const driver = createActiveWorkflowDriver({ url: `${rawUrl}${path}` });
  const instance = await driver.createInstance(instanceInit);
  const outcome = method === "check" ? await driver.check(instance) : await driver.receive(instance, { p: 1 });
  return { outcome, instance };
}

const codes = (warnings: DriverWarning[]) => warnings.map((w) => `${w.code}${w.fatal ? "!" : ""}${w.field ? ` ${w.field}` : ""}`);

describe("requests shaped as ActiveWorkflow sends them", () => {
  it("sends Faraday's headers and check/receive bodies with ActiveWorkflow's keys, in its order", async () => {
    seen.length = 0;
    const at = new Date("2023-04-03T08:31:18.123Z");
    const driver = createActiveWorkflowDriver({ url: `${rawUrl}/ok`, now: () => at, timeZone: "America/Los_Angeles" });
    const instance = await driver.createInstance({ ...instanceInit, id: 45 });
    await driver.check(instance);
    await driver.receive(instance, { title: "hi" }, { from: 12, message: { id: 123 } });
    const [checkReq, receiveReq] = seen;
    expect(checkReq!.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Faraday v0.17.6",
      accept: "*/*",
      "accept-encoding": "gzip;q=1.0,deflate;q=0.6,identity;q=0.3",
      connection: "close",
    });
    expect(Object.keys(checkReq!.headers).sort()).toEqual(["accept", "accept-encoding", "connection", "content-length", "content-type", "host", "user-agent"]);
    // The exported constant is what the driver sends, for raw requests of a caller's own (the conformance harness).
    const lower = Object.fromEntries(Object.entries(activeWorkflowHeaders).map(([k, v]) => [k.toLowerCase(), v]));
    expect(checkReq!.headers).toMatchObject(lower);
    expect(Object.keys(lower).sort()).toEqual(["accept", "accept-encoding", "connection", "content-type", "user-agent"]);
    expect(checkReq!.body).toBe(
      '{"method":"check","params":{"options":{"k":"v"},"memory":{"before":true},"credentials":[{"name":"token","value":"t0k"}],"message":null}}',
    );
    // The memory the first call returned is what the second call sends.
    expect(JSON.parse(receiveReq!.body)).toEqual({
      method: "receive",
      params: {
        options: { k: "v" },
        memory: { m: 1 },
        credentials: [{ name: "token", value: "t0k" }],
        message: {
          id: 123,
          user_id: 1,
          agent_id: 12,
          payload: { title: "hi" },
          created_at: "2023-04-03T01:31:18.123-07:00",
          updated_at: "2023-04-03T01:31:18.123-07:00",
          expires_at: null,
        },
      },
    });
    expect(Object.keys((JSON.parse(receiveReq!.body) as Record<string, Json>).params.message as object)).toEqual(["id", "user_id", "agent_id", "payload", "created_at", "updated_at", "expires_at"]);
  });

  it("formats times with milliseconds and the offset the named zone has at that instant, daylight saving time included", () => {
    const winter = new Date("2023-01-02T03:04:05.006Z");
    expect(formatAwTime(winter, "America/Los_Angeles")).toBe("2023-01-01T19:04:05.006-08:00");
    expect(formatAwTime(new Date("2023-07-02T03:04:05.006Z"), "America/Los_Angeles")).toBe("2023-07-01T20:04:05.006-07:00");
    expect(formatAwTime(winter, "Asia/Kolkata")).toBe("2023-01-02T08:34:05.006+05:30");
    expect(formatAwTime(winter, "UTC")).toBe("2023-01-02T03:04:05.006+00:00");
    // Spring forward in Los Angeles (2023-03-12, 02:00 PST → 03:00 PDT) and fall back (2023-11-05, 02:00 PDT → 01:00 PST).
    expect(formatAwTime(new Date("2023-03-12T09:59:59.999Z"), "America/Los_Angeles")).toBe("2023-03-12T01:59:59.999-08:00");
    expect(formatAwTime(new Date("2023-03-12T10:00:00.000Z"), "America/Los_Angeles")).toBe("2023-03-12T03:00:00.000-07:00");
    expect(formatAwTime(new Date("2023-11-05T08:59:59.999Z"), "America/Los_Angeles")).toBe("2023-11-05T01:59:59.999-07:00");
    expect(formatAwTime(new Date("2023-11-05T09:00:00.000Z"), "America/Los_Angeles")).toBe("2023-11-05T01:00:00.000-08:00");
    // A half-hour daylight saving shift, and a zone east of UTC across a date line.
    expect(formatAwTime(winter, "Australia/Lord_Howe")).toBe("2023-01-02T14:04:05.006+11:00");
    expect(formatAwTime(new Date("2023-07-02T03:04:05.006Z"), "Australia/Lord_Howe")).toBe("2023-07-02T13:34:05.006+10:30");
  });

  it("stamps messages in the process's local zone (TZ) by default, and in timeZone when given", async () => {
    const savedTz = process.env.TZ;
    process.env.TZ = "Europe/Berlin";
    try {
      const driver = createActiveWorkflowDriver({ agent: new EchoAgent(), now: () => new Date("2024-03-31T00:30:00.000Z") });
      const instance = await driver.createInstance();
      const before = await driver.receive(instance, {});
      expect(JSON.parse(before.body!).result.messages[0].message.created_at).toBe("2024-03-31T01:30:00.000+01:00");
      const summer = createActiveWorkflowDriver({ agent: new EchoAgent(), now: () => new Date("2024-03-31T01:30:00.000Z") });
      const after = await summer.receive(await summer.createInstance(), {});
      expect(JSON.parse(after.body!).result.messages[0].message.created_at).toBe("2024-03-31T03:30:00.000+02:00");
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    const pacific = createActiveWorkflowDriver({ agent: new EchoAgent(), now: () => new Date("2024-03-31T01:30:00.000Z"), timeZone: "America/Los_Angeles" });
    const outcome = await pacific.receive(await pacific.createInstance(), {});
    expect(JSON.parse(outcome.body!).result.messages[0].message.updated_at).toBe("2024-03-30T18:30:00.000-07:00");
  });

  it("refuses a time zone it does not know, naming it", () => {
    expect(() => createActiveWorkflowDriver({ agent: new EchoAgent(), timeZone: "Pacific Time (US & Canada)" })).toThrow(
      /^timeZone "Pacific Time \(US & Canada\)" is not a time zone this Node knows: give an IANA name such as "America\/Los_Angeles"/,
    );
  });

  it("applies a good answer in ActiveWorkflow's order: errors, logs, memory, messages", async () => {
    const { outcome, instance } = await callRaw("/ok");
    expect(outcome.warnings).toEqual([]);
    expect(outcome.failed).toBe(false);
    expect(instance.log).toEqual([
      { level: 4, message: "e1" },
      { level: 3, message: "l1" },
    ]);
    expect(instance.memory).toEqual({ m: 1 });
    expect(outcome.messages).toEqual([{ a: 1 }]);
  });
});

describe("warnings for what the real client would choke on", () => {
  it.each([
    ["/html", ["http_status", "non_json_body!"]],
    ["/no-result", ["missing_result!"]],
    ["/array-body", ["missing_result!"]],
    ["/result-null", ["result_not_object! result"]],
    ["/result-array", ["result_not_object! result"]],
    ["/errors-null", ["field_null! result.errors"]],
    ["/logs-null", ["field_null! result.logs"]],
    ["/messages-null", ["field_null! result.messages"]],
    ["/memory-null", ["field_null! result.memory"]],
    ["/logs-string", ["field_not_array! result.logs"]],
    ["/log-empty", ["log_entry_blank! result.logs[1]"]],
    ["/log-null-entry", ["log_entry_blank! result.errors[0]"]],
    ["/log-not-string", ["log_entry_not_string result.logs[0]", "log_entry_not_string result.logs[1]", "log_entry_not_string result.logs[2]", "log_entry_not_string result.logs[3]"]],
    ["/log-long", ["log_entry_truncated result.logs[0]"]],
    ["/memory-array", ["memory_not_object! result.memory"]],
    ["/memory-string", ["memory_json_string result.memory"]],
    ["/memory-string-array", ["memory_json_string result.memory"]],
    ["/memory-string-null", ["memory_not_object! result.memory"]],
    ["/message-string-number", ["message_json_string result.messages[0]"]],
    ["/logs-object", ["field_not_array result.logs", "log_entry_not_string result.logs[0]"]],
    ["/message-not-object", ["message_not_object! result.messages[1]"]],
    ["/message-string", ["message_json_string result.messages[0]"]],
    ["/status-500-valid", ["http_status"]],
  ])("%s", async (path, expected) => {
    const { outcome } = await callRaw(path);
    expect(codes(outcome.warnings)).toEqual(expected);
    for (const warning of outcome.warnings) {
      expect(warning.method).toBe("check");
      expect(warning.aw.length).toBeGreaterThan(10);
    }
  });

  it("applies JSON strings and hashes the way ActiveWorkflow's Ruby does", async () => {
    // A JSON string that is not an object: HashWithIndifferentAccess keeps nothing, memory becomes {}.
    let { outcome, instance } = await callRaw("/memory-string-array");
    expect(outcome.failed).toBe(false);
    expect(instance.memory).toEqual({});
    // "null" (or invalid JSON) raises: memory stays, the job fails after the messages were created.
    ({ outcome, instance } = await callRaw("/memory-string-null"));
    expect(outcome.failed).toBe(true);
    expect(outcome.messages).toEqual([{ a: 1 }]);
    expect(instance.memory).toEqual({ before: true });
    // A message string holding a number creates a message with an empty payload.
    ({ outcome } = await callRaw("/message-string-number"));
    expect(outcome.messages).toEqual([{}]);
    // logs as an object: Hash#each yields [key, value] pairs, each stored with Ruby's to_s.
    ({ outcome, instance } = await callRaw("/logs-object"));
    expect(outcome.failed).toBe(false);
    expect(outcome.logs).toEqual(['["k", 1]']);
    expect(instance.log).toEqual([{ level: 3, message: '["k", 1]' }]);
  });

  it("records what ActiveWorkflow would have applied before it raised", async () => {
    // errors null: nothing applied, the job's exception is logged.
    let { outcome, instance } = await callRaw("/errors-null");
    expect(outcome.failed).toBe(true);
    expect(instance.memory).toEqual({ before: true });
    expect(outcome.messages).toEqual([]);
    expect(instance.log).toEqual([{ level: 4, message: "Exception during check. result.errors is null" }]);

    // logs null: the errors before it are stored; memory is not.
    ({ outcome, instance } = await callRaw("/logs-null"));
    expect(instance.log.map((l) => l.message)).toEqual(["first", "Exception during check. result.logs is null"]);
    expect(instance.memory).toEqual({ before: true });

    // a blank log entry: the entries before it stay, nothing after is applied.
    ({ outcome, instance } = await callRaw("/log-empty"));
    expect(outcome.logs).toEqual(["kept"]);
    expect(outcome.messages).toEqual([]);

    // memory null or an array: messages are created, then the agent's save fails and memory stays.
    for (const path of ["/memory-null", "/memory-array"]) {
      ({ outcome, instance } = await callRaw(path));
      expect(outcome.messages).toEqual([{ a: 1 }]);
      expect(instance.memory).toEqual({ before: true });
      expect(outcome.failed).toBe(true);
    }

    // a bad message: the ones before it are created, memory is not saved.
    ({ outcome, instance } = await callRaw("/message-not-object"));
    expect(outcome.messages).toEqual([{ a: 1 }]);
    expect(instance.memory).toEqual({ before: true });

    // quirks ActiveWorkflow tolerates: JSON strings parsed, "" memory becomes {}, Ruby to_s of non-strings.
    ({ outcome, instance } = await callRaw("/memory-string"));
    expect(instance.memory).toEqual({ parsed: true });
    ({ outcome, instance } = await callRaw("/memory-empty-string"));
    expect(instance.memory).toEqual({});
    ({ outcome } = await callRaw("/message-string"));
    expect(outcome.messages).toEqual([{ b: 2 }]);
    ({ outcome } = await callRaw("/log-not-string"));
    expect(outcome.logs).toEqual(['{"a"=>1}', "3", "t", '[1, "b"]']);
    ({ outcome } = await callRaw("/log-long"));
    expect(outcome.logs[0]).toHaveLength(10_000);
    ({ outcome } = await callRaw("/status-500-valid"));
    expect(outcome.logs).toEqual(["fine"]);
    expect(outcome.failed).toBe(false);
  });

  it("inflates a gzip answer as Net::HTTP does", async () => {
    const { outcome } = await callRaw("/gzip");
    expect(outcome.logs).toEqual(["zipped"]);
  });

  it("reports an agent that does not answer", async () => {
    const driver = createActiveWorkflowDriver({ url: "http://127.0.0.1:1/" });
    const instance = await driver.createInstance({ options: {}, name: "down" });
    const outcome = await driver.check(instance);
    expect(codes(outcome.warnings)).toEqual(["transport_error!"]);
    expect(instance.log[0]!.message).toMatch(/^Exception during check\. no answer from http:\/\/127\.0\.0\.1:1\//);
    const registered = await driver.register();
    expect(registered.failed).toBe(true);
    expect(registered.warnings[0]!.aw).toMatch(/fails to boot/);
  });

  it("checks register: a name that is no Ruby constant stops ActiveWorkflow's boot; the rest is reported", async () => {
    const bad = await createActiveWorkflowDriver({ url: `${rawUrl}/register-bad-name` }).register();
    expect(bad.failed).toBe(true);
    expect(codes(bad.warnings)).toEqual([
      "register_name_invalid! result.name",
      "register_display_name result.display_name",
      "register_description result.description",
      "register_default_options result.default_options",
    ]);
    const ok = await createActiveWorkflowDriver({ url: `${rawUrl}/register-ok` }).register({ times: 6 });
    expect(ok.warnings).toEqual([]);
    expect(ok.responses).toHaveLength(6);
    for (const path of ["/html", "/no-result", "/result-null"]) {
      const outcome = await createActiveWorkflowDriver({ url: `${rawUrl}${path}` }).register();
      expect(outcome.failed).toBe(true);
      expect(outcome.warnings.find((w) => w.fatal)!.aw).toMatch(/fails to boot/);
    }
  });

  it("reads answers with exact numbers: a bigint name is reported with its digits, logs and memory keep them", async () => {
    const big = await createActiveWorkflowDriver({ url: `${rawUrl}/register-big-name` }).register();
    expect(big.warnings[0]!.message).toBe("register's name 12345678901234567891 is not a Ruby constant name (/^[A-Z][A-Za-z0-9_]*$/)");
    expect(big.registration?.default_options).toEqual({ n: new LosslessNumber("1.0") });
    const { outcome, instance } = await callRaw("/log-big-number");
    // ActiveWorkflow stores Ruby's inspect of a non-string entry: the Integer and the Float as written.
    expect(outcome.logs).toEqual(['{"id"=>12345678901234567891, "ratio"=>1.0}']);
    expect(instance.memory).toEqual({ max: 18446744073709551615n, f: new LosslessNumber("2.50") });
  });

  it("notices a register answer that changes between boots", async () => {
    const outcome = await createActiveWorkflowDriver({ url: `${rawUrl}/register-flaky` }).register({ times: 3 });
    expect(codes(outcome.warnings)).toEqual(["register_not_idempotent"]);
  });

  it("throws in strict mode", async () => {
    const driver = createActiveWorkflowDriver({ url: `${rawUrl}/logs-null`, strict: true });
    const instance = await driver.createInstance({ options: {}, name: "strict" });
    await expect(driver.check(instance)).rejects.toThrow(/ActiveWorkflow would choke on .*\[field_null\] result\.logs is null/);
  });
});

describe("disabled instances", () => {
  it("get no check and no receive: the outcome says skipped, and nothing is sent, logged or changed", async () => {
    const posted: string[] = [];
    const driver = createActiveWorkflowDriver({
      transport: { target: "recorder", post: async (body) => (posted.push(body), { status: 200, body: '{"result":{"logs":["called"],"memory":{"x":1}}}' }) },
    });
    const instance = await driver.createInstance({ options: {}, name: "off", memory: { kept: true }, disabled: true });
    const checked = await driver.check(instance);
    const received = await driver.receive(instance, { title: "a" });
    for (const [method, outcome] of [
      ["check", checked],
      ["receive", received],
    ] as const) {
      expect(outcome).toMatchObject({ method, skipped: true, status: undefined, body: undefined, errors: [], logs: [], messages: [], warnings: [], failed: false });
      expect(outcome.memory).toEqual({ kept: true });
    }
    expect(posted).toEqual([]);
    expect(instance.log).toEqual([]);
    instance.disabled = false;
    const enabled = await driver.check(instance);
    expect(enabled.skipped).toBe(false);
    expect(posted).toHaveLength(1);
    expect(instance.memory).toEqual({ x: 1 });
  });
});

describe("SDK agents pass the driver without warnings", () => {
  it.each([
    ["in-process", () => createActiveWorkflowDriver({ agent: new DigestAgent() })],
    ["over HTTP", () => createActiveWorkflowDriver({ url: sdkServer.agents.find((a) => a.name === "DigestAgent")!.url })],
  ])("%s", async (_label, make) => {
    const driver = make();
    const registered = await driver.register({ times: 6 });
    expect(registered.warnings).toEqual([]);
    expect(registered.registration).toMatchObject({ name: "DigestAgent", default_options: { max_items: 20, title: "Daily digest" } });
    // Options default to default_options, as ActiveWorkflow's editor pre-fills them.
    const digest = await driver.createInstance();
    expect(digest.options).toEqual({ max_items: 20, title: "Daily digest" });
    expect(digest.name).toBe("Digest Agent");
    await driver.receive(digest, { n: 1 });
    const run = await driver.check(digest);
    expect(run.warnings).toEqual([]);
    expect(run.messages).toEqual([{ title: "Daily digest", items: [{ n: 1 }] }]);
    const bad = await driver.receive(digest, { n: 2 }, {});
    expect(bad.warnings).toEqual([]);
    digest.options = { max_items: -1, title: "x" };
    const invalid = await driver.check(digest);
    expect(invalid.warnings).toEqual([]);
    expect(invalid.errors).toEqual([expect.stringMatching(/^invalid option "max_items"/)]);
    expect(digest.log.at(-1)).toEqual({ level: 4, message: invalid.errors[0] });
  });

  it("sendRaw reaches the same refusals as the server", async () => {
    const inProcess = await createActiveWorkflowDriver({ agent: new EchoAgent() }).sendRaw('{"method":"nope"}');
    const overHttp = await createActiveWorkflowDriver({ url: sdkServer.agents.find((a) => a.name === "EchoAgent")!.url }).sendRaw('{"method":"nope"}');
    expect(inProcess).toEqual({ status: 400, body: overHttp.body });
    expect(overHttp.status).toBe(400);
  });
});

describe("the testing entry's shape", () => {
  it("createInProcessTransport({ agent }, { logger }) drives an agent without a port, logging to the given logger", async () => {
    const log = captureLogger("debug");
    const transport = createInProcessTransport({ agent: new EchoAgent() }, { logger: log.logger });
    expect(transport.target).toBe("in-process EchoAgent");
    const driver = createActiveWorkflowDriver({ transport });
    expect((await driver.register()).registration?.name).toBe("EchoAgent");
    await log.waitFor(/^register answered$/);
  });

  it("createActiveWorkflowDriver takes exactly one of agent, url or transport", () => {
    // @ts-expect-error -- settings without a target do not compile (the target is a union)
    expect(() => createActiveWorkflowDriver({})).toThrow("createActiveWorkflowDriver needs exactly one of `agent` (in-process), `url` (HTTP) or `transport`; got none");
    // @ts-expect-error -- the same with a setting
    expect(() => createActiveWorkflowDriver({ strict: true })).toThrow(AgentwireError);
    const two = { agent: new EchoAgent(), url: "http://127.0.0.1:1/" } as ActiveWorkflowDriverOptions;
    expect(() => createActiveWorkflowDriver(two)).toThrow(/exactly one of .*; got agent and url$/);
  });

  it("is an ActiveWorkflowDriver, made from one target and the common settings", () => {
    expectTypeOf(createActiveWorkflowDriver).returns.toEqualTypeOf<ActiveWorkflowDriver>();
    expectTypeOf<ActiveWorkflowDriverSettings>().not.toMatchTypeOf<ActiveWorkflowDriverOptions>();
    expectTypeOf<{ url: string; callTimeoutMs: number; strict: boolean }>().toMatchTypeOf<ActiveWorkflowDriverOptions>();
    expectTypeOf<{ agent: EchoAgent; timeZone: string }>().toMatchTypeOf<ActiveWorkflowDriverOptions>();
  });

  it("callTimeoutMs is Net::HTTP's read timeout: no answer within it is a transport_error, as ActiveWorkflow's job raises", async () => {
    const arrived = latch();
    // Takes the request and never answers.
    const silent = createServer(() => arrived.resolve());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      const driver = createActiveWorkflowDriver({ url, callTimeoutMs: 50 });
      const instance = await driver.createInstance({ options: {}, name: "slow" });
      const outcome = await driver.check(instance);
      await arrived.promise;
      expect(outcome.failed).toBe(true);
      expect(outcome.warnings).toEqual([
        expect.objectContaining({ code: "transport_error", message: `no answer from ${url}: Net::ReadTimeout: no answer from ${url} within 50 ms` }),
      ]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("refuses a callTimeoutMs that is not a positive number of milliseconds", () => {
    expect(() => createActiveWorkflowDriver({ url: "http://127.0.0.1:1/", callTimeoutMs: 0 })).toThrow(
      "callTimeoutMs must be a positive number of milliseconds, e.g. 60000 (Net::HTTP's read timeout); got 0",
    );
  });

  it("signs bodies with hmac for a server that requires it", async () => {
    const server = await serve({
      agents: [new EchoAgent()],
      port: 0,
      handleSignals: false,
      logger: silentLogger(),
      printTo: false,
      auth: { hmac: { secret: "shh", header: "X-Signature" } },
    });
    try {
      const unsigned = createActiveWorkflowDriver({ url: server.agents[0]!.url });
      expect((await unsigned.register()).responses[0]!.status).toBe(401);
      const signed = createActiveWorkflowDriver({ url: server.agents[0]!.url, hmac: { secret: "shh", header: "X-Signature" }, strict: true });
      expect((await signed.register()).registration?.name).toBe("EchoAgent");
      const outcome = await signed.receive(await signed.createInstance(), { a: 1 });
      expect(outcome.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

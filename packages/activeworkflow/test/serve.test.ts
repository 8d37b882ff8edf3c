import { connect } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { parseJson, silentLogger } from "@agentwire/core";
import { signBody } from "../src/request-auth.js";
import { LosslessNumber, serve, type ActiveWorkflowServer, type JsonObject, type ReceiveContext, type ServeOptions } from "../src/index.js";
import { createActiveWorkflowDriver } from "../src/testing/index.js";
import { CounterAgent, DigestAgent, EchoAgent, SinkAgent, captureLogger, latch, type Json } from "./fixtures.js";

/**
 * Works `options.ms`, or until `SlowAgent.release` with `options.hold`, or until its signal aborts; logs
 * which. `SlowAgent.started` resolves once a call is listening to its signal.
 */
class SlowAgent extends SinkAgent {
  override readonly name = "SlowAgent";
  static started = latch();
  static release = latch();
  static aborted = latch<unknown>();
  override async receive(ctx: ReceiveContext) {
    const outcome = await new Promise<string>((resolve) => {
      const timer = ctx.options.hold ? undefined : setTimeout(() => resolve("done"), Number(ctx.options.ms ?? 0));
      if (ctx.options.hold) void SlowAgent.release.promise.then(() => resolve("done"));
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        SlowAgent.aborted.resolve(ctx.signal.reason);
        resolve("aborted");
      });
      SlowAgent.started.resolve();
    });
    ctx.log(outcome);
    ctx.emit({ i: ctx.payload.i ?? null });
  }
}

const servers: ActiveWorkflowServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  SlowAgent.started = latch();
  SlowAgent.release = latch();
  SlowAgent.aborted = latch<unknown>();
});

async function start(options: Partial<ServeOptions> = {}) {
  const server = await serve({
    agents: { "/echo": new EchoAgent(), "/slow": new SlowAgent(), "/digest": new DigestAgent() },
    port: 0,
    host: "127.0.0.1",
    handleSignals: false,
    logger: silentLogger(),
    printTo: false,
    ...options,
  });
  servers.push(server);
  return server;
}

async function post(url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await fetch(url, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Record<string, Json> };
}

const register = '{"method":"register","params":{}}';
const receive = (payload: Record<string, unknown>, options: Record<string, unknown> = {}) =>
  JSON.stringify({ method: "receive", params: { options, memory: {}, credentials: [], message: { id: 1, payload } } });

/**
 * Writes `data` on a new connection and never more (no end of the body unless `data` holds it); resolves
 * with everything the server sent once it closes the connection.
 */
function exchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(data));
    let response = "";
    socket.on("data", (chunk) => (response += chunk.toString()));
    socket.on("close", () => resolve(response));
    socket.on("error", reject);
  });
}

describe("serve", () => {
  it("prints one REMOTE_AGENT_URL line per agent on the given stream and serves each at its path", async () => {
    const out = new PassThrough();
    let printed = "";
    out.on("data", (d: Buffer) => (printed += d.toString()));
    const server = await start({ printTo: out });
    expect(printed).toBe(
      [
        `REMOTE_AGENT_URL_ECHO_AGENT=${server.url}/echo`,
        `REMOTE_AGENT_URL_SLOW_AGENT=${server.url}/slow`,
        `REMOTE_AGENT_URL_DIGEST_AGENT=${server.url}/digest`,
        "",
      ].join("\n"),
    );
    for (const agent of server.agents) {
      const { status, json } = await post(agent.url, register);
      expect(status).toBe(200);
      expect(json.result.name).toBe(agent.name);
    }
    // A trailing slash and a query string reach the same agent.
    expect((await post(`${server.url}/echo/?x=1`, register)).json.result.name).toBe("EchoAgent");
  });

  it("derives kebab-case paths without '-agent' from names when given an array, and publicUrl in the lines", async () => {
    const server = await start({ agents: [new CounterAgent(), new DigestAgent()], publicUrl: "http://host.docker.internal:4567/" });
    expect(server.agents.map(({ name, path, url, envVar }) => ({ name, path, url, envVar }))).toEqual([
      { name: "CounterAgent", path: "/counter", url: "http://host.docker.internal:4567/counter", envVar: "REMOTE_AGENT_URL_COUNTER_AGENT" },
      { name: "DigestAgent", path: "/digest", url: "http://host.docker.internal:4567/digest", envVar: "REMOTE_AGENT_URL_DIGEST_AGENT" },
    ]);
    expect((await post(`${server.url}/counter`, register)).json.result.name).toBe("CounterAgent");
  });

  it("refuses duplicate names, clashing paths and bad paths at start", async () => {
    await expect(start({ agents: [new EchoAgent(), new EchoAgent()] })).rejects.toThrow(/both want path \/echo; pass `agents` as a record/);
    await expect(start({ agents: { "/a": new EchoAgent(), "/b": new EchoAgent() } })).rejects.toThrow(/agent name EchoAgent is served at both \/a and \/b/);
    await expect(start({ agents: { echo: new EchoAgent() } })).rejects.toThrow(/agent path "echo" must start with "\/"/);
    await expect(start({ agents: [] })).rejects.toThrow(/no agents to serve/);
    class Spaced extends EchoAgent {
      override readonly name = "Echo Agent";
    }
    await expect(start({ agents: [new Spaced()] })).rejects.toThrow(/Spaced name "Echo Agent" is not valid/);
    await expect(start({ auth: {} })).rejects.toThrow(/neither `bearer` nor `hmac`/);
  });

  it("answers an unknown path with 404 listing the known paths, and other methods with 405 Allow: POST", async () => {
    const server = await start();
    const missing = await post(`${server.url}/nope`, register);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toEqual({ code: "not_found", message: 'no agent at path "/nope"; known paths: /echo, /slow, /digest' });
    const get = await fetch(`${server.url}/echo`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(((await get.json()) as Json).error).toEqual({ code: "method_not_allowed", message: "GET /echo: ActiveWorkflow agents answer POST only" });
  });

  it("answers bad bodies with 400 and keeps serving", async () => {
    const server = await start();
    const url = `${server.url}/echo`;
    const cases: Array<[string, RegExp]> = [
      ["not json", /^request body is not JSON/],
      ['{"method":"nope"}', /^unknown method "nope"; known methods: register, check, receive$/],
      ['{"method":"receive","params":{}}', /^receive needs params\.message/],
      ['{"method":"check","params":{"memory":null}}', /^params\.memory must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post(url, body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.json.error.code).toBe("invalid_argument");
      expect(res.json.error.message).toMatch(message);
      expect((await post(url, register)).status).toBe(200);
    }
  });

  it("parses the body as JSON whatever the Content-Type says", async () => {
    const server = await start();
    for (const headers of [{ "content-type": "text/plain" }, {} as Record<string, string>]) {
      const res = await post(`${server.url}/echo`, receive({ a: 1 }), headers);
      expect(res.status).toBe(200);
      expect(res.json.result.messages[0].payload).toEqual({ a: 1 });
    }
  });

  it("refuses a declared Content-Length over the limit with 413 before the body is read", async () => {
    const server = await start({ maxMessageBytes: 1024 });
    // Only the head is sent: the answer comes without a byte of the body.
    const head = `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n`;
    const response = await exchange(server.port, head);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"payload_too_large"');
    expect(response).toContain("request body of 1000000000 bytes is over the limit of 1024 bytes");
    expect((await post(`${server.url}/echo`, register)).status).toBe(200);
  });

  it("answers Expect: 100-continue with the 413 itself when the declared body is too large, and with 100 otherwise", async () => {
    const server = await start({ maxMessageBytes: 1024 });
    const head = (length: number) =>
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`;
    const big = await exchange(server.port, head(5_000_000));
    expect(big).toMatch(/^HTTP\/1\.1 413 /);
    const small = await new Promise<string>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.write(head(register.length)));
      let text = "";
      socket.on("data", (d) => {
        text += d.toString();
        if (text.startsWith("HTTP/1.1 100") && !text.includes("200 OK")) socket.write(register);
        if (text.includes('"result"')) {
          socket.destroy();
          resolve(text);
        }
      });
    });
    expect(small).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  it("refuses a chunked body once it passes the limit, while it is still streaming", async () => {
    const server = await start({ maxMessageBytes: 1024 });
    const head = `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `100\r\n${"x".repeat(256)}\r\n`;
    // Five chunks (1 280 bytes) and no final one: the body never ends, so only a refusal made while
    // streaming can answer.
    const response = await exchange(server.port, head + chunk.repeat(5));
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    const read = /refused after reading (\d+) bytes of it/.exec(response);
    expect(response).toContain('{"error":{"code":"payload_too_large","message":"request body is over the limit of 1024 bytes: refused after reading ');
    expect(response).toContain("bytes of it (no Content-Length was declared)");
    expect(Number(read?.[1])).toBeGreaterThan(1024);
    expect(Number(read?.[1])).toBeLessThanOrEqual(1280);
    expect((await post(`${server.url}/echo`, register)).status).toBe(200);
  });

  it("accepts a body at the limit", async () => {
    const body = receive({ pad: "" });
    const exact = receive({ pad: "y".repeat(2000 - body.length) });
    expect(Buffer.byteLength(exact)).toBe(2000);
    const server = await start({ maxMessageBytes: 2000 });
    expect((await post(`${server.url}/echo`, exact)).status).toBe(200);
    expect((await post(`${server.url}/echo`, `${exact} `)).status).toBe(413);
  });

  it("requires a bearer token when auth.bearer is set (401 with a JSON error otherwise)", async () => {
    const server = await start({ auth: { bearer: "let-me-in" } });
    const url = `${server.url}/echo`;
    const none = await post(url, register);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(none.json.error).toEqual({ code: "unauthenticated", message: "missing `Authorization: Bearer <token>` header: this agent server requires a bearer token" });
    const wrong = await post(url, register, { authorization: "Bearer let-me-inn" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe("bearer token does not match");
    expect((await post(url, register, { authorization: "Bearer let-me-in" })).status).toBe(200);
  });

  it("authenticates before routing: without a valid token, an unknown path or method learns nothing", async () => {
    const server = await start({ auth: { bearer: "let-me-in" } });
    const unknown = await post(`${server.url}/nope`, register);
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe("unauthenticated");
    expect(JSON.stringify(unknown.json)).not.toContain("/echo");
    const get = await fetch(`${server.url}/echo`);
    expect(get.status).toBe(401);
    expect(get.headers.get("allow")).toBeNull();
    const big = await post(`${server.url}/nope`, "x".repeat(5_000_000));
    expect(big.status).toBe(401);
    // Authenticated, the refusals say what is wrong as before.
    const known = await post(`${server.url}/nope`, register, { authorization: "Bearer let-me-in" });
    expect(known.status).toBe(404);
    expect(known.json.error.message).toBe('no agent at path "/nope"; known paths: /echo, /slow, /digest');
    const getWithToken = await fetch(`${server.url}/echo`, { headers: { authorization: "Bearer let-me-in" } });
    expect(getWithToken.status).toBe(405);
  });

  it("with auth.hmac, checks the signature before the path and the method too", async () => {
    const server = await start({ auth: { hmac: { secret: "shh" } } });
    const unsigned = await post(`${server.url}/nope`, register);
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(unsigned.json)).not.toContain("known paths");
    expect((await fetch(`${server.url}/echo`)).status).toBe(401);
    const signed = await post(`${server.url}/nope`, register, { "x-agentwire-signature": signBody("shh", register) });
    expect(signed.status).toBe(404);
    expect(signed.json.error.message).toContain("known paths: /echo, /slow, /digest");
  });

  it("requires an HMAC-SHA256 of the raw body when auth.hmac is set", async () => {
    const server = await start({ auth: { hmac: { secret: "shh" } } });
    const url = `${server.url}/echo`;
    const body = receive({ a: 1 });
    const none = await post(url, body);
    expect(none.status).toBe(401);
    expect(none.json.error.message).toMatch(/^missing `x-agentwire-signature` header/);
    const wrong = await post(url, body, { "x-agentwire-signature": signBody("other", body) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe("`x-agentwire-signature` does not match the HMAC-SHA256 of the request body");
    const tampered = await post(url, receive({ a: 2 }), { "x-agentwire-signature": signBody("shh", body) });
    expect(tampered.status).toBe(401);
    expect((await post(url, body, { "x-agentwire-signature": signBody("shh", body) })).status).toBe(200);
    expect((await post(url, body, { "x-agentwire-signature": `sha256=${signBody("shh", body)}` })).status).toBe(200);
  });

  it("takes a custom HMAC header and both checks together", async () => {
    const server = await start({ auth: { bearer: "t", hmac: { secret: "s", header: "X-Signature" } } });
    const body = register;
    const ok = await post(`${server.url}/echo`, body, { authorization: "Bearer t", "x-signature": signBody("s", body) });
    expect(ok.status).toBe(200);
    expect((await post(`${server.url}/echo`, body, { "x-signature": signBody("s", body) })).status).toBe(401);
  });

  it("keeps serving after a client goes away in the middle of its body", async () => {
    const log = captureLogger("debug");
    const server = await start({ logger: log.logger });
    const socket = connect(server.port, "127.0.0.1", () => {
      socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"method":`, () => socket.end());
    });
    await log.waitFor(/^request body not read: client went away$/);
    expect((await post(`${server.url}/echo`, register)).status).toBe(200);
  });

  it("gives each of 100 concurrent calls its own answer", async () => {
    const server = await start();
    const calls = Array.from({ length: 100 }, async (_, i) => {
      const res = await post(`${server.url}/slow`, receive({ i }, { ms: (i * 7) % 40 }));
      return { i, res };
    });
    for (const { i, res } of await Promise.all(calls)) {
      expect(res.status).toBe(200);
      expect(res.json.result).toEqual({ logs: ["done"], messages: [{ i }] });
    }
  });

  it("aborts ctx.signal when the client hangs up, and logs the lost answer", async () => {
    const log = captureLogger("warn");
    const server = await start({ logger: log.logger });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/slow`, { method: "POST", body: receive({}, { hold: true }), signal: controller.signal });
    await SlowAgent.started.promise;
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(String(((await SlowAgent.aborted.promise) as Error).message)).toBe("the client closed the connection");
    const line = await log.waitFor(/^the client closed the connection before the answer was sent/);
    expect(line).toMatchObject({ level: 40, path: "/slow" });
  });

  it("aborts ctx.signal when it is first read after the client hung up", async () => {
    const running = latch();
    const proceed = latch();
    const seen = latch<unknown[]>();
    class LateReader extends SinkAgent {
      override readonly name = "LateReaderAgent";
      override async receive(ctx: ReceiveContext) {
        running.resolve();
        await proceed.promise; // the client hangs up meanwhile; the signal is not read yet
        seen.resolve([ctx.signal.aborted, (ctx.signal.reason as Error | undefined)?.message]);
      }
    }
    const log = captureLogger("warn");
    const server = await start({ agents: { "/late": new LateReader() }, logger: log.logger });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/late`, { method: "POST", body: receive({}), signal: controller.signal });
    await running.promise;
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The server has seen the hang-up (it logs it) before the agent first reads its signal.
    await log.waitFor(/^the client closed the connection before the answer was sent/);
    proceed.resolve();
    expect(await seen.promise).toEqual([true, "the client closed the connection"]);
  });

  it("drains in-flight calls on close, then refuses new connections", async () => {
    const server = await start();
    const inFlight = post(`${server.url}/slow`, receive({ i: 1 }, { hold: true }));
    await SlowAgent.started.promise;
    const closed = server.close();
    SlowAgent.release.resolve();
    const res = await inFlight;
    expect(res.json.result).toEqual({ logs: ["done"], messages: [{ i: 1 }] });
    await closed;
    await expect(fetch(`${server.url}/echo`, { method: "POST", body: register })).rejects.toThrow();
  });

  it("aborts ctx.signal of calls still running when the grace period ends", async () => {
    const server = await start({ shutdownTimeoutMs: 100 });
    const inFlight = post(`${server.url}/slow`, receive({ i: 2 }, { hold: true }));
    await SlowAgent.started.promise;
    const closed = server.close();
    const res = await inFlight;
    expect(res.json.result.logs).toEqual(["aborted"]);
    expect(String(((await SlowAgent.aborted.promise) as Error).message)).toBe("server shutting down");
    await closed;
  });
});

describe("serve on core's lifecycle", () => {
  it("returns a RunningServer: port, host, url (a wildcard bind shows as 127.0.0.1) and close", async () => {
    const server = await start({ host: "0.0.0.0" });
    expect(server.host).toBe("0.0.0.0");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.agents[0]!.url).toBe(`http://127.0.0.1:${server.port}/echo`);
    expect((await post(server.agents[0]!.url, register)).status).toBe(200);
  });

  it("refuses PORT=0x1F (decimal digits only, as every agentwire server) and takes a decimal PORT", async () => {
    const saved = process.env.PORT;
    try {
      process.env.PORT = "0x1F";
      await expect(start({ port: undefined })).rejects.toThrow('PORT="0x1F" is not a port number: use decimal digits from 0 to 65535 (0 picks a free port)');
      process.env.PORT = "0";
      const server = await start({ port: undefined });
      expect(server.port).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it("refuses a maxMessageBytes that is not a positive whole number", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(start({ maxMessageBytes: bad })).rejects.toThrow(`maxMessageBytes must be a positive whole number of bytes, e.g. 4194304; got ${String(bad)}`);
    }
  });
});

describe("numbers over HTTP, exactly as sent", () => {
  // The payload ActiveWorkflow's own Ruby client found rounded: integers past 2^53 and a float written 1.0.
  const payload = '{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0,"small":-0.5,"exp":1e3}';

  it("round-trips 2^64−1, −2^53−1 and 1.0 through a served DigestAgent (receive into memory, then check emits them)", async () => {
    const server = await start();
    const url = `${server.url}/digest`;
    const received = await post(
      url,
      `{"method":"receive","params":{"options":{"max_items":5,"title":"t"},"memory":{},"credentials":[],"message":{"id":1,"payload":${payload}}}}`,
    );
    expect(received.status).toBe(200);
    expect(received.text).toBe(`{"result":{"memory":{"items":[${payload}]}}}`);
    // ActiveWorkflow sends the stored memory back on the next call: the check emits it, still exact.
    const checked = await post(url, `{"method":"check","params":{"options":{"max_items":5,"title":"t"},"memory":{"items":[${payload}]},"credentials":[],"message":null}}`);
    expect(checked.text).toBe(`{"result":{"memory":{},"messages":[{"title":"t","items":[${payload}]}]}}`);
  });

  it("hands the agent bigint and LosslessNumber values, which the driver keeps exact too", async () => {
    const server = await start();
    const driver = createActiveWorkflowDriver({ url: `${server.url}/echo`, strict: true });
    const instance = await driver.createInstance();
    const outcome = await driver.receive(instance, parseJson(payload) as JsonObject);
    expect(outcome.body).toContain(payload);
    const echoed = (outcome.messages[0] as { payload: JsonObject }).payload;
    expect(echoed.id).toBe(12345678901234567891n);
    expect(echoed.max_u64).toBe(18446744073709551615n);
    expect(echoed.neg).toBe(-9007199254740993n);
    expect(echoed.ratio).toBeInstanceOf(LosslessNumber);
    expect((echoed.ratio as LosslessNumber).value).toBe("1.0");
    expect(echoed.small).toBe(-0.5);
  });
});

describe("ctx.timeoutMs()", () => {
  it("is what is left of ActiveWorkflow's 60 s read timeout, counted from the request's arrival", async () => {
    const left = latch<number>();
    class Timed extends SinkAgent {
      override readonly name = "TimedAgent";
      override async receive(ctx: ReceiveContext) {
        left.resolve(ctx.timeoutMs());
      }
    }
    const server = await start({ agents: { "/timed": new Timed() } });
    expect((await post(`${server.url}/timed`, receive({}))).status).toBe(200);
    const ms = await left.promise;
    expect(Number.isInteger(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});

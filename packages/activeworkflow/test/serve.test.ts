import { connect } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { signBody } from "../src/request-auth.js";
import { serve, type ActiveWorkflowServer, type ReceiveContext, type ServeOptions } from "../src/index.js";
import { CounterAgent, DigestAgent, EchoAgent, SinkAgent, type Json } from "./fixtures.js";

/** Waits `options.ms`, or until its signal aborts; logs which. */
class SlowAgent extends SinkAgent {
  override readonly name = "SlowAgent";
  static aborted: unknown[] = [];
  override async receive(ctx: ReceiveContext) {
    const ms = Number(ctx.options.ms ?? 0);
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("done"), ms);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        SlowAgent.aborted.push(ctx.signal.reason);
        resolve("aborted");
      });
    });
    ctx.log(outcome);
    ctx.emit({ i: ctx.payload.i ?? null });
  }
}

const servers: ActiveWorkflowServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  SlowAgent.aborted = [];
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
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, Json> };
}

const register = '{"method":"register","params":{}}';
const receive = (payload: Record<string, unknown>, options: Record<string, unknown> = {}) =>
  JSON.stringify({ method: "receive", params: { options, memory: {}, credentials: [], message: { id: 1, payload } } });

/**
 * Sends `head` and then `chunk` every `intervalMs` until `total` body bytes are sent or the server answers;
 * resolves with the answer's first bytes and how many body bytes had been sent when it came.
 */
function slowRaw(port: number, head: string, chunk: string, total: number, intervalMs: number) {
  return new Promise<{ response: string; sentWhenAnswered: number; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let response = "";
    let answeredAt: number | undefined;
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= total || socket.destroyed) return clearInterval(timer);
        socket.write(chunk);
        sent += chunk.length;
      }, intervalMs);
    });
    socket.on("data", (data) => {
      answeredAt ??= sent;
      response += data.toString();
    });
    const finish = () => {
      clearInterval(timer);
      if (answeredAt === undefined) reject(new Error("no answer"));
      else resolve({ response, sentWhenAnswered: answeredAt, ms: Date.now() - started });
    };
    socket.on("close", finish);
    socket.on("error", () => socket.destroy());
    setTimeout(() => socket.destroy(), 3000);
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
    const head = `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n`;
    const { response, sentWhenAnswered, ms } = await slowRaw(server.port, head, "x".repeat(100), 1_000_000_000, 50);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"payload_too_large"');
    expect(response).toContain("request body of 1000000000 bytes is over the limit of 1024 bytes");
    expect(sentWhenAnswered).toBeLessThan(1000);
    expect(ms).toBeLessThan(2500);
    expect((await post(`${server.url}/echo`, register)).status).toBe(200);
  });

  it("answers Expect: 100-continue with the 413 itself when the declared body is too large, and with 100 otherwise", async () => {
    const server = await start({ maxMessageBytes: 1024 });
    const head = (length: number) =>
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`;
    const big = await slowRaw(server.port, head(5_000_000), "", 0, 1000);
    expect(big.response).toMatch(/^HTTP\/1\.1 413 /);
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
    const { response, sentWhenAnswered } = await slowRaw(server.port, head, chunk, 100 * chunk.length, 30);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    const read = /refused after reading (\d+) bytes of it/.exec(response);
    expect(response).toContain('{"error":{"code":"payload_too_large","message":"request body is over the limit of 1024 bytes: refused after reading ');
    expect(response).toContain("bytes of it (no Content-Length was declared)");
    expect(Number(read?.[1])).toBeGreaterThan(1024);
    // Answered after the limit was passed, long before the 100 chunks were all sent.
    expect(sentWhenAnswered).toBeGreaterThan(1024);
    expect(sentWhenAnswered).toBeLessThan(20 * chunk.length);
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
    const server = await start();
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => {
        socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"method":`);
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => resolve());
    });
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

  it("aborts ctx.signal when the client hangs up", async () => {
    const server = await start();
    const controller = new AbortController();
    const pending = fetch(`${server.url}/slow`, { method: "POST", body: receive({}, { ms: 10_000 }), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 50 && SlowAgent.aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(SlowAgent.aborted).toHaveLength(1);
    expect(String((SlowAgent.aborted[0] as Error).message)).toBe("the client closed the connection");
  });

  it("aborts ctx.signal when it is first read after the client hung up", async () => {
    const seen: unknown[] = [];
    class LateReader extends SinkAgent {
      override readonly name = "LateReaderAgent";
      override async receive(ctx: ReceiveContext) {
        await new Promise((r) => setTimeout(r, 300)); // the client hangs up meanwhile; the signal is not read yet
        seen.push(ctx.signal.aborted, (ctx.signal.reason as Error | undefined)?.message);
      }
    }
    const server = await start({ agents: { "/late": new LateReader() } });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/late`, { method: "POST", body: receive({}), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([true, "the client closed the connection"]);
  });

  it("drains in-flight calls on close, then refuses new connections", async () => {
    const server = await start();
    const inFlight = post(`${server.url}/slow`, receive({ i: 1 }, { ms: 300 }));
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close();
    const res = await inFlight;
    expect(res.json.result).toEqual({ logs: ["done"], messages: [{ i: 1 }] });
    await closed;
    await expect(fetch(`${server.url}/echo`, { method: "POST", body: register })).rejects.toThrow();
  });

  it("aborts ctx.signal of calls still running when the grace period ends", async () => {
    const server = await start({ shutdownTimeoutMs: 100 });
    const inFlight = post(`${server.url}/slow`, receive({ i: 2 }, { ms: 10_000 }));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const closed = server.close();
    const res = await inFlight;
    expect(res.json.result.logs).toEqual(["aborted"]);
    expect(String((SlowAgent.aborted[0] as Error).message)).toBe("server shutting down");
    await closed;
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

// The ActiveWorkflow suites against deliberately broken remote agents, written with plain node:http (the SDK
// prevents these faults): each fault is caught by the check the test names, and the run still completes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { activeWorkflowHeaders } from "@agentwire/activeworkflow/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { ActiveWorkflowCases, CheckResult } from "../src/index.js";
import { runSuite } from "../src/index.js";
import { activeWorkflowSuites, awChecks } from "../src/suites/activeworkflow/index.js";

interface CallBody {
  method: string;
  params: { options: Record<string, unknown>; memory: Record<string, unknown>; credentials: Array<{ name: string; value: string }>; message: { payload: Record<string, unknown> } | null };
}

type Answer = { status?: number; contentType?: string; text: string };

/** What a broken agent does: its register result, its check/receive answer, and (optionally) any raw body. */
interface Behaviour {
  register?: unknown;
  call?: (body: CallBody) => unknown;
  /** Called first with the raw body; an answer here is sent as is. */
  raw?: (text: string) => Answer | undefined;
  /** Never answers a body for which this is true. */
  hang?: (text: string) => boolean;
  /** Called when a check/receive arrives, before the delay. */
  onArrive?: (body: CallBody) => void;
}

const goodRegister = { name: "BrokenAgent", display_name: "Broken Agent", description: "A broken agent.", default_options: {} };
const echo = (body: CallBody) => ({ result: { messages: body.params.message === null ? [] : [body.params.message.payload], logs: ["ok"] } });

const servers: Server[] = [];
const hung: ServerResponse[] = [];
afterEach(async () => {
  hung.splice(0).forEach((res) => res.destroy());
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function brokenAgent(behaviour: Behaviour): Promise<string> {
  const answer = (res: ServerResponse, a: Answer) => res.writeHead(a.status ?? 200, { "content-type": a.contentType ?? "application/json" }).end(a.text);
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (behaviour.hang?.(text)) {
        hung.push(res);
        return;
      }
      const raw = behaviour.raw?.(text);
      if (raw !== undefined) return answer(res, raw);
      let body: CallBody;
      try {
        body = JSON.parse(text) as CallBody;
      } catch {
        return answer(res, { status: 400, text: JSON.stringify({ error: { code: "invalid_argument", message: "not JSON" } }) });
      }
      if (body.method === "register") return answer(res, { text: JSON.stringify({ result: behaviour.register ?? goodRegister }) });
      if (body.method !== "check" && body.method !== "receive") return answer(res, { status: 400, text: JSON.stringify({ error: { code: "invalid_argument", message: "unknown method" } }) });
      behaviour.onArrive?.(body);
      answer(res, { text: JSON.stringify((behaviour.call ?? echo)(body)) });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const cases: ActiveWorkflowCases = {
  calls: [
    { name: "receives", method: "receive", credentials: [{ name: "token", value: "s3cr3t" }], payload: { a: 1 } },
    { name: "checks", method: "check", options: { x: 1 } },
  ],
};

async function runAll(url: string, callTimeoutMs = 10_000): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of activeWorkflowSuites) results.push(...(await runSuite(suite, { target: { url }, cases, callTimeoutMs })));
  return results;
}

const allIds = Object.values(awChecks).map((c) => c.id);

/** The run completed (every check has a result) and `id` caught the fault; returns that result. */
function caught(results: CheckResult[], id: string): CheckResult {
  expect(results.map((r) => r.id).sort()).toEqual([...allIds].sort());
  const result = results.find((r) => r.id === id)!;
  expect(result.status, JSON.stringify(result, null, 2)).toBe(result.level === "MUST" ? "failed" : "warning");
  return result;
}

describe("the ActiveWorkflow suites catch broken agents", () => {
  it("a well-behaved raw agent passes everything (the baseline the faults below differ from)", async () => {
    const results = await runAll(await brokenAgent({}));
    expect(results.filter((r) => r.status === "failed" || r.status === "warning").map((r) => `${r.id}: ${r.message ?? ""}`)).toEqual([]);
    expect(results.find((r) => r.id === awChecks.loadOwnPayload.id)?.status).toBe("passed");
  });

  it("nothing listening → activeworkflow.register.answered and calls.answered fail, the run completes", async () => {
    const url = await brokenAgent({});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const results = await runAll(url);
    caught(results, "activeworkflow.register.answered");
    caught(results, "activeworkflow.calls.answered");
    expect(results.find((r) => r.id === "activeworkflow.register.name-ruby-constant")?.status).toBe("skipped");
  });

  it("null in result fields → activeworkflow.calls.no-null-fields", async () => {
    const results = await runAll(await brokenAgent({ call: () => ({ result: { errors: [], logs: null, messages: null, memory: null } }) }));
    const result = caught(results, "activeworkflow.calls.no-null-fields");
    expect(result.message).toContain("result.logs is null");
    expect(result.exchanges.length).toBeGreaterThan(0);
  });

  it("messages that are strings → activeworkflow.calls.messages-objects", async () => {
    const results = await runAll(await brokenAgent({ call: () => ({ result: { messages: ["hello", '{"a": 1}'] } }) }));
    const result = caught(results, "activeworkflow.calls.messages-objects");
    expect(result.message).toContain("result.messages[0]");
  });

  it("logs that are a string, memory that is an array → lists-are-arrays, memory-object", async () => {
    const results = await runAll(await brokenAgent({ call: () => ({ result: { logs: "done", memory: [1] } }) }));
    caught(results, "activeworkflow.calls.lists-are-arrays");
    const memory = await runAll(await brokenAgent({ call: () => ({ result: { memory: [1] } }) }));
    caught(memory, "activeworkflow.calls.memory-object");
  });

  it("a blank log entry → activeworkflow.calls.log-entries-strings", async () => {
    caught(await runAll(await brokenAgent({ call: () => ({ result: { errors: [""] } }) })), "activeworkflow.calls.log-entries-strings");
  });

  it("no result → activeworkflow.calls.answered", async () => {
    caught(await runAll(await brokenAgent({ call: () => ({ ok: true }) })), "activeworkflow.calls.answered");
  });

  it("a register name that is not CamelCase → activeworkflow.register.name-ruby-constant", async () => {
    const results = await runAll(await brokenAgent({ register: { ...goodRegister, name: "broken agent" } }));
    const result = caught(results, "activeworkflow.register.name-ruby-constant");
    expect(result.exchanges[0]?.call).toContain("register");
  });

  it("register with null description and default_options → description, default-options-object", async () => {
    const results = await runAll(await brokenAgent({ register: { name: "BrokenAgent", display_name: "", description: null, default_options: null } }));
    caught(results, "activeworkflow.register.description");
    caught(results, "activeworkflow.register.default-options-object");
    caught(results, "activeworkflow.register.display-name");
  });

  it("an agent that logs its credentials → activeworkflow.calls.canary-not-echoed", async () => {
    const results = await runAll(await brokenAgent({ call: (body) => ({ result: { logs: [`credentials: ${body.params.credentials.map((c) => `${c.name}=${c.value}`).join(", ")}`] } }) }));
    const result = caught(results, "activeworkflow.calls.canary-not-echoed");
    expect(result.message).toContain('"agentwire_canary" came back in result.logs');
  });

  it("a 500 HTML page for a bad body → activeworkflow.http.not-json-refused (a warning)", async () => {
    const html = { status: 500, contentType: "text/html", text: "<html><body><h1>Internal Server Error</h1></body></html>" };
    const results = await runAll(await brokenAgent({ raw: (text) => (text.trimStart().startsWith("{") ? undefined : html) }));
    const result = caught(results, "activeworkflow.http.not-json-refused");
    expect(result.message).toContain("HTTP 500");
  });

  it("an unknown method answered with a result → activeworkflow.http.unknown-method-refused", async () => {
    const results = await runAll(await brokenAgent({ raw: (text) => (text.includes("agentwire_conformance_unknown") ? { text: '{"result":{}}' } : undefined) }));
    caught(results, "activeworkflow.http.unknown-method-refused");
  });

  it("the http checks send ActiveWorkflow's own headers and read a gzip refusal (as a compressing proxy sends it) decoded", async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers["accept-encoding"]);
      req.resume();
      req.on("end", () => {
        const body = JSON.stringify({ error: { code: "invalid_argument", message: "refused" } });
        res.writeHead(400, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync(body));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const http = activeWorkflowSuites.find((s) => s.name === "activeworkflow.http")!;
    const results = await runSuite(http, { target: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }, callTimeoutMs: 10_000 });
    expect(seen).toEqual([activeWorkflowHeaders["Accept-Encoding"], activeWorkflowHeaders["Accept-Encoding"]]);
    expect(results.map((r) => r.status)).toEqual(["passed", "passed"]);
    expect(results[0]?.exchanges[0]?.received).toMatchObject({ status: 400, body: { error: { code: "invalid_argument", message: "refused" } } });
  });

  it("a hang on a bad body → activeworkflow.http.not-json-refused, the run goes on", async () => {
    const results = await runAll(await brokenAgent({ hang: (text) => !text.trimStart().startsWith("{") }), 300);
    const result = caught(results, "activeworkflow.http.not-json-refused");
    expect(result.message).toContain("no answer");
    expect(results.find((r) => r.id === "activeworkflow.calls.answered")?.status).toBe("passed");
  });

  it("an agent that answers concurrent calls with another call's payload → activeworkflow.load.concurrent-receives-own-payload", async () => {
    // Keeps per-call state in module scope, as a careless agent does: each call after the first is answered with
    // the payload of the call before it (deterministic, whatever the timing of the 50 calls).
    let previous: Record<string, unknown> | undefined;
    const answers = new WeakMap<CallBody, Record<string, unknown>>();
    // The load suite alone: the calls suite's receive would leave an unmarked `previous` for the probe.
    const loadSuite = activeWorkflowSuites.find((suite) => suite.name === "activeworkflow.load")!;
    const url = await brokenAgent({
        onArrive: (body) => {
          if (body.params.message === null) return;
          answers.set(body, previous ?? body.params.message.payload);
          previous = body.params.message.payload;
        },
        call: (body) => ({ result: { messages: answers.has(body) ? [answers.get(body)!] : [] } }),
      });
    const results = await runSuite(loadSuite, { target: { url }, cases });
    expect(results.map((r) => r.id)).toEqual(["activeworkflow.load.concurrent-receives-own-payload"]);
    expect(results[0]?.status, JSON.stringify(results[0], null, 2)).toBe("failed");
    expect(results[0]?.message).toMatch(/50 of 50 concurrent receives went wrong/);
    expect(results[0]?.exchanges.length).toBeGreaterThan(0);
  });
});

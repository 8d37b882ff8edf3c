// The ActiveWorkflow suites against this repository's examples (DigestAgent, HttpStatusAgent), served in-process
// on a loopback port: every MUST check holds, and the cases-driven checks actually run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ActiveWorkflowServer } from "@agentwire/activeworkflow";
import { silentLogger } from "@agentwire/core";
import { DigestAgent, HttpStatusAgent } from "@agentwire/example-activeworkflow-agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActiveWorkflowCases, CheckResult } from "../src/index.js";
import { runSuite } from "../src/index.js";
import { activeWorkflowSuites } from "../src/suites/activeworkflow/index.js";

let server: ActiveWorkflowServer;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  // The URL HttpStatusAgent requests: a loopback page answering 200.
  site = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/health`;
  server = await serve({
    agents: { "/digest": new DigestAgent(), "/http-status": new HttpStatusAgent() },
    port: 0,
    host: "127.0.0.1",
    handleSignals: false,
    printTo: false,
    logger: silentLogger(),
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => site?.close(() => resolve()));
});

function urlOf(name: string): string {
  const agent = server.agents.find((a) => a.name === name);
  if (agent === undefined) throw new Error(`${name} is not served`);
  return agent.url;
}

async function runAll(url: string, cases: ActiveWorkflowCases): Promise<{ results: CheckResult[]; ms: number }> {
  const started = performance.now();
  const results: CheckResult[] = [];
  for (const suite of activeWorkflowSuites) results.push(...(await runSuite(suite, { target: { url }, cases })));
  return { results, ms: Math.round(performance.now() - started) };
}

function failuresOf(results: CheckResult[]): string[] {
  return results.filter((r) => r.status === "failed" || r.status === "warning").map((r) => `${r.id}: ${r.message ?? ""}`);
}

const statusOf = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.status;

describe("the ActiveWorkflow suites against examples/activeworkflow-agents", () => {
  it("DigestAgent: every check holds, the cases and the load check included", async () => {
    const cases: ActiveWorkflowCases = {
      calls: [
        {
          name: "digest of one",
          method: "receive",
          options: { max_items: 1 },
          credentials: [{ name: "token", value: "s3cr3t" }],
          payload: { title: "a", id: 7, price: 2.5 },
          expect: { messages: [{ count: 1, items: [{ title: "a", id: 7 }] }], memory: { queue: [] }, logs: "emitted a digest of 1" },
        },
        { name: "queues", method: "receive", options: { max_items: 3 }, payload: { title: "b" }, expect: { messages: [], memory: { queue: [{ title: "b" }] } } },
        { name: "flushes on check", method: "check", options: { max_items: 3 }, memory: { queue: [{ title: "c" }] }, expect: { messages: [{ count: 1 }], memory: { queue: [] } } },
        { name: "empty check", method: "check", expect: { messages: [], logs: "queue empty" } },
      ],
    };
    const { results, ms } = await runAll(urlOf("DigestAgent"), cases);
    console.log(`ActiveWorkflow suites against DigestAgent: ${results.length} checks in ${ms} ms`);
    expect(failuresOf(results)).toEqual([]);
    expect(results.filter((r) => r.status === "skipped")).toEqual([]);
    expect(statusOf(results, "activeworkflow.load.concurrent-receives-own-payload")).toBe("passed");
    expect(statusOf(results, "activeworkflow.calls.canary-not-echoed")).toBe("passed");
  });

  it("HttpStatusAgent: every MUST holds (load skipped: its messages do not carry the payload)", async () => {
    const options = { url: siteUrl, changes_only: false, timeout_ms: 5_000 };
    const cases: ActiveWorkflowCases = {
      calls: [
        { name: "receive a url", method: "receive", options, payload: { url: siteUrl }, expect: { messages: [{ url: siteUrl, status: 200 }], memory: { last_status: 200 } } },
        {
          name: "check with a credential",
          method: "check",
          options: { ...options, auth_credential: "token" },
          credentials: [{ name: "token", value: "s3cr3t" }],
          expect: { messages: [{ status: 200 }] },
        },
        { name: "receive without url", method: "receive", options, payload: { title: "x" }, expect: { messages: [], errors: 'no "url"' } },
      ],
    };
    const { results, ms } = await runAll(urlOf("HttpStatusAgent"), cases);
    console.log(`ActiveWorkflow suites against HttpStatusAgent: ${results.length} checks in ${ms} ms`);
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => `${r.id}: ${r.message ?? ""}`)).toEqual([]);
    expect(failuresOf(results)).toEqual([]);
    expect(statusOf(results, "activeworkflow.calls.expect")).toBe("passed");
    expect(statusOf(results, "activeworkflow.load.concurrent-receives-own-payload")).toBe("skipped");
  });

  it("without cases, the discovery checks run and the case checks are skipped", async () => {
    const results: CheckResult[] = [];
    for (const suite of activeWorkflowSuites) results.push(...(await runSuite(suite, { target: { url: urlOf("DigestAgent") } })));
    expect(failuresOf(results)).toEqual([]);
    expect(statusOf(results, "activeworkflow.register.name-ruby-constant")).toBe("passed");
    expect(statusOf(results, "activeworkflow.http.not-json-refused")).toBe("passed");
    expect(statusOf(results, "activeworkflow.calls.answered")).toBe("skipped");
    expect(statusOf(results, "activeworkflow.load.concurrent-receives-own-payload")).toBe("skipped");
  });
});

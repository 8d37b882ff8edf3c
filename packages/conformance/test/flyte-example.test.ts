// The Flyte suites against examples/flyte-agents, served in-process on a loopback port: every MUST holds.
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, serve, type FlyteServer } from "@agentwire/flyte";
import { BatchJobAgent, BatchJobStore, HttpRequestAgent } from "@agentwire/example-flyte-agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyteSuites } from "../src/suites/flyte/index.js";
import { exampleFlyteCases } from "./fixtures/flyte/cases.js";

let server: FlyteServer;
let http: Server;
let httpBase: string;

beforeAll(async () => {
  const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-conf-flyte-"));
  server = await serve({ agents: [new BatchJobAgent(new BatchJobStore(jobsDir)), new HttpRequestAgent()], port: 0, host: "127.0.0.1", handleSignals: false, logger: createLogger({ level: "silent" }) });
  http = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
      res.end(`you sent ${Buffer.byteLength(body)} bytes`);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => http?.close(resolve));
});

describe("flyte suites against examples/flyte-agents", () => {
  it("holds every MUST (and every SHOULD), with every check run", async () => {
    const started = performance.now();
    const results: CheckResult[] = [];
    for (const suite of flyteSuites) {
      results.push(...(await runSuite(suite, { target: { url: server.url }, cases: exampleFlyteCases(httpBase), callTimeoutMs: 10_000 })));
    }
    const elapsed = Math.round(performance.now() - started);
    console.log(`flyte suites against the example: ${results.length} checks in ${elapsed} ms`);
    const notPassed = results.filter((r) => r.status !== "passed").map((r) => ({ id: r.id, status: r.status, message: r.message, exchanges: r.exchanges.slice(-2) }));
    expect(notPassed).toEqual([]);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    for (const r of results) expect(r.id).toMatch(/^flyte\.[a-z]+\.[a-z0-9-]+$/);
  });
});

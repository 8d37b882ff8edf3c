// The flyte2 suites (the harness as Flyte 2's executor, over flyteidl2.connector) against examples/flyte-agents
// served by serve() — over gRPC and over the Connect port — with the Flyte 1 suites passing on the same
// process; then against broken Flyte 2 connectors written with the raw generated services (the SDK prevents
// these faults), each caught by the check the test names.
import { mkdtempSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createLogger, serve, type FlyteServer } from "@agentwire/flyte";
import { TaskExecution_Phase } from "@agentwire/flyte/testing";
import { BatchJobAgent, BatchJobStore, HttpRequestAgent } from "@agentwire/example-flyte-agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncConnectorService, ConnectorMetadataService } from "../../flyte/src/gen2/flyteidl2/connector/service_pb.js";
import type { FlyteCases } from "../src/cases.js";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyte2Suites, flyteSuites } from "../src/suites/flyte/index.js";
import { exampleFlyteCases } from "./fixtures/flyte/cases.js";

const secret = "tok-7f3a9c2e-never-shown";

/** The example's cases, plus one that passes a connection secret the job prints to stderr before failing. */
function cases(): FlyteCases {
  const base = exampleFlyteCases("http://127.0.0.1:9");
  return {
    tasks: [
      ...(base.tasks ?? []).filter((c) => c.taskType === "batch_job"),
      {
        name: "batch_job sees its secret, which never comes back",
        taskType: "batch_job",
        interface: { inputs: { script: "string" }, outputs: { exit_code: "integer", stdout: "string" } },
        inputs: { script: 'echo "token $api_token rejected" >&2; exit 3' },
        connection: { secrets: { api_token: secret }, configs: { region: "eu-west-1" } },
        expect: { phase: "FAILED", message: "token \\[redacted secret api_token\\] rejected" },
      },
      // A sync agent's case: Flyte 2 has no sync service, so the flyte2 suites leave it out (the flyte ones run it).
      { name: "http_request without url", taskType: "http_request", interface: { inputs: { body: "string" } }, inputs: { body: "" }, custom: { method: "GET" }, expect: { phase: "FAILED", message: "custom\\.url" } },
    ],
  };
}

async function runAll(suites: typeof flyte2Suites, target: { url: string; connect?: boolean }, c: FlyteCases): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of suites) results.push(...(await runSuite(suite, { target, cases: c, callTimeoutMs: 10_000 })));
  return results;
}

const notPassed = (results: CheckResult[]) => results.filter((r) => r.status !== "passed").map((r) => ({ id: r.id, status: r.status, message: r.message, exchanges: r.exchanges.slice(-2) }));

describe("flyte2 suites against examples/flyte-agents", () => {
  let server: FlyteServer;
  beforeAll(async () => {
    const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-conf-flyte2-"));
    server = await serve({
      agents: [new BatchJobAgent(new BatchJobStore(jobsDir)), new HttpRequestAgent()],
      port: 0,
      connectPort: 0,
      host: "127.0.0.1",
      handleSignals: false,
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("over gRPC: every flyte2 check holds, the secrets check included, and every check id is flyte2's", async () => {
    const results = await runAll(flyte2Suites, { url: server.url }, cases());
    expect(notPassed(results)).toEqual([]);
    const ids = results.map((r) => r.id);
    expect(ids).toContain("flyte2.async.secrets-not-echoed");
    expect(ids).not.toContain("flyte2.metadata.is-sync-honoured");
    for (const id of ids) expect(id).toMatch(/^flyte2\.(metadata|errors|async|health|load)\.[a-z0-9-]+$/);
    // The sync agent's case was left out of the async suite: no CreateTask for http_request was sent.
    const creates = results.flatMap((r) => r.exchanges).filter((e) => e.call.startsWith("AsyncConnectorService/CreateTask ("));
    expect(creates.some((e) => e.call.includes("http_request"))).toBe(false);
    // The report never shows the secret: the connection's values are masked in what was sent.
    expect(JSON.stringify(results)).not.toContain(secret);
  });

  it("over the Connect port (HTTP/1.1): every flyte2 check holds", async () => {
    const port = server.connectPort;
    expect(port).toBeGreaterThan(0);
    const results = await runAll(flyte2Suites, { url: `http://127.0.0.1:${port}`, connect: true }, cases());
    // Health is gRPC's own service; the Connect port answers /healthz for probes instead.
    expect(notPassed(results).filter((r) => !(r.id === "flyte2.health.serving" && r.status === "skipped"))).toEqual([]);
  });

  it("the Flyte 1 suites pass on the same server process, sync case included", async () => {
    // Flyte 1 sends no connection: the secret case is Flyte 2's alone.
    const v1Cases = { tasks: (cases().tasks ?? []).filter((c) => c.connection === undefined) };
    const results = await runAll(flyteSuites, { url: server.url }, v1Cases);
    expect(notPassed(results)).toEqual([]);
    expect(results.find((r) => r.id === "flyte.sync.expected-results")?.status).toBe("passed");
  });
});

type Fault = "echoes-secret" | "undefined-phase" | "unknown-type-ok";

/** A Flyte 2 connector with one fault, on the raw generated services. */
async function brokenConnector(fault: Fault): Promise<{ url: string; close(): Promise<void> }> {
  const TASK = "fake_task";
  const routes = (router: ConnectRouter) => {
    router.service(ConnectorMetadataService, {
      listConnectors: () => ({ connectors: [{ name: "Fake", supportedTaskCategories: [{ name: TASK, version: 0 }] }] }),
      getConnector: (req) => {
        if (req.name !== "Fake") throw new ConnectError(`no connector ${req.name}`, Code.NotFound);
        return { connector: { name: "Fake", supportedTaskCategories: [{ name: TASK, version: 0 }] } };
      },
    });
    router.service(AsyncConnectorService, {
      createTask: (req) => {
        const type = req.template?.type;
        if (type !== TASK && fault !== "unknown-type-ok") throw new ConnectError(`no connector for ${type}`, Code.NotFound);
        if ((req.template?.taskTypeVersion ?? 0) !== 0) throw new ConnectError("no such version", Code.NotFound);
        return { resourceMeta: new TextEncoder().encode(JSON.stringify({ token: "k" })) };
      },
      getTask: (req) => {
        if (req.taskCategory?.name !== TASK) throw new ConnectError("no such task type", Code.NotFound);
        let meta: unknown;
        try {
          meta = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(req.resourceMeta));
        } catch {
          throw new ConnectError("resource_meta is not this server's", Code.InvalidArgument);
        }
        if ((meta as { token?: unknown }).token !== "k") throw new ConnectError("no such task", Code.NotFound);
        if (fault === "undefined-phase") return { resource: { phase: 0, message: "" } };
        // The secret fault: the connector quotes the credential it was given in its failure message.
        const token = req.connection?.secrets.api_token ?? "none";
        return { resource: { phase: TaskExecution_Phase.FAILED, message: fault === "echoes-secret" ? `login with ${token} refused` : "login refused" } };
      },
      deleteTask: (req) => {
        if (new TextDecoder().decode(req.resourceMeta) !== JSON.stringify({ token: "k" })) throw new ConnectError("no such task", Code.NotFound);
        return {};
      },
      getTaskMetrics: () => ({ results: [] }),
      async *getTaskLogs() {},
    });
  };
  const adapter = connectNodeAdapter({ routes });
  const server = http2.createServer(adapter);
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (s: http2.Http2Session) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The harness's connections stay open (as the executor's do): end them so close completes.
        for (const s of sessions) s.destroy();
      }),
  };
}

const brokenCases: FlyteCases = {
  tasks: [{ name: "login", taskType: "fake_task", connection: { secrets: { api_token: secret } }, expect: { phase: "FAILED" } }],
};

describe("flyte2 suites against broken Flyte 2 connectors", () => {
  it.each([
    ["echoes-secret", "flyte2.async.secrets-not-echoed", "the value of secret api_token came back in a FAILED message"],
    ["undefined-phase", "flyte2.async.valid-phases", "empty (UNDEFINED) phase"],
    ["unknown-type-ok", "flyte2.errors.unknown-task-type-not-found", "answered OK"],
  ] as const)("%s is caught by %s", async (fault, id, message) => {
    const connector = await brokenConnector(fault);
    try {
      const results = await runAll(flyte2Suites, { url: connector.url }, brokenCases);
      const failed = results.filter((r) => r.status === "failed");
      expect(failed.map((r) => r.id)).toContain(id);
      expect(failed.find((r) => r.id === id)?.message).toContain(message);
      // Every suite ran to its end: no suite-error.
      expect(results.filter((r) => r.id.endsWith(".suite-error"))).toEqual([]);
    } finally {
      await connector.close();
    }
  });
});

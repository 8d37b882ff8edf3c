// The Flyte suites against deliberately broken agent servers, written with the raw generated services (the
// SDK prevents these faults): each fault is caught by the check the test names, and the run completes.
import { AsyncLocalStorage } from "node:async_hooks";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { toLiteralMap, types } from "@agentwire/flyte";
import { TaskExecution_Phase } from "@agentwire/flyte/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AgentMetadataService, AsyncAgentService } from "../../flyte/src/gen/flyteidl/service/agent_pb.js";
import type { FlyteCases } from "../src/cases.js";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyteSuites } from "../src/suites/flyte/index.js";

type Fault = "none" | "string-output" | "empty-phase" | "outputs-with-running" | "unknown-type-ok" | "connection-state" | "crash-on-corrupt-meta" | "ignores-deadline";

const TASK = "fake_task";
const cases: FlyteCases = {
  tasks: [{ name: "fake answers 42", taskType: TASK, interface: { outputs: { x: "integer" } }, expect: { phase: "SUCCEEDED", outputs: { x: 42 } } }],
};

interface Started {
  url: string;
  close(): Promise<void>;
}

function brokenServer(fault: Fault): Promise<Started> {
  const session = new AsyncLocalStorage<object>();
  const jobs = new Map<number, { polls: number; session: object | undefined }>();
  let next = 0;
  // The "string-output" fault answers the declared integer as the string "42".
  const outputs = () => (fault === "string-output" ? toLiteralMap({ x: "42" }, { x: types.string() }) : toLiteralMap({ x: 42 }, { x: types.integer() }));
  const sessions = new Set<http2.Http2Session>();

  const jobOf = (meta: Uint8Array) => {
    let id: unknown;
    try {
      id = (JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(meta)) as { id?: unknown }).id;
    } catch {
      if (fault === "crash-on-corrupt-meta") {
        // The fault: the process "crashes" — it stops serving altogether.
        server.close();
        for (const s of sessions) s.destroy();
        throw new ConnectError("SyntaxError: Unexpected token\n    at JSON.parse (<anonymous>)", Code.Internal);
      }
      throw new ConnectError("resource_meta is not this server's", Code.InvalidArgument);
    }
    const job = typeof id === "number" ? jobs.get(id) : undefined;
    if (job === undefined) throw new ConnectError("no such job", Code.NotFound);
    if (fault === "connection-state" && job.session !== session.getStore()) throw new ConnectError("job not found on this connection", Code.NotFound);
    return job;
  };

  // The "ignores-deadline" fault: CreateTask and GetTask are slow (they never answer) exactly when Propeller's
  // deadline is short, and the server drops grpc-timeout instead of enforcing it (ListAgents still answers).
  const never = new Promise<never>(() => {});
  const slowPastDeadline = async (headers: Headers) => {
    if (headers.has("x-short-deadline")) await never;
  };

  const routes = (router: ConnectRouter) => {
    router.service(AgentMetadataService, {
      listAgents: () => ({ agents: [{ name: "Fake Agent", isSync: false, supportedTaskTypes: [TASK], supportedTaskCategories: [{ name: TASK, version: 0 }] }] }),
      getAgent: (req) => {
        if (req.name !== "Fake Agent") throw new ConnectError("no such agent", Code.NotFound);
        return { agent: { name: "Fake Agent", isSync: false, supportedTaskTypes: [TASK], supportedTaskCategories: [{ name: TASK, version: 0 }] } };
      },
    });
    router.service(AsyncAgentService, {
      createTask: async (req, ctx) => {
        await slowPastDeadline(ctx.requestHeader);
        if ((req.template?.type !== TASK || req.template.taskTypeVersion !== 0) && fault !== "unknown-type-ok") throw new ConnectError("no agent for this task type", Code.NotFound);
        next += 1;
        jobs.set(next, { polls: 0, session: session.getStore() });
        return { resourceMeta: new TextEncoder().encode(JSON.stringify({ id: next })) };
      },
      getTask: async (req, ctx) => {
        await slowPastDeadline(ctx.requestHeader);
        if (req.taskCategory?.name !== TASK) throw new ConnectError("no agent for this task type", Code.NotFound);
        const job = jobOf(req.resourceMeta);
        job.polls += 1;
        if (job.polls === 1) {
          if (fault === "empty-phase") return { resource: {} };
          return { resource: { phase: TaskExecution_Phase.RUNNING, ...(fault === "outputs-with-running" ? { outputs: outputs() } : {}) } };
        }
        return { resource: { phase: TaskExecution_Phase.SUCCEEDED, outputs: outputs() } };
      },
      deleteTask: (req) => {
        if (req.taskCategory?.name !== TASK) throw new ConnectError("no agent for this task type", Code.NotFound);
        jobOf(req.resourceMeta);
        return {};
      },
      getTaskMetrics: () => ({}),
      getTaskLogs: async function* () {},
    });
  };

  const adapter = connectNodeAdapter({ routes });
  const server = http2.createServer((req, res) => {
    const timeout = req.headers["grpc-timeout"];
    if (fault === "ignores-deadline" && typeof timeout === "string") {
      delete req.headers["grpc-timeout"];
      if (/^\d+m$/.test(timeout) && Number.parseInt(timeout, 10) < 1000) req.headers["x-short-deadline"] = "1";
    }
    session.run(req.stream.session!, () => {
      adapter(req, res);
    });
  });
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sessions) s.destroy();
            if (!server.listening) return done();
            server.close(() => done());
          }),
      });
    });
  });
}

async function runAll(url: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of flyteSuites) results.push(...(await runSuite(suite, { target: { url }, cases, callTimeoutMs: 2_000, checkTimeoutMs: 20_000 })));
  return results;
}

const allIds = (results: CheckResult[]) => results.map((r) => r.id);
let current: Started | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe("flyte suites against broken servers", () => {
  it("a server that ignores deadlines on CreateTask and GetTask (ListAgents answers in time) is caught by both deadline checks", async () => {
    current = await brokenServer("ignores-deadline");
    const results = await runAll(current.url);
    const discovery = results.find((r) => r.id === "flyte.metadata.deadline-honoured");
    expect(discovery?.status).toBe("failed");
    expect(discovery?.message).toMatch(/CreateTask \(unknown task type\) with a 100 ms deadline was still open 1100 ms later/);
    expect(discovery?.message).toMatch(/GetTask \(resource_meta \{\} that names no task\) with a 100 ms deadline was still open/);
    expect(discovery?.message).not.toMatch(/ListAgents/);
    const polled = results.find((r) => r.id === "flyte.async.deadline-honoured");
    expect(polled?.status).toBe("failed");
    expect(polled?.message).toMatch(/fake answers 42: AsyncAgentService\/GetTask \(fake answers 42\) with a 100 ms deadline was still open/);
  });

  it("a well-behaved raw server (the control): every MUST holds", async () => {
    current = await brokenServer("none");
    const results = await runAll(current.url);
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => [r.id, r.status, r.message])).toEqual([]);
    expect(results.find((r) => r.id === "flyte.health.serving")?.status).toBe("skipped");
  });

  it.each([
    ["empty-phase", "flyte.async.valid-phases"],
    ["string-output", "flyte.async.outputs-match-interface"],
    ["outputs-with-running", "flyte.async.outputs-only-on-succeeded"],
    ["unknown-type-ok", "flyte.errors.unknown-task-type-not-found"],
    ["connection-state", "flyte.async.get-task-from-resource-meta"],
    ["crash-on-corrupt-meta", "flyte.errors.serves-after-corrupt-resource-meta"],
  ] as const)("%s is caught by %s, and the run completes", async (fault, id) => {
    current = await brokenServer(fault);
    const results = await runAll(current.url);
    const result = results.find((r) => r.id === id);
    expect(result?.status, JSON.stringify(result)).toBe("failed");
    expect(result?.exchanges.length).toBeGreaterThan(0);
    // The run completed: every suite reported its checks.
    for (const suite of ["flyte.metadata", "flyte.errors", "flyte.async", "flyte.sync", "flyte.health", "flyte.load"]) {
      expect(results.some((r) => r.suite === suite), suite).toBe(true);
    }
    expect(allIds(results)).toContain("flyte.load.concurrent-tasks");
  });
});

// `agentwire-host serve` as a process, running the example agents it starts from `command`: Flyte tasks to
// SUCCEEDED, FAILED and ABORTED, a timeout that sends DeleteTask, a registry refresh that finds a new task
// type, a workflow of linked ActiveWorkflow instances on a schedule, and the host killed with SIGKILL
// mid-task and restarted: every task finished, every message delivered, the orphaned agent servers stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, freePorts, waitForPort } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentView, InstanceEvent, InstanceView, RegistryRow, TaskView } from "../src/index.js";
import { alive, awExamplesAgent, flyteExamplesConnector, startHostProcess, stopAll, until, type HostProcess } from "./host-process.js";

interface Registry {
  agents: RegistryRow[];
  connectors: Array<{ id: string; state: string }>;
}
interface Health {
  processes: Array<{ pid: number }>;
}
type Event = InstanceEvent & { payload: Record<string, unknown> & { count?: number; items?: Array<{ status: number }>; status?: number }; to?: string[]; messageId?: number };
interface SseEvent {
  seq: number;
  kind: string;
  id: string;
  data: { phase?: string };
}

const lateAgent = fileURLToPath(new URL("./fixtures/late-agent.mjs", import.meta.url));
const children: ChildProcess[] = [];
const hosts: HostProcess[] = [];

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop().catch(() => {})));
  await stopAll(children);
});

/** A task's view once it is terminal. */
async function finished(host: HostProcess, id: string): Promise<TaskView> {
  return until(`task ${id} to end`, async () => {
    const { body } = await host.api<TaskView>("GET", `/api/flyte/tasks/${id}`);
    return ["SUCCEEDED", "FAILED", "ABORTED", "RETRYABLE_FAILED"].includes(body.phase) ? body : undefined;
  });
}

/** The batch job's directory, from its stdout log link (file://<BATCH_JOBS_DIR>/<jobId>/stdout). */
function jobDir(task: { logLinks: Array<{ uri: string }> }): string {
  return dirname(task.logLinks[0]!.uri.replace(/^file:\/\//, ""));
}

describe("agentwire-host serve: Flyte, against examples/flyte-agents started from command", () => {
  let host: HostProcess;
  let latePort: number;
  const dir = mkdtempSync(join(tmpdir(), "agentwire-host-serve-flyte-"));

  beforeAll(async () => {
    const [agentPort, late] = (await freePorts(2)) as [number, number];
    latePort = late;
    host = await startHostProcess(
      dir,
      `state: state/host.db
http: { port: 0 }
flyte:
  connectors:
${flyteExamplesConnector("examples", agentPort, join(dir, "jobs"))}
      timeouts: { CreateTask: 5s, GetTask: 5s, DeleteTask: 5s, ExecuteTaskSync: 10s }
    late:
      endpoint: 127.0.0.1:${latePort}
  resyncPeriod: 200ms
  pollInterval: 500ms
`,
    );
    hosts.push(host);
  }, 120_000);

  it("prints what a person needs: the API and token, persistence, each connector and task type", () => {
    const out = host.output.output();
    expect(out).toMatch(/started flyte\.connectors\.examples: node dist\/main\.js \(pid \d+, 127\.0\.0\.1:\d+\)/);
    expect(out).toContain(`Persistence: ${join(dir, "state", "host.db")}`);
    expect(out).toContain(`token in ${join(dir, "state", "host-token")}`);
    expect(out).toMatch(/Flyte connector examples at 127\.0\.0\.1:\d+: listed/);
    expect(out).toMatch(/Flyte connector late at 127\.0\.0\.1:\d+: unreachable \(ListAgents failed with rpc error: code = Unavailable/);
    expect(out).toContain("batch_job v0 (async) → examples");
    expect(out).toContain("http_request v0 (sync) → examples");
  });

  it("GET /api/flyte/agents is the registry, routed as Propeller routes", async () => {
    const { status, body } = await host.api<Registry>("GET", "/api/flyte/agents");
    expect(status).toBe(200);
    expect(body.agents).toEqual([
      { taskType: "batch_job", version: 0, mode: "async", connector: "examples", agent: "Batch Job Agent", source: "ListAgents" },
      { taskType: "http_request", version: 0, mode: "sync", connector: "examples", agent: "HTTP Request Agent", source: "ListAgents" },
    ]);
    expect(body.connectors.map((c) => [c.id, c.state])).toEqual([
      ["examples", "listed"],
      ["late", "unreachable"],
    ]);
  });

  it("an async task runs CreateTask → GetTask → SUCCEEDED, with its history, log links and typed outputs", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", {
      taskType: "batch_job",
      inputs: { script: "printf 'a\\nb\\n'" },
      interface: { inputs: { script: "string" }, outputs: { exit_code: "integer", stdout: "string" } },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^ft-/);
    const task = await finished(host, created.body.id);
    expect(task).toMatchObject({ taskType: "batch_job", version: 0, connector: "examples", mode: "async", phase: "SUCCEEDED", outputs: { exit_code: 0, stdout: "a\nb\n" } });
    expect(task.history.map((h) => [h.phase, h.message])).toEqual([
      ["QUEUED", "submitted"],
      ["QUEUED", "launched"],
      ...(task.history.some((h) => h.phase === "RUNNING") ? [["RUNNING", undefined]] : []),
      ["SUCCEEDED", undefined],
    ]);
    expect(task.logLinks[0]).toMatchObject({ name: "stdout" });
    const listed = await host.api<{ tasks: TaskView[] }>("GET", "/api/flyte/tasks?phase=SUCCEEDED&taskType=batch_job");
    expect(listed.body.tasks.map((t) => t.id)).toContain(created.body.id);
  });

  it("a failing task ends FAILED with the agent's message", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "echo 'disk full' >&2; exit 4" } });
    const task = await finished(host, created.body.id);
    expect(task.phase).toBe("FAILED");
    expect(task.message).toBe("script exited with code 4; stderr (tail): disk full");
    expect(task.outputs).toBeNull();
  });

  it("a sync task type goes through ExecuteTaskSync", async () => {
    const target = createServer((_req, res) => res.end("pong"));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const port = (target.address() as { port: number }).port;
    try {
      const created = await host.api("POST", "/api/flyte/tasks", { taskType: "http_request", inputs: { body: "" }, custom: { url: `http://127.0.0.1:${port}/`, method: "POST" } });
      const task = await finished(host, created.body.id);
      expect(task).toMatchObject({ mode: "sync", phase: "SUCCEEDED", outputs: { status_code: 200, body: "pong" } });
      expect(task.history.map((h) => h.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it("DELETE aborts a running task: DeleteTask reaches the agent (it kills the job) and the task ends ABORTED", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "sleep 60" } });
    const running = await until("RUNNING", async () => {
      const { body } = await host.api<TaskView>("GET", `/api/flyte/tasks/${created.body.id}`);
      return body.phase === "RUNNING" ? body : undefined;
    });
    const aborted = await host.api("DELETE", `/api/flyte/tasks/${created.body.id}`);
    expect(aborted.status).toBe(202);
    const task = await finished(host, created.body.id);
    expect(task.phase).toBe("ABORTED");
    expect(task.message).toBe("aborted: DeleteTask sent");
    expect(existsSync(join(jobDir(running), "deleted"))).toBe(true);
    const again = await host.api("DELETE", `/api/flyte/tasks/${created.body.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`task ${created.body.id} already ended ABORTED; only a task still running can be aborted`);
  });

  it("a task past its timeout gets DeleteTask and ends FAILED", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "sleep 60" }, timeout: "1500ms" });
    const task = await finished(host, created.body.id);
    expect(task.phase).toBe("FAILED");
    expect(task.message).toBe("task timed out after 1.5 s: DeleteTask sent");
    expect(existsSync(join(jobDir(task), "deleted"))).toBe(true);
  });

  it("a registry refresh picks up a connector that came up later, with its new task type", async () => {
    const refused = await host.api("POST", "/api/flyte/tasks", { taskType: "late_echo", inputs: { text: "x" } });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe("taskType");
    const late = spawn(process.execPath, [lateAgent], { env: { ...process.env, PORT: String(latePort), LOG_LEVEL: "warn" }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.push(late);
    const out = captureOutput(late);
    await waitForPort(latePort, { child: late, output: () => out.output() });
    const row = await until("late_echo in the registry", async () => {
      const { body } = await host.api<Registry>("GET", "/api/flyte/agents");
      return body.agents.find((a: { taskType: string }) => a.taskType === "late_echo");
    });
    expect(row).toEqual({ taskType: "late_echo", version: 0, mode: "sync", connector: "late", agent: "Late Echo Agent", source: "ListAgents" });
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "late_echo", inputs: { text: "hello" } });
    expect(created.status).toBe(201);
    expect((await finished(host, created.body.id)).outputs).toEqual({ echoed: "late: hello" });
  });

  it("GET /api/events streams every change as server-sent events, each with its kind and id", async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.url}/api/events`, { headers: { authorization: `Bearer ${host.token}` }, signal: controller.signal });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "true" } });
    let text = "";
    const parse = (): SseEvent[] =>
      text
        .split("\n\n")
        .filter((block) => block.includes("data: ") && block.endsWith("}"))
        .map((block) => JSON.parse(block.split("\n").find((l) => l.startsWith("data: "))!.slice(6)) as SseEvent);
    while (!parse().some((e) => e.id === created.body.id && e.data.phase === "SUCCEEDED")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = parse();
    const mine = events.filter((e) => e.id === created.body.id);
    expect(mine.map((e) => e.kind)).toEqual(mine.map(() => "flyte.task"));
    expect(mine.map((e) => e.data.phase)).toContain("SUCCEEDED");
    expect(events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq)).toBe(true);
  });
});

describe("agentwire-host serve: an ActiveWorkflow workflow of linked instances on a schedule", () => {
  let host: HostProcess;
  let site: Server;
  const dir = mkdtempSync(join(tmpdir(), "agentwire-host-serve-aw-"));

  beforeAll(async () => {
    site = createServer((req, res) => {
      res.statusCode = req.url === "/down" ? 503 : 200;
      res.end();
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    const sitePort = (site.address() as { port: number }).port;
    const [agentPort] = (await freePorts(1)) as [number];
    host = await startHostProcess(
      dir,
      `state: state/host.db
http: { port: 0 }
activeworkflow:
  agents:
    # One server, two agents at two URLs: started once.
${awExamplesAgent(agentPort, "/http-status")}
${awExamplesAgent(agentPort, "/digest")}
  instances:
    - { name: site-up, type: HttpStatusAgent, options: { url: "http://127.0.0.1:${sitePort}/up" }, schedule: every_1s }
    - { name: digest, type: DigestAgent, options: { max_items: 3 } }
  links:
    - { from: site-up, to: digest }
`,
    );
    hosts.push(host);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => site.close(resolve));
  });

  it("starts the agent server once for both URLs and registers both agents", async () => {
    expect(host.output.output().match(/started activeworkflow\.agents/g)).toHaveLength(1);
    const { body } = await host.api<{ agents: AgentView[] }>("GET", "/api/activeworkflow/agents");
    expect(body.agents.map((a) => [a.name, a.state])).toEqual([
      ["HttpStatusAgent", "registered"],
      ["DigestAgent", "registered"],
    ]);
    expect(body.agents[1]!.defaultOptions).toEqual({ max_items: 100 });
  });

  it("checks on the schedule, routes each emitted message along the link, and the digest emits once it holds three", async () => {
    const digestEvents = await until("a digest emitted", async () => {
      const { body } = await host.api<Event[]>("GET", "/api/activeworkflow/instances/digest/events");
      return body.some((e) => e.kind === "emitted") ? body : undefined;
    });
    const received = digestEvents.filter((e) => e.kind === "received");
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(received[0]!.payload).toMatchObject({ status: 200 });
    const emitted = digestEvents.find((e) => e.kind === "emitted")!;
    expect(emitted.payload.count).toBe(3);
    expect(emitted.payload.items!.map((i) => i.status)).toEqual([200, 200, 200]);
    const siteUp = (await host.api<InstanceView>("GET", "/api/activeworkflow/instances/site-up")).body;
    expect(siteUp).toMatchObject({ type: "HttpStatusAgent", state: "ready", schedule: "every_1s", source: "config" });
    expect(siteUp.nextCheckAt).not.toBeNull();
    const siteEvents = (await host.api<Event[]>("GET", "/api/activeworkflow/instances/site-up/events")).body;
    expect(siteEvents.find((e) => e.kind === "emitted")!.to).toEqual(["digest"]);
  });

  it("an instance created through the API, with credentials never shown back; a message posted to it is received", async () => {
    const created = await host.api<InstanceView>("POST", "/api/activeworkflow/instances", { name: "manual", type: "DigestAgent", credentials: { api_token: "s3cr3t" }, options: { max_items: 2 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "manual", type: "DigestAgent", options: { max_items: 2 }, credentials: ["api_token"], source: "api", schedule: "never" });
    expect(JSON.stringify(created.body)).not.toContain("s3cr3t");
    const posted = await host.api("POST", "/api/activeworkflow/instances/manual/messages", { payload: { id: 12345678901234567891n.toString(), n: 1 } });
    expect(posted.status).toBe(202);
    const view = await until("the message received", async () => {
      const { body } = await host.api<InstanceView>("GET", "/api/activeworkflow/instances/manual");
      return (body.memory.queue as unknown[] | undefined)?.length === 1 ? body : undefined;
    });
    expect(view.memory.queue).toEqual([{ id: "12345678901234567891", n: 1 }]);
    const checked = await host.api("POST", "/api/activeworkflow/instances/manual/check");
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ messages: [{ count: 1, items: [{ id: "12345678901234567891", n: 1 }] }], failed: false, memory: { queue: [] } });
    const kinds = (await host.api<Event[]>("GET", "/api/activeworkflow/instances/manual/events")).body.map((e) => e.kind);
    expect(kinds).toEqual(["received", "memory", "checked", "log", "memory", "emitted"]);
  });
});

describe("agentwire-host serve: killed with SIGKILL mid-task and restarted", () => {
  const dir = mkdtempSync(join(tmpdir(), "agentwire-host-serve-kill-"));
  let config: string;

  beforeAll(async () => {
    const [flytePort, awPort] = (await freePorts(2)) as [number, number];
    config = `state: state/host.db
http: { port: 0 }
flyte:
  connectors:
${flyteExamplesConnector("examples", flytePort, join(dir, "jobs"))}
  resyncPeriod: 200ms
activeworkflow:
  agents:
${awExamplesAgent(awPort, "/digest")}
  instances:
    - { name: collector, type: DigestAgent, options: { max_items: 1000 } }
`;
  });

  it("finishes every task, delivers every message with no memory update lost, and stops the agent servers the dead host left", async () => {
    const latch = join(dir, "latch");
    const first = await startHostProcess(dir, config);
    hosts.push(first);
    const tasks = await Promise.all(
      [1, 2, 3].map(async (n) => (await first.api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: `while [ ! -f ${latch} ]; do sleep 0.05; done; echo ${n}` } })).body.id),
    );
    await until("every task RUNNING", async () => {
      const phases = await Promise.all(tasks.map(async (id) => (await first.api<TaskView>("GET", `/api/flyte/tasks/${id}`)).body.phase));
      return phases.every((p) => p === "RUNNING");
    });
    // Messages posted as fast as the API takes them, while their deliveries run: the kill lands among them.
    const posted: number[] = [];
    for (let i = 0; i < 40; i++) posted.push((await first.api("POST", "/api/activeworkflow/instances/collector/messages", { payload: { i } })).body.messageId);
    const health = (await first.api<Health>("GET", "/api/health")).body;
    const pids = health.processes.map((p) => p.pid);
    expect(pids).toHaveLength(2);
    await first.kill();
    expect(pids.every(alive)).toBe(true); // SIGKILL leaves the agent servers running, holding their ports
    writeFileSync(latch, "");

    const second = await startHostProcess(dir, config);
    hosts.push(second);
    expect(second.output.output()).toMatch(/stopped flyte\.connectors\.examples \(pid \d+\), left running by a host that did not stop cleanly/);
    expect(second.output.output()).toMatch(/stopped activeworkflow\.agents\[0\] \(pid \d+\), left running/);
    expect(second.output.output()).toContain("flyte: resumed 3 task(s) that were in flight when the host stopped");
    expect(pids.some(alive)).toBe(false);
    for (const [n, id] of tasks.entries()) {
      const task = await finished(second, id);
      expect(task.phase).toBe("SUCCEEDED");
      expect(task.outputs).toEqual({ exit_code: 0, stdout: `${n + 1}\n` });
    }
    const collector = await until("all 40 messages in memory", async () => {
      const { body } = await second.api<InstanceView>("GET", "/api/activeworkflow/instances/collector");
      return body.pendingMessages === 0 ? body : undefined;
    });
    // At least once: every message received; and since each result is applied with the delivery it answers,
    // the memory holds each payload exactly once, in order.
    expect(collector.memory.queue).toEqual(posted.map((_, i) => ({ i })));
    const events = (await second.api<Event[]>("GET", "/api/activeworkflow/instances/collector/events")).body;
    const receivedIds = new Set(events.filter((e) => e.kind === "received").map((e) => e.messageId));
    expect(posted.every((id) => receivedIds.has(id))).toBe(true);
    expect(await second.stop()).toBe(0);
    expect(second.output.output()).toContain("stopped; in-flight tasks resume on the next start");
  });
});

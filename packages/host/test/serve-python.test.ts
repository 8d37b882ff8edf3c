// `agentwire-host serve` running the official Python peers it starts from `command`: flytekit's own
// connector server (`pyflyte serve connector`) for an async and a sync task type, an abort that reaches the
// Python connector's delete, and a Python ActiveWorkflow agent (stdlib, like ActiveWorkflow's sample) on a
// schedule, linked to a TypeScript one.
//
// Needs the Python venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceEvent, RegistryRow, TaskView } from "../src/index.js";
import { awExamplesAgent, examples, startHostProcess, until, type HostProcess } from "./host-process.js";

const flytekitModuleDir = fileURLToPath(new URL("../../flyte/test/interop/", import.meta.url));
const awAgent = join(examples, "activeworkflow-agents", "test", "interop", "stdlib_agent.py");
const skip = pythonSkipReason() !== undefined;

describe.skipIf(skip)(pythonSuiteName("agentwire-host serve with the Python peers under it"), () => {
  let host: HostProcess;
  const dir = mkdtempSync(join(tmpdir(), "agentwire-host-python-"));

  beforeAll(async () => {
    const pyflyte = requirePython(import.meta.url, "pyflyte");
    const python = requirePython(import.meta.url);
    const [connectorPort, promPort, pyAgentPort, tsAgentPort] = (await freePorts(4)) as [number, number, number, number];
    const env = pythonEnv();
    const pythonPath = [flytekitModuleDir, env.PYTHONPATH].filter(Boolean).join(delimiter);
    host = await startHostProcess(
      dir,
      `state: state/host.db
http: { port: 0 }
flyte:
  connectors:
    flytekit:
      endpoint: 127.0.0.1:${connectorPort}
      command: ${pyflyte} serve connector --port ${connectorPort} --prometheus_port ${promPort} --modules flytekit_agent
      cwd: ${dir}
      env: { PYTHONPATH: "${pythonPath}", AGENTWIRE_INTEROP_STATE_DIR: "${dir}" }
  resyncPeriod: 200ms
activeworkflow:
  agents:
    - { url: "http://127.0.0.1:${pyAgentPort}/", command: "${python} ${awAgent} --port ${pyAgentPort}" }
${awExamplesAgent(tsAgentPort, "/digest")}
  instances:
    - { name: py, type: PythonTestAgent, schedule: every_1s }
    - { name: digest, type: DigestAgent, options: { max_items: 2 } }
  links:
    - { from: py, to: digest }
`,
      env,
    );
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  it("lists flytekit's connectors in the registry, async and sync (with flytekit's built-in sensor and webhook)", async () => {
    const { body } = await host.api<{ agents: RegistryRow[] }>("GET", "/api/flyte/agents");
    expect(body.agents.map((a) => [a.taskType, a.version, a.mode, a.connector])).toEqual([
      ["py_echo", 0, "sync", "flytekit"],
      ["py_sleep", 0, "async", "flytekit"],
      ["sensor", 0, "async", "flytekit"],
      ["webhook", 0, "sync", "flytekit"],
    ]);
  });

  it("runs py_sleep (async) to SUCCEEDED through flytekit's server, outputs decoded to plain values", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "py_sleep", inputs: { n: 3, polls: 2, name: "host" } });
    expect(created.status).toBe(201);
    const task = await until("py_sleep to end", async () => {
      const { body } = await host.api<TaskView>("GET", `/api/flyte/tasks/${created.body.id}`);
      return body.phase === "SUCCEEDED" || body.phase === "FAILED" ? body : undefined;
    });
    expect(task.phase).toBe("SUCCEEDED");
    expect(task.outputs).toMatchObject({ o0: 6, o1: "hello host", o2: 0.75, o3: false, o5: "2024-01-05T03:04:05.000Z" });
    expect(task.history.map((h) => h.phase)).toEqual(["QUEUED", "QUEUED", "RUNNING", "SUCCEEDED"]);
  });

  it("runs py_echo (sync) with the template's custom, and a FAILED answer", async () => {
    const ok = await host.api("POST", "/api/flyte/tasks", { taskType: "py_echo", inputs: { text: "abc" }, custom: { prefix: ">> " } });
    const failed = await host.api("POST", "/api/flyte/tasks", { taskType: "py_echo", inputs: { text: "fail" } });
    const done = async (id: string) =>
      until(`${id} to end`, async () => {
        const { body } = await host.api<TaskView>("GET", `/api/flyte/tasks/${id}`);
        return ["SUCCEEDED", "FAILED", "RETRYABLE_FAILED"].includes(body.phase) ? body : undefined;
      });
    expect(await done(ok.body.id)).toMatchObject({ mode: "sync", phase: "SUCCEEDED", outputs: { o0: ">> abc", o1: 3 } });
    expect(await done(failed.body.id)).toMatchObject({ mode: "sync", phase: "FAILED", message: "py_echo refuses to echo 'fail'" });
  });

  it("an abort reaches flytekit's delete", async () => {
    const created = await host.api("POST", "/api/flyte/tasks", { taskType: "py_sleep", inputs: { n: 1, polls: 100000, name: "x" } });
    await until("RUNNING", async () => (await host.api<TaskView>("GET", `/api/flyte/tasks/${created.body.id}`)).body.phase === "RUNNING");
    expect((await host.api("DELETE", `/api/flyte/tasks/${created.body.id}`)).status).toBe(202);
    const task = await until("ABORTED", async () => {
      const { body } = await host.api<TaskView>("GET", `/api/flyte/tasks/${created.body.id}`);
      return body.phase === "ABORTED" ? body : undefined;
    });
    expect(task.message).toBe("aborted: DeleteTask sent");
    expect(readFileSync(join(dir, "deletions.log"), "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("the Python ActiveWorkflow agent checks on its schedule and its messages reach the TypeScript digest", async () => {
    const posted = await host.api("POST", "/api/activeworkflow/instances/py/messages", { payload: { title: "<b>release</b> & notes", id: 7 } });
    expect(posted.status).toBe(202);
    const events = await until("a digest from the Python agent's messages", async () => {
      const { body } = await host.api<Array<InstanceEvent & { payload?: { count?: number; items?: unknown[] } }>>("GET", "/api/activeworkflow/instances/digest/events");
      return body.some((e) => e.kind === "emitted") ? body : undefined;
    });
    const digest = events.find((e) => e.kind === "emitted")!;
    expect(digest.payload).toEqual({ count: 2, items: [{ title: "<b>release</b> & notes", id: 7 }, { title: "<b>release</b> & notes", id: 7 }] });
    const py = await host.api<Array<InstanceEvent & { message?: string }>>("GET", "/api/activeworkflow/instances/py/events");
    expect(py.body.filter((e) => e.kind === "log").map((e) => e.message)).toContain("Message received");
    expect(py.body.filter((e) => e.kind === "error").map((e) => e.message)).toContain("Sample error");
  });
});

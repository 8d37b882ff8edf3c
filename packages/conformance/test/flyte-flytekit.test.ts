// The Flyte discovery suites against flytekit's own server (`pyflyte serve connector` with the connectors of
// packages/flyte/test/interop/flytekit_agent.py): the official peer must hold every discovery check.
// Needs the Python venv (`npm test` creates it); AGENTWIRE_SKIP_PYTHON=1 skips it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlyteCases } from "../src/cases.js";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyteSuites } from "../src/suites/flyte/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const agentModuleDir = join(here, "..", "..", "flyte", "test", "interop");

const sleepInterface = {
  inputs: { n: "integer", polls: "integer", name: "string" },
  outputs: { o0: "integer", o1: "string", o2: "float", o3: "boolean", o4: "struct", o5: "datetime", o6: "duration" },
};
/** Cases for flytekit_agent.py's connectors (py_sleep async, py_echo sync): what its `outputs_for` computes. */
const flytekitCases: FlyteCases = {
  tasks: [
    {
      name: "py_sleep n=3",
      taskType: "py_sleep",
      interface: sleepInterface,
      inputs: { n: 3, polls: 2, name: "conf" },
      expect: { phase: "SUCCEEDED", outputs: { o0: 6, o1: "hello conf", o2: 0.75, o3: false, o4: { n: 3, name: "conf", squares: [0, 1, 4] }, o5: "2024-01-05T03:04:05Z", o6: 3250 } },
    },
    { name: "py_sleep aborted", taskType: "py_sleep", interface: sleepInterface, inputs: { n: 1, polls: 1000, name: "x" }, abort: true },
    {
      name: "py_echo",
      taskType: "py_echo",
      interface: { inputs: { text: "string" }, outputs: { o0: "string", o1: "integer" } },
      inputs: { text: "hi" },
      custom: { prefix: ">> " },
      expect: { phase: "SUCCEEDED", outputs: { o0: ">> hi", o1: 2 } },
    },
    { name: "py_echo fails", taskType: "py_echo", interface: { inputs: { text: "string" } }, inputs: { text: "fail" }, expect: { phase: "FAILED", message: "refuses" } },
  ],
};

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("flyte discovery suites against flytekit's `pyflyte serve connector`"), () => {
  let server: ChildProcess | undefined;
  let serverLog = "";
  let stateDir = "";
  let url = "";

  beforeAll(async () => {
    const pyflyte = requirePython(here, "pyflyte");
    stateDir = mkdtempSync(join(tmpdir(), "agentwire-conf-flytekit-"));
    const [port, prometheusPort] = (await freePorts(2)) as [number, number];
    server = spawn(pyflyte, ["serve", "connector", "--port", String(port), "--prometheus_port", String(prometheusPort), "--modules", "flytekit_agent"], {
      cwd: stateDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...pythonEnv(), PYTHONPATH: [agentModuleDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter), AGENTWIRE_INTEROP_STATE_DIR: stateDir },
    });
    server.stdout!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    await waitForPort(port, { child: server, timeoutMs: 110_000, output: () => serverLog });
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await stopProcessGroup(server);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("holds every discovery MUST", async () => {
    const results: CheckResult[] = [];
    for (const suite of flyteSuites.filter((s) => ["flyte.metadata", "flyte.errors", "flyte.health"].includes(s.name))) {
      results.push(...(await runSuite(suite, { target: { url }, callTimeoutMs: 10_000 })));
    }
    console.log(results.map((r) => `${r.status.padEnd(8)} ${r.id}${r.message ? `: ${r.message}` : ""}`).join("\n"));
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => [r.id, r.message])).toEqual([]);
    expect(results.filter((r) => r.level === "MUST" && r.status === "passed").length).toBeGreaterThan(0);
  });

  it("holds every MUST of the case suites for flytekit's own connectors (typed outputs, abort, sync)", async () => {
    const results: CheckResult[] = [];
    for (const suite of flyteSuites.filter((s) => ["flyte.async", "flyte.sync"].includes(s.name))) {
      results.push(...(await runSuite(suite, { target: { url }, cases: flytekitCases, callTimeoutMs: 10_000 })));
    }
    console.log(results.map((r) => `${r.status.padEnd(8)} ${r.id}${r.message ? `: ${r.message}` : ""}`).join("\n"));
    expect(results.filter((r) => r.status === "failed").map((r) => [r.id, r.message])).toEqual([]);
  });
});

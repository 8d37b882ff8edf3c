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
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyteSuites } from "../src/suites/flyte/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const agentModuleDir = join(here, "..", "..", "flyte", "test", "interop");

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
});

// The Flyte discovery suites against flytekit's own server (`pyflyte serve connector` with the connectors of
// packages/flyte/test/interop/flytekit_agent.py): the official peer must hold every discovery check.
// Needs the Python venv (`npm test` creates it); AGENTWIRE_SKIP_PYTHON=1 skips it.
import { pythonSkipReason, pythonSuiteName, startFlytekitConnector, type FlytekitConnector } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlyteCases } from "../src/cases.js";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { flyteSuites } from "../src/suites/flyte/index.js";


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
  let server: FlytekitConnector | undefined;
  let url = "";

  beforeAll(async () => {
    server = await startFlytekitConnector();
    url = server.url;
  });

  afterAll(async () => {
    await server?.stop();
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

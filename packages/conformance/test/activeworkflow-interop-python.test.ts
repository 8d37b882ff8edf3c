// The ActiveWorkflow suites against a remote agent in another language: the stdlib Python agent of
// examples/activeworkflow-agents (like ActiveWorkflow's Python sample agent). Plain, every MUST holds; with
// --fragile it answers what ActiveWorkflow's Ruby chokes on, and the checks name each fault.
//
// Needs the Python venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { ActiveWorkflowCases, CheckResult } from "../src/index.js";
import { runSuite } from "../src/index.js";
import { activeWorkflowSuites } from "../src/suites/activeworkflow/index.js";

const agentScript = fileURLToPath(new URL("../../../examples/activeworkflow-agents/test/interop/stdlib_agent.py", import.meta.url));
const skipPython = pythonSkipReason() !== undefined;

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child)));
});

async function startPythonAgent(args: string[]): Promise<{ url: string; log: () => string }> {
  const python = requirePython(import.meta.url);
  const port = await freePort();
  const child = spawn(python, [agentScript, "--port", String(port), ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: pythonEnv() });
  children.push(child);
  const { output: log } = captureOutput(child);
  await waitForPort(port, { child, timeoutMs: 30_000, output: log });
  return { url: `http://127.0.0.1:${port}/`, log };
}

const cases: ActiveWorkflowCases = {
  calls: [
    {
      name: "remembers",
      method: "receive",
      credentials: [{ name: "token", value: "t0k" }],
      payload: { title: "<b>Release 1.0</b> & notes", id: 7 },
      expect: { messages: [], memory: { last_message: { title: "<b>Release 1.0</b> & notes", id: 7 } }, logs: "^Message received$" },
    },
    { name: "emits", method: "check", memory: { last_message: { a: 1 } }, expect: { messages: [{ a: 1 }], errors: "Sample error", logs: "Check done" } },
  ],
};

async function runAll(url: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of activeWorkflowSuites) results.push(...(await runSuite(suite, { target: { url }, cases })));
  return results;
}

const statusOf = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.status;

describe.skipIf(skipPython)(pythonSuiteName("the ActiveWorkflow suites against the stdlib Python agent"), () => {
  it("plain: every MUST check holds", async () => {
    const agent = await startPythonAgent([]);
    const started = performance.now();
    const results = await runAll(agent.url);
    console.log(`ActiveWorkflow suites against the stdlib Python agent: ${results.length} checks in ${Math.round(performance.now() - started)} ms`);
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => `${r.id}: ${r.message ?? ""}`), agent.log()).toEqual([]);
    expect(statusOf(results, "activeworkflow.register.name-ruby-constant")).toBe("passed");
    expect(statusOf(results, "activeworkflow.calls.expect")).toBe("passed");
    expect(statusOf(results, "activeworkflow.calls.canary-not-echoed")).toBe("passed");
    // Like the Flask sample it answers a non-JSON body with a 500 and an unknown method with a 200: SHOULD warnings.
    expect(statusOf(results, "activeworkflow.http.not-json-refused")).toBe("warning");
    expect(statusOf(results, "activeworkflow.http.unknown-method-refused")).toBe("warning");
    // Its receive emits nothing (it only remembers), so the answers of 50 receives cannot be told apart.
    expect(statusOf(results, "activeworkflow.load.concurrent-receives-own-payload")).toBe("skipped");
  });

  it("--fragile: the blank log entry, the null memory and the message that is not an object are each caught", async () => {
    const agent = await startPythonAgent(["--fragile"]);
    const results = await runAll(agent.url);
    expect(results).toHaveLength(20);
    const byId = (id: string) => results.find((r) => r.id === id)!;
    expect(byId("activeworkflow.calls.log-entries-strings").status).toBe("failed");
    expect(byId("activeworkflow.calls.log-entries-strings").message).toContain('case "remembers" (receive): result.logs[0] is ""');
    expect(byId("activeworkflow.calls.no-null-fields").status).toBe("failed");
    expect(byId("activeworkflow.calls.no-null-fields").message).toContain('case "emits" (check): result.memory is null');
    expect(byId("activeworkflow.calls.messages-objects").status).toBe("failed");
    expect(byId("activeworkflow.calls.messages-objects").message).toContain("result.messages[1]");
    expect(byId("activeworkflow.calls.answered").status).toBe("passed");
    expect(byId("activeworkflow.register.name-ruby-constant").status).toBe("passed");
  });
});

// Interop 2: our ActiveWorkflowDriver, over real HTTP (`url` mode), against a remote agent written in Python
// with the standard library only (test/interop/stdlib_agent.py), which behaves like ActiveWorkflow's Python
// sample agent; and, with --fragile, answers what ActiveWorkflow's client chokes on, which the driver must
// name in its warnings.
//
// Needs the Python venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { createActiveWorkflowDriver, type ActiveWorkflowDriver } from "@agentwire/activeworkflow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const agentScript = fileURLToPath(new URL("interop/stdlib_agent.py", import.meta.url));
const skipPython = pythonSkipReason() !== undefined;

/** Starts stdlib_agent.py on a free loopback port; returns its URL and a stopper. */
async function startPythonAgent(args: string[]): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const python = requirePython(import.meta.url);
  const port = await freePort();
  const child = spawn(python, [agentScript, "--port", String(port), ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: pythonEnv() });
  const { output: log } = captureOutput(child);
  await waitForPort(port, { child, timeoutMs: 30_000, output: log });
  return { url: `http://127.0.0.1:${port}/`, child, log };
}

const payload = { title: "<b>Release 1.0</b> & notes", id: 7, nested: { ok: true } };

describe.skipIf(skipPython)(pythonSuiteName("ActiveWorkflowDriver against a stdlib Python remote agent (like AW's Python sample)"), () => {
  let agent: Awaited<ReturnType<typeof startPythonAgent>> | undefined;
  let driver: ActiveWorkflowDriver;

  beforeAll(async () => {
    agent = await startPythonAgent([]);
    driver = createActiveWorkflowDriver({ url: agent.url });
  });
  afterAll(async () => {
    await stopProcessGroup(agent?.child);
  });

  it("registers PythonTestAgent five times without a warning", async () => {
    const registered = await driver.register({ times: 5 });
    expect(registered.warnings, agent?.log()).toEqual([]);
    expect(registered.failed).toBe(false);
    expect(registered.registration).toMatchObject({ name: "PythonTestAgent", display_name: "Python Test Agent", default_options: { a: "b" } });
  });

  it("receive stores the payload in memory; check emits it with its log and error, memory carried", async () => {
    const instance = await driver.createInstance({ credentials: [{ name: "token", value: "t0k" }] });
    expect(instance.options).toEqual({ a: "b" });

    const received = await driver.receive(instance, payload);
    expect(received.warnings, agent?.log()).toEqual([]);
    expect(received.status).toBe(200);
    expect(received.logs).toEqual(["Message received"]);
    expect(received.errors).toEqual([]);
    expect(received.messages).toEqual([]);
    expect(received.memoryReplaced).toBe(true);
    expect(instance.memory).toEqual({ last_message: payload });

    const checked = await driver.check(instance);
    expect(checked.warnings, agent?.log()).toEqual([]);
    expect(checked.request.params.memory).toEqual({ last_message: payload });
    expect(checked.request.params.message).toBeNull();
    expect(checked.logs).toEqual(["Check done"]);
    expect(checked.errors).toEqual(["Sample error"]);
    expect(checked.messages).toEqual([payload]);
    expect(checked.memoryReplaced).toBe(false);
    expect(instance.memory).toEqual({ last_message: payload });
    expect(instance.log).toEqual([
      { level: 3, message: "Message received" },
      { level: 4, message: "Sample error" },
      { level: 3, message: "Check done" },
    ]);
  });

  it("is as strict as the Flask sample: Content-Type application/json (else 415) and every params key (else 500)", async () => {
    const body = JSON.stringify({ method: "check", params: { options: {}, memory: {}, credentials: [], message: null } });
    expect((await driver.sendRaw(body)).status).toBe(200);
    const plain = createActiveWorkflowDriver({ url: agent!.url, headers: { "Content-Type": "text/plain" } });
    expect((await plain.sendRaw(body)).status).toBe(415);
    const missing = await driver.sendRaw(JSON.stringify({ method: "check", params: { options: {} } }));
    expect(missing.status).toBe(500);
    expect(missing.body).toContain("KeyError");
  });
});

describe.skipIf(skipPython)(pythonSuiteName("ActiveWorkflowDriver against the stdlib Python agent in --fragile mode"), () => {
  let agent: Awaited<ReturnType<typeof startPythonAgent>> | undefined;
  let driver: ActiveWorkflowDriver;

  beforeAll(async () => {
    agent = await startPythonAgent(["--fragile"]);
    driver = createActiveWorkflowDriver({ url: agent.url });
  });
  afterAll(async () => {
    await stopProcessGroup(agent?.child);
  });

  it("names each thing ActiveWorkflow chokes on: a blank log entry, null memory, a non-object message", async () => {
    expect((await driver.register()).warnings).toEqual([]);
    const instance = await driver.createInstance({ memory: { last_message: { earlier: true } } });

    const received = await driver.receive(instance, payload);
    expect(received.failed).toBe(true);
    expect(received.warnings.map((w) => [w.code, w.field, w.fatal])).toEqual([["log_entry_blank", "result.logs[0]", true]]);
    expect(received.warnings[0]!.aw).toContain("create! raises");
    // The job raised before handle_memory: memory stays as it was.
    expect(received.memoryReplaced).toBe(false);
    expect(instance.memory).toEqual({ last_message: { earlier: true } });

    const checked = await driver.check(instance);
    expect(checked.failed).toBe(true);
    expect(checked.warnings.map((w) => [w.code, w.field, w.fatal])).toEqual([
      ["field_null", "result.memory", true],
      ["message_not_object", "result.messages[1]", true],
    ]);
    // Messages before the bad one are created (and would be again on the job's retry); memory is not saved.
    expect(checked.messages).toEqual([{ earlier: true }]);
    expect(instance.memory).toEqual({ last_message: { earlier: true } });
    expect(instance.log.at(-1)).toEqual({ level: 4, message: "Exception during check. result.memory is null" });
  });

  it("throws in strict mode, listing every warning", async () => {
    const strict = createActiveWorkflowDriver({ url: agent!.url, strict: true });
    const instance = await strict.createInstance({ memory: { last_message: { x: 1 } } });
    await expect(strict.check(instance)).rejects.toThrow(/\[field_null\] result\.memory is null.*\[message_not_object\] result\.messages\[1\]/);
  });
});

// Interop with flytekit's own agent server: test/interop/flytekit_agent.py defines two connectors with
// flytekit's connector API, `pyflyte serve connector` serves them, and our FlyteDriver drives them over
// real gRPC. This pins down the client half of agentwire (driver, resource decoding, literal decoding)
// against the reference implementation, including the literal types flytekit infers for outputs.
//
// Needs the Python venv (`npm test` creates it when missing). Set AGENTWIRE_SKIP_PYTHON=1 to skip on a machine
// without Python; a missing venv otherwise fails the suite on purpose.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pythonSkipReason, pythonSuiteName, startFlytekitConnector, type FlytekitConnector } from "@agentwire/test-support";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineTask, fromLiteralMap, types } from "../src/index.js";
import { createFlyteDriver, HealthCheckResponse_ServingStatus, TaskExecution_Phase, type FlyteDriver } from "../src/testing/index.js";


const skipPython = pythonSkipReason() !== undefined;

const sleepTask = defineTask({
  taskType: "py_sleep",
  inputs: { n: types.integer(), polls: types.integer(), name: types.string() },
  // What flytekit itself would declare for `-> (int, str, float, bool, dict, datetime, timedelta)`.
  outputs: {
    o0: types.integer(),
    o1: types.string(),
    o2: types.float(),
    o3: types.boolean(),
    o4: types.struct(),
    o5: types.datetime(),
    o6: types.duration(),
  },
});

const echoTask = defineTask({ taskType: "py_echo", inputs: { text: types.string() }, outputs: { o0: types.string(), o1: types.integer() } });
const echoCustom = { custom: { prefix: ">> " } };

/** What flytekit_agent.py's `outputs_for(n, name)` computes, as our codec decodes it. */
function expectedSleepOutputs(n: number, name: string) {
  return {
    o0: n * 2,
    o1: `hello ${name}`,
    o2: n / 4,
    o3: n % 2 === 0,
    o4: { n, name, squares: Array.from({ length: n }, (_, i) => i * i) },
    o5: new Date(Date.UTC(2024, 0, 2 + n, 3, 4, 5)),
    o6: n * 1000 + 250,
  };
}

function decodeMeta(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

describe.skipIf(skipPython)(pythonSuiteName("FlyteDriver against flytekit's `pyflyte serve connector`"), () => {
  let server: FlytekitConnector | undefined;
  let stateDir = "";
  let baseUrl = "";
  let driver: FlyteDriver;

  const readState = (name: string) => readFileSync(join(stateDir, name), "utf8");

  beforeAll(async () => {
    server = await startFlytekitConnector();
    stateDir = server.stateDir;
    baseUrl = server.url;
    driver = createFlyteDriver({ url: baseUrl, pollIntervalMs: 20 });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("lists our connectors plus flytekit's built-in sensor and webhook, with the routing Propeller derives", async () => {
    const { agents } = await driver.clients.metadata.listAgents({});
    const byName = new Map(agents.map((a) => [a.name, a]));
    for (const [name, taskType, isSync] of [
      ["Python Sleep Connector", "py_sleep", false],
      ["Python Echo Connector", "py_echo", true],
      // Registered by every flytekit server, whatever modules it loads (research §3.3, issue #6349).
      ["Sensor", "sensor", false],
      ["Webhook Connector", "webhook", true],
    ] as const) {
      const agent = byName.get(name);
      expect(agent, `ListAgents: ${agents.map((a) => a.name).join(", ")}`).toBeDefined();
      expect(agent!.isSync).toBe(isSync);
      expect(agent!.supportedTaskTypes).toEqual([taskType]);
      expect(agent!.supportedTaskCategories.map((c) => ({ name: c.name, version: c.version }))).toEqual([{ name: taskType, version: 0 }]);
    }
    const registry = await driver.refreshAgents();
    expect([...registry.keys()].sort()).toEqual(["py_echo", "py_sleep", "sensor", "webhook"]);
    expect(registry.get("py_echo")?.get(0)?.isSync).toBe(true);
    expect(registry.get("py_sleep")?.get(0)?.isSync).toBe(false);
  });

  it("answers gRPC health SERVING", async () => {
    const { status } = await driver.clients.health.check({ service: "" });
    expect(status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("runs the async task to SUCCEEDED through RUNNING, with typed outputs decoded", async () => {
    const run = await driver.run(sleepTask, { n: 3, polls: 2, name: "agentwire" });
    expect(run.error).toBeUndefined();
    expect(run.mode).toBe("async");
    expect(run.phase, run.message).toBe("SUCCEEDED");
    expect(run.events.map((e) => e.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    const running = run.events[1]!;
    expect(running.logLinks?.[0]).toMatchObject({ name: "Sleep job", uri: expect.stringMatching(/^https:\/\/jobs\.example\.com\//) });
    expect(run.outputs).toEqual(expectedSleepOutputs(3, "agentwire"));
    expect(run.message).toBe("done");

    // flytekit's resource_meta is UTF-8 JSON of the ResourceMeta dataclass.
    const meta = decodeMeta(run.launched!.resourceMeta);
    expect(meta).toEqual({ job_id: expect.any(String), polls: 2, n: 3, name: "agentwire" });
    expect(run.resource?.customInfo).toEqual({ job_id: meta.job_id, polls: 2 });

    // What flytekit handed the connector from our CreateTask.
    const request = JSON.parse(readState(`${String(meta.job_id)}.request.json`));
    expect(request).toEqual({
      task_type: "py_sleep",
      task_type_version: 0,
      template_name: "agentwire.test.py_sleep",
      custom: {},
      interface_inputs: ["n", "name", "polls"],
      output_prefix: run.launched!.outputPrefix,
      namespace: "flytesnacks-development",
      task_name: "agentwire.test.py_sleep",
    });
  });

  it("decodes the literal types flytekit infers for outputs, declared or not", async () => {
    const undeclaredTask = defineTask({ taskType: "py_sleep", inputs: sleepTask.inputs });
    const launched = await driver.launch(undeclaredTask, { n: 4, polls: 0, name: "raw" });
    const { resource } = await driver.clients.async.getTask({
      taskType: "py_sleep",
      taskCategory: { name: "py_sleep", version: 0 },
      resourceMeta: launched.resourceMeta,
    });
    expect(resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    const outputs = resource!.outputs!;
    const literals = outputs.literals;
    // What flytekit's TypeEngine guessed from the Python values (no interface at GetTask time).
    const shape = (name: string) => {
      const scalar = literals[name]?.value.case === "scalar" ? literals[name].value.value : undefined;
      if (scalar?.value.case === "primitive") return `primitive.${scalar.value.value.value.case}`;
      if (scalar?.value.case === "binary") return `binary:${scalar.value.value.tag}`;
      return `${literals[name]?.value.case}.${scalar?.value.case}`;
    };
    expect(Object.fromEntries(Object.keys(literals).sort().map((k) => [k, shape(k)]))).toEqual({
      o0: "primitive.integer",
      o1: "primitive.stringValue",
      o2: "primitive.floatValue",
      o3: "primitive.boolean",
      o4: "binary:msgpack",
      o5: "primitive.datetime",
      o6: "primitive.duration",
    });
    const expected = expectedSleepOutputs(4, "raw");
    // Inferred from the literals alone (o2 is 1.0, a float literal that reads back as the number 1) ...
    expect(fromLiteralMap(outputs, undefined, { direction: "output" })).toEqual(expected);
    // ... with the types flytekit would declare ...
    expect(fromLiteralMap(outputs, sleepTask.outputs, { direction: "output" })).toEqual(expected);
    // ... with the legacy generic-struct declaration for the dict (both STRUCT encodings are accepted) ...
    const legacyTask = defineTask({ ...sleepTask, outputs: { ...sleepTask.outputs, o4: types.genericStruct() } });
    const legacy = await driver.run(legacyTask, { n: 4, polls: 0, name: "raw" });
    expect(legacy.phase, legacy.message).toBe("SUCCEEDED");
    expect(legacy.outputs).toEqual(expected);
    // ... and through the driver with nothing declared.
    const undeclared = await driver.run(undeclaredTask, { n: 4, polls: 0, name: "raw" });
    expect(undeclared.outputs).toEqual(expected);
  });

  it("runs the sync task through ExecuteTaskSync", async () => {
    const run = await driver.run(echoTask, { text: "hello flytekit" }, echoCustom);
    expect(run.error).toBeUndefined();
    expect(run.mode).toBe("sync");
    expect(run.phase, run.message).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ o0: ">> hello flytekit", o1: 14 });
    expect(run.events.map((e) => e.phase)).toEqual(["SUCCEEDED"]);
    const request = JSON.parse(readState("echo-1.request.json"));
    expect(request).toEqual({ custom: { prefix: ">> " }, output_prefix: expect.stringMatching(/^s3:\/\//), text: "hello flytekit" });
  });

  it("reads a FAILED sync resource as FAILED with flytekit's message", async () => {
    const run = await driver.run(echoTask, { text: "fail" }, echoCustom);
    expect(run.error).toBeUndefined();
    expect(run.phase).toBe("FAILED");
    expect(run.message).toBe("py_echo refuses to echo 'fail'");
    expect(run.outputs).toBeUndefined();
  });

  it("aborts a running async task: DeleteTask reaches the Python connector, and again idempotently", async () => {
    const controller = new AbortController();
    const aborting = createFlyteDriver({
      url: baseUrl,
      pollIntervalMs: 20,
      onEvent: (event) => {
        if (event.phase === "RUNNING") controller.abort();
      },
    });
    const run = await aborting.run(sleepTask, { n: 1, polls: 1_000_000, name: "doomed" }, { signal: controller.signal });
    expect(run.phase).toBe("ABORTED");
    expect(run.endedBy).toBe("signal");
    expect(run.error, run.error?.message).toBeUndefined();
    expect(run.events.map((e) => e.phase)).toEqual(["QUEUED", "RUNNING", "ABORTED"]);
    const jobId = String(decodeMeta(run.launched!.resourceMeta).job_id);
    expect(readState("deletions.log").split("\n").filter(Boolean)).toContain(jobId);

    // flytekit's connector now reports it ABORTED, which our decoder reads as such.
    const after = await aborting.getTask(run.launched!);
    expect(after).toMatchObject({ phase: "ABORTED", message: "deleted" });

    // Propeller retries aborts: a second DeleteTask must be accepted.
    await aborting.deleteTask(run.launched!);
    expect(readState("deletions.log").split("\n").filter((l) => l === jobId)).toHaveLength(2);
  });

  it("turns flytekit's NOT_FOUND for an unknown task type into Propeller's retryable failure", async () => {
    const run = await driver.run(defineTask({ taskType: "py_missing", inputs: { x: types.integer() } }), { x: 1 });
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.error?.code).toBe(Code.NotFound);
    expect(run.message).toContain("failed to create task from connector with rpc error: code = NotFound");
    expect(run.message).toContain("py_missing");
  });
});

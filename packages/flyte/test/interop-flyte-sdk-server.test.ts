// Interop with flyte-sdk's own connector server (the PyPI `flyte` package, Flyte 2): test/interop/
// flyte_sdk_connector.py defines a connector with flyte-sdk's connector API, flyte-sdk's server serves it, and
// our Flyte2Driver drives it over real gRPC as Flyte 2's executor would. This pins down the client half of
// our Flyte 2 support (the driver, named-literal inputs and outputs, the connection, the routing) against the
// reference implementation, including the literal types flyte-sdk infers for outputs.
//
// Needs the Python venv (`npm test` creates it when missing). Set AGENTWIRE_SKIP_PYTHON=1 to skip on a machine
// without Python; a missing venv otherwise fails the suite on purpose.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pythonSkipReason, pythonSuiteName, startFlyteSdkConnector, type FlytekitConnector } from "@agentwire/test-support";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentwireError, defineTask, types } from "../src/index.js";
import { createFlyte2Driver, HealthCheckResponse_ServingStatus, TaskExecution_Phase, type Flyte2Driver } from "../src/testing/index.js";

const skipPython = pythonSkipReason() !== undefined;
const secret = "sdk-secret-4b9e1f";

const job = defineTask({
  taskType: "py2_job",
  inputs: { n: types.integer(), polls: types.integer(), name: types.string() },
  // What flyte-sdk infers from `outputs_for`'s Python values: int, str, float, bool.
  outputs: { doubled: types.integer(), greeting: types.string(), quarter: types.float(), even: types.boolean() },
});

describe.skipIf(skipPython)(pythonSuiteName("Flyte2Driver against flyte-sdk's connector server"), () => {
  let server: FlytekitConnector | undefined;
  let driver: Flyte2Driver;
  const state = (name: string) => JSON.parse(readFileSync(join(server!.stateDir, name), "utf8")) as Record<string, unknown>;
  const jobIdOf = (meta: Uint8Array) => (JSON.parse(new TextDecoder().decode(meta)) as { job_id: string }).job_id;

  beforeAll(async () => {
    server = await startFlyteSdkConnector({ AGENTWIRE_INTEROP_EXPECTED_SECRET: secret });
    driver = createFlyte2Driver({ url: server.url, pollIntervalMs: 20, project: "analytics", domain: "staging" });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("ListConnectors routes py2_job v0 to flyte-sdk's connector, and gRPC health says SERVING", async () => {
    const registry = await driver.refreshConnectors();
    expect([...registry].map(([name, versions]) => [name, [...versions]])).toEqual([["py2_job", [0]]]);
    const { connectors } = await driver.clients.metadata.listConnectors({});
    expect(connectors.map((c) => c.name)).toEqual(["Python Flyte 2 Job Connector"]);
    const health = await driver.clients.health.check({ service: "" });
    expect(health.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("runs a task to SUCCEEDED: our named-literal inputs decoded by flyte-sdk, its inferred outputs decoded by ours", async () => {
    const run = await driver.run(job, { n: 5, polls: 2, name: "ada" });
    expect(run.phase, run.message).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ doubled: 10, greeting: "hello ada", quarter: 1.25, even: false });
    expect(run.events.map((e) => e.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    const created = state(`${jobIdOf(run.launched!.resourceMeta)}.create.json`);
    // flyte-sdk decoded our inputs by the template's interface; the execution metadata carries the project and domain.
    expect(created).toMatchObject({ inputs: { n: 5, polls: 2, name: "ada" }, execution: { project: "analytics", domain: "staging" } });
  });

  it("the connection's secrets and configs reach create, get and delete as flyte-sdk's keyword arguments", async () => {
    const connection = { secrets: { api_token: secret }, configs: { region: "eu-west-1" } };
    const launched = await driver.launch(job, { n: 1, polls: 1000, name: "long" }, { connection });
    const id = jobIdOf(launched.resourceMeta);
    const resource = await driver.getTask(launched);
    expect(resource.phase).toBe("RUNNING");
    await driver.deleteTask(launched);
    for (const call of ["create", "get", "delete"]) {
      expect(state(`${id}.${call}.json`).kwargs, call).toEqual({ api_token: { length: secret.length, matches: true }, region: "eu-west-1" });
    }
    expect(readFileSync(join(server!.stateDir, "deletions.log"), "utf8").split("\n")).toContain(id);
    expect((await driver.getTask(launched)).phase).toBe("ABORTED");
  });

  it("a FAILED task's message, and log links, come back as flyte-sdk sent them", async () => {
    const run = await driver.run(job, { n: 1, polls: 0, name: "fail" });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toMatch(/^job [0-9a-f]{32} failed: name was 'fail'$/);
    const raw = await driver.getTaskResource(run.launched!);
    expect(raw?.phase).toBe(TaskExecution_Phase.FAILED);
    expect(raw?.logLinks.map((l) => l.uri)).toEqual([`https://console.example/jobs/${jobIdOf(run.launched!.resourceMeta)}`]);
  });

  it("aborting a run sends DeleteTask: flyte-sdk's connector records it and answers ABORTED", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const d = createFlyte2Driver({ url: server!.url, pollIntervalMs: 20, onEvent: (e) => (e.phase === "RUNNING" && controller.abort(), seen.push(e.phase)) });
    const run = await d.run(job, { n: 2, polls: 1000, name: "stop me" }, { signal: controller.signal });
    expect(run.phase).toBe("ABORTED");
    expect(run.endedBy).toBe("signal");
    expect(run.error).toBeUndefined();
    expect(readFileSync(join(server!.stateDir, "deletions.log"), "utf8").split("\n")).toContain(jobIdOf(run.launched!.resourceMeta));
    expect(seen).toContain("RUNNING");
  });

  it("bad input: a task type no connector lists is refused before any call, naming what ListConnectors lists", async () => {
    const err = await driver.run(defineTask({ taskType: "nope" }), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentwireError);
    expect((err as AgentwireError).message).toBe(
      "no connector lists nope v0 for analytics/staging (ListConnectors lists py2_job v0); Flyte 2's executor fails such a task when no default connector is configured",
    );
  });

  it("bad input: a missing input is flyte-sdk's INTERNAL refusal, which the driver reports as a retryable failure", async () => {
    const partial = defineTask({ taskType: "py2_job", inputs: { n: types.integer() } });
    const run = await driver.run(partial, { n: 1 });
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.error?.code).toBe(Code.Internal);
    expect(run.message).toContain("missing input 'polls'");
  });
});

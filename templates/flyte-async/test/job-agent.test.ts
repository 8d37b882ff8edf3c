// The agent driven as FlytePropeller drives it (CreateTask, GetTask until terminal, DeleteTask on abort),
// in process through @agentwire/flyte/testing, against the real dev job API on a free loopback port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, defineTask, types } from "@agentwire/flyte";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobApi, type DevJobApi } from "../scripts/dev-job-api.mjs";
import { JobAgent, jobTask } from "../src/job-agent.js";
import { JobApi } from "../src/job-api.js";

let api: DevJobApi;
beforeAll(async () => {
  api = await startJobApi({ port: 0 });
});
afterAll(async () => {
  await api.close();
});

// pollIntervalMs: Propeller polls every 30 s; a test does not want to wait that long.
const driverFor = (url: string) => createFlyteDriver({ agents: [new JobAgent(new JobApi(url))], pollIntervalMs: 10 });

describe("JobAgent", () => {
  it("submits a job, polls it and returns typed outputs", async () => {
    const run = await driverFor(api.url).run(jobTask, { text: "one two three\nfour", seconds: 0 });
    expect(run.mode).toBe("async");
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ words: 4, lines: 2 }); // typed { words: number | bigint; lines: number | bigint }
  });

  it("reports a job that failed upstream as FAILED with its message", async () => {
    const run = await driverFor(api.url).run(jobTask, { text: "   ", seconds: 0 });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toMatch(/^job [\w-]+ failed: the text is empty: there is nothing to count$/);
    expect(run.outputs).toBeUndefined();
  });

  it("cancels the job when the execution is aborted, and delete stays idempotent", async () => {
    const driver = driverFor(api.url);
    const launched = await driver.launch(jobTask, { text: "a long job", seconds: 3600 });
    expect((await driver.getTask(launched)).phase).toBe("RUNNING");
    await driver.deleteTask(launched);
    expect((await driver.getTask(launched)).phase).toBe("ABORTED");
    const jobId = (JSON.parse(new TextDecoder().decode(launched.resourceMeta)) as { jobId: string }).jobId;
    expect(api.jobs.get(jobId)?.cancelled).toBe(true);
    await driver.deleteTask(launched); // Propeller may send it again
    expect((await driver.getTask(launched)).phase).toBe("ABORTED");
  });

  it("aborts through the run's signal, as a user aborting the execution", async () => {
    const controller = new AbortController();
    const driver = createFlyteDriver({
      agents: [new JobAgent(new JobApi(api.url))],
      pollIntervalMs: 10,
      onEvent: (event) => event.phase === "RUNNING" && controller.abort(),
    });
    const run = await driver.run(jobTask, { text: "never finishes", seconds: 3600 }, { signal: controller.signal });
    expect(run.phase).toBe("ABORTED");
  });

  it("refuses an input of the wrong type before anything is submitted", async () => {
    // A workflow whose task declares `text` as an integer: the template Propeller sends says so.
    const misdeclared = defineTask({ taskType: jobTask.taskType, inputs: { text: types.integer() } });
    const before = api.jobs.size;
    const run = await driverFor(api.url).run(misdeclared, { text: 7 });
    expect(run.phase).toBe("RETRYABLE_FAILED"); // what Propeller makes of any CreateTask error
    expect(run.error?.code).toBe(Code.InvalidArgument);
    expect(run.error?.rawMessage).toContain('input "text"');
    expect(api.jobs.size).toBe(before);
  });

  it("passes on the job API's refusal of a job", async () => {
    const run = await driverFor(api.url).run(jobTask, { text: "x", seconds: -1 });
    expect(run.phase).toBe("RETRYABLE_FAILED"); // a CreateTask error: Propeller retries the attempt
    expect(run.error?.code).toBe(Code.FailedPrecondition); // a TaskFailure thrown from create
    expect(run.message).toContain("the job API refused the job: seconds must be a number ≥ 0");
  });

  it("refuses a forged resource_meta with INVALID_ARGUMENT", async () => {
    const driver = driverFor(api.url);
    const launched = await driver.launch(jobTask, { text: "x", seconds: 0 });
    const forged = { ...launched, resourceMeta: new TextEncoder().encode(JSON.stringify({ jobId: "../admin" })) };
    await expect(driver.getTask(forged)).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("names JOB_API_URL when the job API is down", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const run = await driverFor(`http://127.0.0.1:${port}`).run(jobTask, { text: "x", seconds: 0 });
    expect(run.phase).toBe("RETRYABLE_FAILED"); // Propeller retries the attempt
    expect(run.error?.code).toBe(Code.Unavailable);
    expect(run.message).toContain("JOB_API_URL");
  });

  it("explains a missing JOB_API_URL", () => {
    expect(() => JobApi.fromEnv({})).toThrow(/JOB_API_URL is not set/);
  });
});

// test/shell-agent.test.ts
// packages/flyte/README.md shows this file as written; guide-sync.test.ts keeps the two identical.
import { expect, it } from "vitest";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { ShellAgent, shellTask, type JobRunner } from "../src/shell-agent.js";

const fakeJobs: JobRunner = {
  start: async () => "job-1",
  state: async () => ({ done: true, exitCode: 0 }),
  kill: async () => {},
};

it("runs a script to SUCCEEDED", async () => {
  const driver = createFlyteDriver({ agents: [new ShellAgent(fakeJobs)], pollIntervalMs: 5 });
  const run = await driver.run(shellTask, { script: "echo hi" }); // inputs and outputs typed by shellTask
  expect(run.phase).toBe("SUCCEEDED");
  expect(run.outputs).toEqual({ exit_code: 0 });
});

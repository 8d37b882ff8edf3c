// The example as deployed: `node dist/main.js` in its own process, restarted and stopped with signals.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort } from "@agentwire/test-support";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { afterEach, describe, expect, it } from "vitest";
import { batchJobTask, httpRequestTask } from "../src/index.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the example server and resolves once it logged that it serves. */
async function startServer(jobsDir: string): Promise<{
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
  logged: (text: string) => Promise<unknown>;
}> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), BATCH_JOBS_DIR: jobsDir, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const { stderr, waitFor } = captureOutput(child);
  const logged = (text: string) => waitFor(JSON.stringify(text), () => stderr().includes(text));
  await logged('"msg":"serving ');
  return { child, url: `http://127.0.0.1:${port}`, exited, stderr, logged };
}

describe("examples/flyte-agents deployed", () => {
  it("finishes a job started before a restart, answered by the new server from resource_meta", async () => {
    const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-restart-"));
    // The job runs until the test creates this file: it is still running across the restart, whatever the timing.
    const release = join(jobsDir, "release");
    const first = await startServer(jobsDir);
    const before = createFlyteDriver({ url: first.url, pollIntervalMs: 50 });
    const launched = await before.launch(batchJobTask, { script: `while [ ! -e '${release}' ]; do sleep 0.02; done; echo survived the restart` });
    expect((await before.getTask(launched)).phase).toBe("RUNNING");

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain("shutdown complete");

    const second = await startServer(jobsDir);
    const after = createFlyteDriver({ url: second.url, pollIntervalMs: 50 });
    expect((await after.getTask(launched)).phase).toBe("RUNNING");
    writeFileSync(release, "");
    const run = await after.poll(launched);
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ exit_code: 0, stdout: "survived the restart\n" });
  });

  it("finishes an in-flight call on SIGTERM, then exits 0", async () => {
    // The upstream answers only once the agent server has begun shutting down, so the call is in flight then.
    let arrived!: (res: ServerResponse) => void;
    const request = new Promise<ServerResponse>((resolve) => (arrived = resolve));
    const slow = createServer((_req, res) => arrived(res));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    try {
      const server = await startServer(mkdtempSync(join(tmpdir(), "agentwire-sigterm-")));
      const driver = createFlyteDriver({ url: server.url });
      const inFlight = driver.run(httpRequestTask, { body: "" }, { custom: { url, method: "GET" } });
      const response = await request;
      server.child.kill("SIGTERM");
      await server.logged("shutting down: finishing in-flight calls");
      response.end("late but complete");
      const run = await inFlight;
      expect(run.phase).toBe("SUCCEEDED");
      expect(run.outputs).toEqual({ status_code: 200, body: "late but complete" });
      expect(await server.exited).toBe(0);
    } finally {
      slow.close();
    }
  });
});

// The example as deployed: `node dist/main.js` in its own process, restarted and stopped with signals.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort } from "@agentwire/test-support";
import { types } from "@agentwire/flyte";
import { createNetworkTransport, PropellerDriver } from "@agentwire/flyte/testing";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the example server and resolves once it logged that it serves. */
async function startServer(jobsDir: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; stderr: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), BATCH_JOBS_DIR: jobsDir, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const { stderr, waitFor } = captureOutput(child);
  await waitFor("serving", () => stderr().includes('"msg":"serving '));
  return { child, url: `http://127.0.0.1:${port}`, exited, stderr };
}

const batch = { type: "batch_job", inputs: { script: types.string() }, outputs: { exit_code: types.integer(), stdout: types.string() } };

describe("examples/flyte-agents deployed", () => {
  it("finishes a job started before a restart, answered by the new server from resource_meta", async () => {
    const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-restart-"));
    const first = await startServer(jobsDir);
    const before = new PropellerDriver(createNetworkTransport(first.url), { pollIntervalMs: 50 });
    const launched = await before.launch(batch, { script: "sleep 1; echo survived the restart" });
    expect((await before.getTask(launched)).phase).toBe("RUNNING");

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain("shutdown complete");

    const second = await startServer(jobsDir);
    const after = new PropellerDriver(createNetworkTransport(second.url), { pollIntervalMs: 50 });
    const run = await after.poll(launched);
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ exit_code: 0, stdout: "survived the restart\n" });
  });

  it("finishes an in-flight call on SIGTERM, then exits 0", async () => {
    const slow = createServer((_req, res) => setTimeout(() => res.end("late but complete"), 700));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    try {
      const server = await startServer(mkdtempSync(join(tmpdir(), "agentwire-sigterm-")));
      const driver = new PropellerDriver(createNetworkTransport(server.url));
      await driver.refreshAgents();
      const inFlight = driver.run(
        { type: "http_request", inputs: { body: types.string() }, outputs: { status_code: types.integer(), body: types.string() }, custom: { url, method: "GET" } },
        { body: "" },
      );
      await new Promise((r) => setTimeout(r, 200));
      server.child.kill("SIGTERM");
      const run = await inFlight;
      expect(run.phase).toBe("SUCCEEDED");
      expect(run.outputs).toEqual({ status_code: 200, body: "late but complete" });
      expect(await server.exited).toBe(0);
    } finally {
      slow.close();
    }
  });
});

// The process-wide side of the lifecycle, in a real child process: SIGTERM drains every server of the
// process before it exits, and a second SIGTERM exits at once.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { captureOutput } from "@agentwire/test-support";

const fixture = fileURLToPath(new URL("./fixtures/two-servers.mjs", import.meta.url));

async function startChild() {
  const child = spawn(process.execPath, [fixture], { stdio: ["ignore", "pipe", "pipe"] });
  const output = captureOutput(child);
  const port = Number(await output.firstLine());
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  // A call the slow server holds: in flight when the signal comes.
  const answer = fetch(`http://127.0.0.1:${port}/`).then(
    (res) => res.text(),
    (err: unknown) => `failed: ${String(err)}`,
  );
  await output.waitFor("the slow call to arrive", () => output.stderr().includes("slow call received"));
  return { child, output, answer, exited };
}

describe("shutdown signals", () => {
  it("drain every server of the process before exiting: the quick one closing first does not cut the slow one's call", async () => {
    const { child, output, answer, exited } = await startChild();
    child.kill("SIGTERM");
    await output.waitFor("the drain to begin", () => output.stderr().includes("shutting down"));
    child.kill("SIGUSR2"); // the slow call answers now, during the drain
    expect(await answer).toBe("done");
    expect(await exited).toEqual([0, null]);
    expect(output.stderr().match(/shutdown complete/g)).toHaveLength(2);
  });

  it("exit at once, with code 1, on a second signal while draining", async () => {
    const { child, output, answer, exited } = await startChild();
    child.kill("SIGTERM");
    await output.waitFor("the drain to begin", () => output.stderr().includes("shutting down"));
    child.kill("SIGTERM");
    expect(await exited).toEqual([1, null]);
    expect(output.stderr()).toContain("second signal: exiting without waiting for in-flight calls");
    expect(await answer).toMatch(/^failed/);
  });
});

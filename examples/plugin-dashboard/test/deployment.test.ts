// The example as deployed: `node dist/main.js` in its own process, called over gRPC, with the chat relayed
// to a fake PlatformHost found from PLATFORM_HOST_ADDR in its environment (the way a local plugin gets it).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { captureOutput, freePort } from "@agentwire/test-support";
import { createFakePlatformHost, createPluginDriver, type FakePlatformHost } from "@agentwire/agentplatform/testing";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];
let host: FakePlatformHost | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await host?.close();
  host = undefined;
});

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; stderr: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: String(port), LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const { stderr, waitFor } = captureOutput(child);
  await waitFor("serving", () => stderr().includes('"msg":"serving plugin'));
  return { child, url: `http://127.0.0.1:${port}`, exited, stderr };
}

describe("examples/plugin-dashboard deployed", () => {
  it("serves the view, keeps tasks in TASKS_DIR across a restart, relays the chat and exits 0 on SIGTERM", async () => {
    host = await createFakePlatformHost();
    const tasksDir = mkdtempSync(join(tmpdir(), "dashboard-deploy-"));
    const env = { TASKS_DIR: tasksDir, PLATFORM_HOST_ADDR: host.address };
    const first = await startServer(env);
    const driver = createPluginDriver({ url: first.url });
    const created = await driver.route({ method: "POST", path: "/api/v1/workspaces/ws-d/views/dashboard/api/tasks", json: { title: "survive a restart" } });
    expect(created.status).toBe(201);

    const stream = driver.openStream({ workspace_id: "ws-d", user_id: "u-1" });
    stream.send("hello from the browser");
    expect(await stream.nextJson()).toEqual({ type: "content", agent: "assistant", content: "You said: hello from the browser" });
    expect(await stream.nextJson()).toEqual({ type: "finish", agent: "assistant" });
    stream.end();
    expect(await stream.rest()).toEqual([]);
    expect(host.calls).toEqual([{ workspaceId: "ws-d", input: "hello from the browser", history: [], state: "completed" }]);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    const again = createPluginDriver({ url: second.url });
    const listed = await again.route({ method: "GET", path: "/api/v1/workspaces/ws-d/views/dashboard/api/tasks" });
    expect(listed.json()).toMatchObject({ tasks: [{ id: "1", title: "survive a restart" }], counts: { total: 1 } });
    expect(await again.renderView({ viewName: "tasks", workspaceId: "ws-d" })).toContain('content = "☐ survive a restart"');
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});

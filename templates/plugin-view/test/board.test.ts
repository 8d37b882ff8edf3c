// The plugin tested through the in-process driver (no port), with its data file in a fresh temporary folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Code } from "@agentwire/agentplatform";
import { Capability, createPluginDriver } from "@agentwire/agentplatform/testing";
import { createBoardPlugin } from "../src/board-views.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "board-test-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A driver registered with the board's data file in the test's folder. */
async function connect() {
  const driver = createPluginDriver({ plugin: createBoardPlugin() });
  await driver.register({ config: { data_file: join(dir, "board.json"), title: "Ops board" } });
  return driver;
}

/** The path the platform sends: the plugin's routes under the workspace's view prefix. */
const inWorkspace = (workspace: string, path: string) => `/api/v1/workspaces/${workspace}/views/example-board${path}`;

describe("example-board", () => {
  it("registers as a view provider with one board view", async () => {
    const driver = createPluginDriver({ plugin: createBoardPlugin() });
    const res = await driver.register({ config: { data_file: join(dir, "board.json") } });
    expect(res.capabilities).toEqual([Capability.VIEW_PROVIDER]);
    const [view] = await driver.listViews();
    expect(view).toMatchObject({ name: "board", label: "Board", scope: "workspace" });
  });

  it("adds, moves and removes tasks, kept per workspace in the JSON file", async () => {
    const driver = await connect();
    const created = await driver.route({ method: "POST", path: inWorkspace("ws-1", "/api/tasks"), json: { text: "Renew the TLS certificate" } });
    expect(created.status).toBe(201);
    const task = created.json<{ id: string; text: string; status: string }>();
    expect(task).toMatchObject({ text: "Renew the TLS certificate", status: "todo" });

    const moved = await driver.route({ method: "PATCH", path: inWorkspace("ws-1", `/api/tasks/${task.id}`), json: { status: "doing" } });
    expect(moved.status).toBe(200);
    expect(moved.json()).toMatchObject({ id: task.id, status: "doing" });

    // Another workspace has its own board.
    expect((await driver.route({ method: "GET", path: inWorkspace("ws-2", "/api/tasks") })).json()).toMatchObject({ workspace: "ws-2", tasks: [] });
    expect((await driver.route({ method: "GET", path: inWorkspace("ws-1", "/api/tasks") })).json()).toMatchObject({
      workspace: "ws-1",
      tasks: [{ id: task.id, status: "doing" }],
      counts: { todo: 0, doing: 1, done: 0 },
    });
    // The file is the store: a new plugin reading it sees the task.
    expect(JSON.parse(readFileSync(join(dir, "board.json"), "utf8"))).toMatchObject({ workspaces: { "ws-1": [{ id: task.id }] } });

    expect((await driver.route({ method: "DELETE", path: inWorkspace("ws-1", `/api/tasks/${task.id}`) })).status).toBe(204);
    expect((await driver.route({ method: "DELETE", path: inWorkspace("ws-1", `/api/tasks/${task.id}`) })).status).toBe(404);
  });

  it("accepts the form's urlencoded post", async () => {
    const driver = await connect();
    const res = await driver.route({
      method: "POST",
      path: inWorkspace("ws-1", "/api/tasks"),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new TextEncoder().encode("text=Water+the+plants&status=done"),
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ text: "Water the plants", status: "done" });
  });

  it("renders the board: heading, counts, the form posting to its route, a section per column", async () => {
    const driver = await connect();
    await driver.route({ method: "POST", path: inWorkspace("ws-1", "/api/tasks"), json: { text: "Write the release notes", status: "doing" } });
    const hcl = await driver.renderView({ viewName: "board", workspaceId: "ws-1" });
    expect(hcl).toContain('content = "Ops board"');
    expect(hcl).toContain('action       = "/api/v1/workspaces/ws-1/views/example-board/api/tasks"');
    expect(hcl).toContain('component "column-doing"');
    expect(hcl).toContain('content = "Write the release notes"');
  });

  it("refuses bad input: not JSON (400), a missing text or an unknown column (422), an unknown task (404)", async () => {
    const driver = await connect();
    const path = inWorkspace("ws-1", "/api/tasks");
    const notJson = await driver.route({ method: "POST", path, body: new TextEncoder().encode("text: hi") });
    expect(notJson.status).toBe(400);
    const invalid = await driver.route({ method: "POST", path, json: { text: " ", status: "someday" } });
    expect(invalid.status).toBe(422);
    expect(invalid.json()).toEqual({ error: "validation failed", fields: { text: "required", status: "must be one of todo, doing, done" } });
    const missing = await driver.route({ method: "PATCH", path: `${path}/nope`, json: { status: "done" } });
    expect(missing.status).toBe(404);
    expect((await driver.route({ method: "PUT", path: `${path}/nope`, json: {} })).status).toBe(405);
  });

  it("fails clearly when the data file is damaged: Register refused, routes answered 503 naming the file", async () => {
    const file = join(dir, "board.json");
    const driver = await connect();
    writeFileSync(file, "{ not json");
    const res = await driver.route({ method: "GET", path: inWorkspace("ws-1", "/api/tasks") });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ error: expect.stringContaining(`the board's data file ${file} is damaged`) as unknown });
    await expect(createPluginDriver({ plugin: createBoardPlugin() }).register({ config: { data_file: file } })).rejects.toMatchObject({
      code: Code.Unavailable,
    });
  });
});

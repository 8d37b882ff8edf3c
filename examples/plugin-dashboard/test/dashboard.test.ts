// The dashboard plugin in-process: its routes, what it renders, and its chat relayed to a fake PlatformHost.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Capability, createPlatformHostClient } from "@agentwire/agentplatform";
import { createFakePlatformHost, createPluginDriver, type FakePlatformHost } from "@agentwire/agentplatform/testing";
import { createDashboardPlugin, type DashboardOptions } from "../src/index.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const prefix = "/api/v1/workspaces/ws-1/views/dashboard";

function dashboard(options: DashboardOptions = {}) {
  const plugin = createDashboardPlugin(options);
  const driver = createPluginDriver({ plugin });
  const views = driver.clients.views;
  const call = async (method: string, path: string, body?: string | object, headers: Record<string, string> = {}) => {
    const res = await views.handleRoute({
      method,
      path: path.startsWith("/api/v1/") ? path : `${prefix}${path}`,
      body: body === undefined ? new Uint8Array() : encoder.encode(typeof body === "string" ? body : JSON.stringify(body)),
      headers: { "content-type": "application/json", ...headers },
    });
    const text = decoder.decode(res.body);
    return { status: res.statusCode, headers: res.headers, json: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
  const render = async (workspaceId = "ws-1") => (await views.renderView({ viewName: "tasks", workspaceId })).componentHcl;
  return { plugin, driver, views, call, render };
}

describe("the tasks routes", () => {
  it("lists, creates (201), updates and deletes tasks", async () => {
    const { call } = dashboard();
    expect(await call("GET", "/api/tasks")).toMatchObject({ status: 200, json: { tasks: [], counts: { total: 0, open: 0, done: 0 } } });
    const created = await call("POST", "/api/tasks", { title: " Buy milk " });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: "1", title: "Buy milk", done: false, createdAt: expect.any(String) as unknown });
    await call("POST", "/api/tasks", { title: "Walk the dog" });
    expect(await call("PUT", "/api/tasks/1", { done: true })).toMatchObject({ status: 200, json: { id: "1", done: true } });
    expect(await call("PUT", "/api/tasks/2", { title: "Walk the cat" })).toMatchObject({ status: 200, json: { title: "Walk the cat", done: false } });
    expect((await call("GET", "/api/tasks")).json).toMatchObject({ counts: { total: 2, open: 1, done: 1 } });
    expect(await call("DELETE", "/api/tasks/1")).toEqual({ status: 204, headers: {}, json: undefined });
    expect(await call("DELETE", "/api/tasks/1")).toMatchObject({ status: 404, json: { error: 'no task "1" in this workspace' } });
    expect((await call("POST", "/api/tasks", { title: "ids are not reused" })).json).toMatchObject({ id: "3" });
  });

  it("accepts a form post too", async () => {
    const { call } = dashboard();
    expect(await call("POST", "/api/tasks", "title=From+a+form", { "content-type": "application/x-www-form-urlencoded" })).toMatchObject({
      status: 201,
      json: { title: "From a form" },
    });
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    const { call } = dashboard();
    const notJson = await call("POST", "/api/tasks", "title: Buy milk");
    expect(notJson.status).toBe(400);
    expect(notJson.json?.error).toMatch(/^request body is not JSON: /);
    expect(await call("POST", "/api/tasks")).toMatchObject({ status: 400, json: { error: "request body is empty: POST /api/tasks expects a JSON body" } });
    expect(await call("POST", "/api/tasks", ["Buy milk"])).toMatchObject({ status: 400, json: { error: 'the body must be a JSON object, e.g. {"title": "Buy milk"}' } });
  });

  it("answers 422 naming the field for a missing, empty, non-string or too long title, or a bad done", async () => {
    const { call } = dashboard();
    const cases: [object, Record<string, string>][] = [
      [{}, { title: "required" }],
      [{ title: "   " }, { title: "required" }],
      [{ title: 3 }, { title: "must be a string" }],
      [{ title: "x".repeat(201) }, { title: "at most 200 characters" }],
    ];
    for (const [body, fields] of cases) {
      expect(await call("POST", "/api/tasks", body)).toEqual({
        status: 422,
        headers: { "content-type": "application/json; charset=utf-8" },
        json: { error: "validation failed", fields },
      });
    }
    await call("POST", "/api/tasks", { title: "t" });
    expect(await call("PUT", "/api/tasks/1", { title: "", done: "maybe" })).toMatchObject({ status: 422, json: { fields: { title: "required", done: "must be true or false" } } });
    expect((await call("GET", "/api/tasks")).json).toMatchObject({ tasks: [{ title: "t", done: false }] });
  });

  it("answers 404 for unknown routes and tasks, and 405 for a method a route does not take", async () => {
    const { call } = dashboard();
    expect(await call("GET", "/api/projects")).toMatchObject({
      status: 404,
      json: { error: "no route matches GET /api/projects", routes: ["GET /api/tasks", "POST /api/tasks", "PUT /api/tasks/:id", "DELETE /api/tasks/:id"] },
    });
    expect(await call("PUT", "/api/tasks/42", { done: true })).toMatchObject({ status: 404, json: { error: 'no task "42" in this workspace' } });
    expect(await call("DELETE", "/api/tasks")).toMatchObject({ status: 405, headers: { allow: "GET, POST" } });
  });

  it("keeps tasks per workspace", async () => {
    const { call } = dashboard();
    await call("POST", "/api/v1/workspaces/a/views/dashboard/api/tasks", { title: "in a" });
    expect((await call("GET", "/api/v1/workspaces/b/views/dashboard/api/tasks")).json).toMatchObject({ tasks: [] });
    expect((await call("GET", "/api/v1/workspaces/a/views/dashboard/api/tasks")).json).toMatchObject({ tasks: [{ title: "in a" }] });
  });

  it("keeps tasks in a JSON file per workspace when given a directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dashboard-tasks-"));
    const first = dashboard({ tasksDir: dir });
    await Promise.all(["one", "two", "three"].map((title) => first.call("POST", "/api/tasks", { title })));
    await first.call("PUT", "/api/tasks/2", { done: true });
    const saved = JSON.parse(readFileSync(join(dir, "ws-1.json"), "utf8")) as { nextId: number; tasks: { title: string }[] };
    expect(saved.nextId).toBe(4);
    expect(saved.tasks.map((t) => t.title).sort()).toEqual(["one", "three", "two"]);
    const second = dashboard({ tasksDir: dir });
    expect((await second.call("GET", "/api/tasks")).json).toMatchObject({ counts: { total: 3, open: 2, done: 1 } });
  });
});

describe("the tasks view", () => {
  it("is listed as a workspace view with its routes, and Register reports VIEW_PROVIDER", async () => {
    const { views, driver } = dashboard();
    const listed = await views.listViews({});
    expect(listed.views.map((v) => [v.name, v.label, v.icon, v.scope, v.routes.map((r) => `${r.method} ${r.path}`)])).toEqual([
      ["tasks", "Tasks", "calendar", "workspace", ["GET /api/tasks", "POST /api/tasks", "PUT /api/tasks/:id", "DELETE /api/tasks/:id"]],
    ]);
    expect((await driver.register()).capabilities).toEqual([Capability.VIEW_PROVIDER]);
  });

  it("renders the form, the counts and the tasks created", async () => {
    const { call, render } = dashboard();
    const empty = await render();
    expect(empty).toContain(['  stat "total" {', '    label = "Total"', "    value = 0"].join("\n"));
    expect(empty).toContain('content = "Nothing open."');
    expect(empty).toContain('action       = "/api/v1/workspaces/ws-1/views/dashboard/api/tasks"');
    expect(empty).toContain('stream       = "/api/v1/workspaces/ws-1/views/dashboard/stream"');
    await call("POST", "/api/tasks", { title: 'Reply to "Ada"' });
    await call("POST", "/api/tasks", { title: "Ship ${version}" });
    await call("PUT", "/api/tasks/2", { done: true });
    const hcl = await render();
    expect(hcl).toContain(['  stat "total" {', '    label = "Total"', "    value = 2"].join("\n"));
    expect(hcl).toContain(['  stat "open" {', '    label = "Open"', "    value = 1"].join("\n"));
    expect(hcl).toContain(['  stat "done" {', '    label = "Done"', "    value = 1"].join("\n"));
    expect(hcl).toContain('content = "☐ Reply to \\"Ada\\""');
    expect(hcl).toContain('content = "☑ Ship $${version}"');
    expect(await render("ws-other")).toContain("value = 0");
  });
});

describe("the chat", () => {
  let host: FakePlatformHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it("relays messages to PlatformHost.RunConversation in the stream's workspace, found from the Register env vars", async () => {
    host = await createFakePlatformHost({
      script: ({ input }) => [
        { type: "tool_call", agent: "planner", tool: "list_tasks", args: "{}" },
        { type: "content", agent: "planner", content: `About "${input}": nothing urgent.` },
        { type: "finish", agent: "planner" },
      ],
    });
    const { driver } = dashboard();
    await driver.register({ envVars: { PLATFORM_HOST_ADDR: host.address } });
    const stream = driver.openStream({ workspace_id: "ws-1", user_id: "u-1", user_email: "ada@example.com" });
    stream.send({ input: "what is due today?" });
    expect(await stream.nextJson()).toEqual({ type: "tool_call", agent: "planner", tool: "list_tasks", args: "{}" });
    expect(await stream.nextJson()).toEqual({ type: "content", agent: "planner", content: 'About "what is due today?": nothing urgent.' });
    expect(await stream.nextJson()).toEqual({ type: "finish", agent: "planner" });
    stream.end();
    expect(await stream.rest()).toEqual([]);
    expect(host.calls).toEqual([{ workspaceId: "ws-1", input: "what is due today?", history: [], state: "completed" }]);
  });

  it("sends an error frame when the platform cannot be reached", async () => {
    const { driver } = dashboard({ platformHost: createPlatformHostClient({ address: "127.0.0.1:1" }) });
    const stream = driver.openStream({ workspace_id: "ws-1" });
    stream.send("hello?");
    expect(await stream.nextJson()).toMatchObject({ type: "error", error_message: expect.stringMatching(/^PlatformHost at 127\.0\.0\.1:1 is unreachable/) as unknown });
    stream.end();
  });
});

// ViewProvider: ListViews, RenderView and HandleRoute, in-process and over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { silentLogger } from "@agentwire/core";
import {
  AgentwireError,
  Capability,
  createViewProvider,
  defineView,
  Plugin,
  respond,
  route,
  servePlugin,
  ui,
  type PluginServer,
  type ViewOptions,
} from "../src/index.js";
import { createInProcessTransport, createNetworkTransport, createPluginClients, createViewClient } from "../src/testing/index.js";

interface Task {
  id: string;
  title: string;
  done: boolean;
}

/** A small tasks plugin: what the views SDK is for. Tasks are kept per workspace. */
function tasksPlugin() {
  const plugin = new Plugin({ name: "dashboard", version: "1.0.0", manifest: { description: "Tasks", author: "Tests" } });
  const byWorkspace = new Map<string, Task[]>();
  const tasksOf = (ws: string | undefined) => {
    const key = ws ?? "default";
    let list = byWorkspace.get(key);
    if (!list) byWorkspace.set(key, (list = []));
    return list;
  };
  const tasks = defineView({
    name: "tasks",
    label: "Tasks",
    icon: "calendar",
    routes: [
      route("GET", "/api/tasks", (_req, ctx) => respond.json(200, { tasks: tasksOf(ctx.workspaceId) })),
      route("POST", "/api/tasks", async (req, ctx) => {
        const body = await req.json<{ title?: unknown }>();
        const title = typeof body === "object" && body !== null && typeof body.title === "string" ? body.title.trim() : "";
        if (title === "") return respond.invalid({ title: "required" });
        const list = tasksOf(ctx.workspaceId);
        const task = { id: String(list.length + 1), title, done: false };
        list.push(task);
        return respond.json(201, task, { location: `/api/tasks/${task.id}` });
      }),
      route("GET", "/api/tasks/:id", (req, ctx) => {
        const task = tasksOf(ctx.workspaceId).find((t) => t.id === req.params.id);
        return task ? respond.json(200, task) : respond.notFound(`no task ${JSON.stringify(req.params.id)}`);
      }),
      route("PUT", "/api/tasks/:id", async (req, ctx) => {
        const task = tasksOf(ctx.workspaceId).find((t) => t.id === req.params.id);
        if (!task) throw new AgentwireError("not_found", `no task ${JSON.stringify(req.params.id)}`);
        const body = await req.json<{ done?: boolean }>();
        task.done = body.done === true;
        return respond.json(200, task);
      }),
      route("GET", "/api/tasks/stats", (_req, ctx) => respond.json(200, { total: tasksOf(ctx.workspaceId).length })),
      route("GET", "/api/echo", (req, ctx) =>
        respond.json(200, { path: req.path, rawPath: req.rawPath, route: req.route, query: req.query, workspaceId: ctx.workspaceId ?? null, headers: req.headers }),
      ),
      route("DELETE", "/api/boom", () => {
        throw new Error("database on fire");
      }),
      route("GET", "/api/bad", () => ({ status: 42 })),
      route("GET", "/api/text", (req) => respond.text(200, `hello ${req.query.name ?? "you"}`)),
    ],
    render: (ctx) => {
      const list = tasksOf(ctx.workspaceId);
      const done = list.filter((t) => t.done).length;
      return [
        ui.text("Tasks", { style: "heading" }),
        ui.statGroup([ui.stat({ label: "Total", value: list.length }), ui.stat({ label: "Open", value: list.length - done }), ui.stat({ label: "Done", value: done })]),
        ui.form({ action: ctx.url("/api/tasks"), title: "Add a task" }, [ui.field({ name: "title", type: "text", label: "Title", required: true })]),
        ui.section({ title: "All tasks" }, list.map((t) => ui.text(t.title))),
        ui.chat({ stream: ctx.streamUrl }),
      ];
    },
  });
  const settings = defineView({ name: "settings", scope: "global", render: () => ui.text("Nothing to set") });
  plugin.addProvider(createViewProvider({ pluginName: plugin.name, views: [tasks, settings] }));
  return plugin;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function client(plugin = tasksPlugin()) {
  const views = createViewClient(createInProcessTransport(plugin));
  const call = async (method: string, path: string, body?: string | object, extra: { query?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const res = await views.handleRoute({
      method,
      path,
      body: body === undefined ? new Uint8Array() : encoder.encode(typeof body === "string" ? body : JSON.stringify(body)),
      headers: { "content-type": "application/json", ...extra.headers },
      query: extra.query ?? {},
    });
    const text = decoder.decode(res.body);
    const json = res.headers["content-type"]?.startsWith("application/json") ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  return { views, call, plugin };
}

describe("ListViews", () => {
  it("lists each view's definition and routes, with label and scope defaulted", async () => {
    const { views } = client();
    const res = await views.listViews({});
    expect(res.views.map((v) => ({ name: v.name, label: v.label, icon: v.icon, scope: v.scope, routes: v.routes.map((r) => `${r.method} ${r.path}`) }))).toEqual([
      {
        name: "tasks",
        label: "Tasks",
        icon: "calendar",
        scope: "workspace",
        routes: [
          "GET /api/tasks",
          "POST /api/tasks",
          "GET /api/tasks/:id",
          "PUT /api/tasks/:id",
          "GET /api/tasks/stats",
          "GET /api/echo",
          "DELETE /api/boom",
          "GET /api/bad",
          "GET /api/text",
        ],
      },
      { name: "settings", label: "settings", icon: "", scope: "global", routes: [] },
    ]);
  });

  it("makes Register report VIEW_PROVIDER", async () => {
    const { plugin } = client();
    const res = await createPluginClients(createInProcessTransport(plugin)).plugin.register({});
    expect(res.capabilities).toEqual([Capability.VIEW_PROVIDER]);
  });
});

describe("HandleRoute", () => {
  it("answers GET and POST, 201 with the created task, and JSON content types", async () => {
    const { call } = client();
    expect(await call("GET", "/api/tasks")).toMatchObject({ status: 200, json: { tasks: [] }, headers: { "content-type": "application/json; charset=utf-8" } });
    const created = await call("POST", "/api/tasks", { title: "  Buy milk " });
    expect(created).toMatchObject({ status: 201, json: { id: "1", title: "Buy milk", done: false }, headers: { location: "/api/tasks/1" } });
    expect((await call("GET", "/api/tasks")).json).toEqual({ tasks: [{ id: "1", title: "Buy milk", done: false }] });
    expect(await call("GET", "/api/tasks/1")).toMatchObject({ status: 200, json: { title: "Buy milk" } });
    expect(await call("PUT", "/api/tasks/1", { done: true })).toMatchObject({ status: 200, json: { done: true } });
  });

  it("answers 400 for a body that is not JSON, or is empty", async () => {
    const { call } = client();
    const bad = await call("POST", "/api/tasks", "title=Buy+milk");
    expect(bad.status).toBe(400);
    expect(bad.json?.error).toMatch(/^request body is not JSON: /);
    const empty = await call("POST", "/api/tasks");
    expect(empty).toMatchObject({ status: 400, json: { error: "request body is empty: POST /api/tasks expects a JSON body" } });
  });

  it("answers 422 with the field for a missing or empty title", async () => {
    const { call } = client();
    for (const body of [{}, { title: "   " }, { title: 7 }, [1]]) {
      expect(await call("POST", "/api/tasks", body)).toMatchObject({ status: 422, json: { error: "validation failed", fields: { title: "required" } } });
    }
  });

  it("answers 404 naming the routes there are, and 405 with an allow header", async () => {
    const { call } = client();
    const missing = await call("GET", "/api/nope");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: "no route matches GET /api/nope",
      routes: expect.arrayContaining(["GET /api/tasks", "POST /api/tasks", "GET /api/tasks/:id"]) as unknown,
    });
    const wrong = await call("PATCH", "/api/tasks");
    expect(wrong).toMatchObject({ status: 405, headers: { allow: "GET, POST" }, json: { error: "PATCH is not allowed on /api/tasks: use GET or POST", allowed: ["GET", "POST"] } });
    expect((await call("GET", "/api/tasks/1")).status).toBe(404);
    expect((await call("GET", "/api/tasks/1")).json).toEqual({ error: 'no task "1"' });
  });

  it("prefers literal segments over params, and decodes params", async () => {
    const { call } = client();
    expect(await call("GET", "/api/tasks/stats")).toMatchObject({ status: 200, json: { total: 0 } });
    expect((await call("GET", "/api/tasks/a%20b")).json).toEqual({ error: 'no task "a b"' });
    expect((await call("GET", "/api/tasks/")).status).toBe(200);
  });

  it("accepts the full platform path and finds the workspace in it, a query parameter or a header", async () => {
    const { call } = client();
    const full = await call("GET", "/api/v1/workspaces/ws%201/views/dashboard/api/echo?x=1&y=two", undefined, { query: { y: "2" }, headers: { "X-Trace": "t" } });
    expect(full.json).toMatchObject({
      path: "/api/echo",
      rawPath: "/api/v1/workspaces/ws%201/views/dashboard/api/echo?x=1&y=two",
      route: "/api/echo",
      query: { x: "1", y: "2" },
      workspaceId: "ws 1",
      headers: { "x-trace": "t" },
    });
    expect((await call("GET", "/api/echo", undefined, { query: { workspace_id: "ws-q" } })).json?.workspaceId).toBe("ws-q");
    expect((await call("GET", "/api/echo", undefined, { headers: { "X-Workspace-Id": "ws-h" } })).json?.workspaceId).toBe("ws-h");
    expect((await call("GET", "/api/echo")).json?.workspaceId).toBeNull();
    // Tasks are kept per workspace.
    await call("POST", "/api/v1/workspaces/ws-a/views/dashboard/api/tasks", { title: "in a" });
    expect((await call("GET", "/api/v1/workspaces/ws-a/views/dashboard/api/tasks")).json).toEqual({ tasks: [{ id: "1", title: "in a", done: false }] });
    expect((await call("GET", "/api/v1/workspaces/ws-b/views/dashboard/api/tasks")).json).toEqual({ tasks: [] });
  });

  it("answers 500 without the exception's message for a handler that throws or returns nonsense, and an AgentwireError's own status", async () => {
    const { call } = client();
    expect(await call("DELETE", "/api/boom")).toMatchObject({ status: 500, json: { error: "internal error" } });
    expect(await call("GET", "/api/bad")).toMatchObject({ status: 500, json: { error: "internal error" } });
    expect(await call("PUT", "/api/tasks/9", { done: true })).toMatchObject({ status: 404, json: { error: 'no task "9"' } });
    expect(await call("GET", "/api/text", undefined, { query: { name: "Ada" } })).toMatchObject({ status: 200, text: "hello Ada", headers: { "content-type": "text/plain; charset=utf-8" } });
  });
});

describe("RenderView", () => {
  it("renders the components as HCL, reflecting the tasks created", async () => {
    const { views, call } = client();
    await call("POST", "/api/v1/workspaces/ws-1/views/dashboard/api/tasks", { title: 'Say "hi" ${now}' });
    await call("POST", "/api/v1/workspaces/ws-1/views/dashboard/api/tasks", { title: "Walk the dog" });
    await call("PUT", "/api/v1/workspaces/ws-1/views/dashboard/api/tasks/2", { done: true });
    const { componentHcl } = await views.renderView({ viewName: "tasks", workspaceId: "ws-1" });
    expect(componentHcl).toContain(['  stat "total" {', '    label = "Total"', "    value = 2"].join("\n"));
    expect(componentHcl).toContain(['  stat "open" {', '    label = "Open"', "    value = 1"].join("\n"));
    expect(componentHcl).toContain(['  stat "done" {', '    label = "Done"', "    value = 1"].join("\n"));
    expect(componentHcl).toContain('action = "/api/v1/workspaces/ws-1/views/dashboard/api/tasks"');
    expect(componentHcl).toContain('stream = "/api/v1/workspaces/ws-1/views/dashboard/stream"');
    expect(componentHcl).toContain('content = "Say \\"hi\\" $${now}"');
    const other = await views.renderView({ viewName: "tasks", workspaceId: "ws-2" });
    expect(other.componentHcl).toContain("value = 0");
  });

  it("answers no components for a view it does not have, as upstream's example does", async () => {
    const { views } = client();
    expect((await views.renderView({ viewName: "nope", workspaceId: "ws-1" })).componentHcl).toBe("");
  });

  it("fails a render that throws with its error, and URL helpers without a plugin name with FAILED_PRECONDITION", async () => {
    const plugin = new Plugin({ name: "p", version: "1.0.0", manifest: { description: "d", author: "a" } });
    plugin.addProvider(
      createViewProvider({
        views: [
          defineView({ name: "urls", render: (ctx) => ui.form({ action: ctx.url("/x") }) }),
          defineView({
            name: "broken",
            render: () => {
              throw new AgentwireError("unavailable", "backend down");
            },
          }),
        ],
      }),
    );
    const views = createViewClient(createInProcessTransport(plugin));
    const err = await views.renderView({ viewName: "urls", workspaceId: "w" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((err as ConnectError).rawMessage).toMatch(/pass pluginName to createViewProvider/);
    const broken = (await views.renderView({ viewName: "broken" }).catch((e: unknown) => e)) as ConnectError;
    expect([broken.code, broken.rawMessage]).toEqual([Code.Unavailable, "backend down"]);
  });
});

describe("createViewProvider", () => {
  const view = (extra: Partial<ViewOptions> = {}): ViewOptions => ({ name: "v", render: () => [], ...extra });
  const ok = () => respond.empty();

  it("refuses duplicate views, bad scopes, methods and paths, and routes declared twice", () => {
    expect(() => createViewProvider({ views: [view(), view()] })).toThrow(/two views are named "v"/);
    expect(() => createViewProvider({ views: [view({ name: "" })] })).toThrow(/a view needs a name/);
    expect(() => createViewProvider({ views: [view({ scope: "team" as "global" })] })).toThrow(/scope "team" is not "workspace" or "global"/);
    expect(() => createViewProvider({ views: [view({ routes: [route("HEAD" as "GET", "/a", ok)] })] })).toThrow(/route method "HEAD" is not one of GET, POST, PUT, DELETE, PATCH/);
    expect(() => createViewProvider({ views: [view({ routes: [route("GET", "api/a", ok)] })] })).toThrow(/must start with "\/"/);
    expect(() => createViewProvider({ views: [view({ routes: [route("GET", "/a/:1x", ok)] })] })).toThrow(/":1x" is not a valid param/);
    expect(() => createViewProvider({ views: [view({ routes: [route("GET", "/a/:id/:id", ok)] })] })).toThrow(/names the param :id twice/);
    expect(() =>
      createViewProvider({ views: [view({ routes: [route("GET", "/a/:id", ok)] }), view({ name: "w", routes: [route("get" as "GET", "/a/:key", ok)] })] }),
    ).toThrow(/GET \/a\/:key \(view "w"\) and GET \/a\/:id \(view "v"\) match the same requests/);
  });
});

describe("a view plugin served on a real socket", () => {
  let server: PluginServer | undefined;
  beforeAll(async () => {
    server = await servePlugin(tasksPlugin(), { mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers ListViews, HandleRoute and RenderView over gRPC", async () => {
    const views = createViewClient(createNetworkTransport(server!.url));
    expect((await views.listViews({})).views.map((v) => v.name)).toEqual(["tasks", "settings"]);
    const created = await views.handleRoute({ method: "POST", path: "/api/v1/workspaces/ws-net/views/dashboard/api/tasks", body: encoder.encode('{"title":"over the wire"}') });
    expect([created.statusCode, JSON.parse(decoder.decode(created.body))]).toEqual([201, { id: "1", title: "over the wire", done: false }]);
    const notJson = await views.handleRoute({ method: "POST", path: "/api/tasks", body: encoder.encode("{") });
    expect(notJson.statusCode).toBe(400);
    expect((await views.handleRoute({ method: "GET", path: "/nope" })).statusCode).toBe(404);
    expect((await views.renderView({ viewName: "tasks", workspaceId: "ws-net" })).componentHcl).toContain('content = "over the wire"');
  });
});

// ViewProvider: ListViews, RenderView and HandleRoute, in-process and over a real socket.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { LosslessNumber, silentLogger } from "@agentwire/core";
import {
  AgentwireError,
  Capability,
  defineConfigSchema,
  Plugin,
  respond,
  route,
  serve,
  ui,
  ViewProvider,
  type PluginServer,
  type ViewOptions,
} from "../src/index.js";
import { createPluginDriver } from "../src/testing/index.js";
import { refusalSync, TestViews } from "./fixtures.js";

interface Task {
  id: string;
  title: string;
  done: boolean;
}

/** A small tasks plugin: what the views SDK is for. Tasks are kept per workspace. */
class TaskViews extends ViewProvider {
  private readonly byWorkspace = new Map<string, Task[]>();
  private readonly tasksOf = (ws: string | undefined) => {
    const key = ws ?? "default";
    let list = this.byWorkspace.get(key);
    if (!list) this.byWorkspace.set(key, (list = []));
    return list;
  };

  tasks = this.view({
    name: "tasks",
    label: "Tasks",
    icon: "calendar",
    routes: [
      route("GET", "/api/tasks", (_req, ctx) => respond.json(200, { tasks: this.tasksOf(ctx.workspaceId) })),
      route("POST", "/api/tasks", async (req, ctx) => {
        const body = await req.json<{ title?: unknown }>();
        const title = typeof body === "object" && body !== null && typeof body.title === "string" ? body.title.trim() : "";
        if (title === "") return respond.invalid({ title: "required" });
        const list = this.tasksOf(ctx.workspaceId);
        const task = { id: String(list.length + 1), title, done: false };
        list.push(task);
        return respond.json(201, task, { location: `/api/tasks/${task.id}` });
      }),
      route("GET", "/api/tasks/:id", (req, ctx) => {
        const task = this.tasksOf(ctx.workspaceId).find((t) => t.id === req.params.id);
        return task ? respond.json(200, task) : respond.notFound(`no task ${JSON.stringify(req.params.id)}`);
      }),
      route("PUT", "/api/tasks/:id", async (req, ctx) => {
        const task = this.tasksOf(ctx.workspaceId).find((t) => t.id === req.params.id);
        if (!task) throw new AgentwireError("not_found", `no task ${JSON.stringify(req.params.id)}`);
        const body = await req.json<{ done?: boolean }>();
        task.done = body.done === true;
        return respond.json(200, task);
      }),
      route("GET", "/api/tasks/stats", (_req, ctx) => respond.json(200, { total: this.tasksOf(ctx.workspaceId).length })),
      route("GET", "/api/echo", (req, ctx) =>
        respond.json(200, { path: req.path, rawPath: req.rawPath, route: req.route, query: req.query, workspaceId: ctx.workspaceId ?? null, headers: req.headers }),
      ),
      route("DELETE", "/api/boom", () => {
        throw new Error("database on fire");
      }),
      route("GET", "/api/bad", () => ({ status: 42 })),
      route("GET", "/api/text", (req) => respond.text(200, `hello ${req.query.name ?? "you"}`)),
      route("POST", "/api/json-echo", async (req) => respond.json(200, { got: await req.json() })),
    ],
    render: (ctx) => {
      const list = this.tasksOf(ctx.workspaceId);
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
  settings = this.view({ name: "settings", scope: "global", render: () => ui.text("Nothing to set") });
}

function tasksPlugin() {
  return new Plugin({ name: "dashboard", version: "1.0.0", manifest: { description: "Tasks", author: "Tests" }, providers: [new TaskViews()] });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function client(plugin = tasksPlugin()) {
  const driver = createPluginDriver({ plugin });
  const views = driver.clients.views;
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
  return { views, call, plugin, driver };
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
          "POST /api/json-echo",
        ],
      },
      { name: "settings", label: "settings", icon: "", scope: "global", routes: [] },
    ]);
  });

  it("makes Register report VIEW_PROVIDER", async () => {
    const { driver } = client();
    const res = await driver.register();
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

  it("reads and writes JSON bodies losslessly", async () => {
    const { driver } = client();
    const res = await driver.route({ method: "POST", path: "/api/json-echo", body: '{"id":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}' });
    expect(res.text()).toBe('{"got":{"id":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}}');
    expect(res.json()).toEqual({ got: { id: 18446744073709551615n, neg: -9007199254740993n, ratio: new LosslessNumber("1.0") } });
    const viaJson = await driver.route({ method: "POST", path: "/api/json-echo", json: { n: 2n ** 64n - 1n } });
    expect(viaJson.text()).toBe('{"got":{"n":18446744073709551615}}');
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

  it("fails a render that throws with its error; builds URLs with the plugin's name; reads the typed config", async () => {
    const configSchema = defineConfigSchema({ title: { type: "string", default: "Hello" } });
    class Pages extends ViewProvider<typeof configSchema> {
      urls = this.view({ name: "urls", render: (ctx) => ui.form({ action: ctx.url("/x"), title: ctx.config.title }) });
      broken = this.view({
        name: "broken",
        render: () => {
          throw new AgentwireError("unavailable", "backend down");
        },
      });
      typed = this.view({
        name: "typed",
        routes: [
          route("GET", "/title", (_req, { config }) => {
            expectTypeOf(config.title).toEqualTypeOf<string>();
            return respond.text(200, config.title);
          }),
        ],
        render: () => [],
      });
    }
    const plugin = new Plugin({ name: "my plugin", version: "1.0.0", manifest: { description: "d", author: "a", configSchema }, providers: [new Pages()] });
    const driver = createPluginDriver({ plugin });
    const early = (await driver.renderView({ viewName: "urls", workspaceId: "w" }).catch((e: unknown) => e)) as ConnectError;
    expect([early.code, early.rawMessage]).toEqual([Code.FailedPrecondition, 'view "urls" needs the plugin\'s config, and the platform has not called Register on plugin "my plugin"']);
    expect((await driver.route({ method: "GET", path: "/title" })).status).toBe(412);
    await driver.register({ config: { title: "Welcome" } });
    const hcl = await driver.renderView({ viewName: "urls", workspaceId: "w 1" });
    expect(hcl).toContain('action = "/api/v1/workspaces/w%201/views/my%20plugin/x"');
    expect(hcl).toContain('title  = "Welcome"');
    expect((await driver.route({ method: "GET", path: "/title" })).text()).toBe("Welcome");
    const broken = (await driver.renderView({ viewName: "broken" }).catch((e: unknown) => e)) as ConnectError;
    expect(broken).toBeInstanceOf(ConnectError);
    expect([broken.code, broken.rawMessage]).toEqual([Code.Unavailable, "backend down"]);
  });
});

describe("declaring a view", () => {
  const view = (extra: Partial<ViewOptions> = {}): ViewOptions => ({ name: "v", render: () => [], ...extra });
  const ok = () => respond.empty();
  const refused = (...views: ViewOptions[]) => {
    const provider = new TestViews();
    return refusalSync(() => {
      for (const v of views) provider.add(v);
    }).message;
  };

  it("refuses duplicate views, bad scopes, methods and paths, and routes declared twice", () => {
    expect(refused(view(), view())).toMatch(/two views are named "v"/);
    expect(refused(view({ name: "" }))).toMatch(/a view needs a name/);
    expect(refused(view({ scope: "team" as "global" }))).toMatch(/scope "team" is not "workspace" or "global"/);
    expect(refused(view({ routes: [route("HEAD" as "GET", "/a", ok)] }))).toMatch(/route method "HEAD" is not one of GET, POST, PUT, DELETE, PATCH/);
    expect(refused(view({ routes: [route("GET", "api/a", ok)] }))).toMatch(/must start with "\/"/);
    expect(refused(view({ routes: [route("GET", "/a/:1x", ok)] }))).toMatch(/":1x" is not a valid param/);
    expect(refused(view({ routes: [route("GET", "/a/:id/:id", ok)] }))).toMatch(/names the param :id twice/);
    expect(refused(view({ routes: [route("GET", "/a/:id", ok)] }), view({ name: "w", routes: [route("get" as "GET", "/a/:key", ok)] }))).toMatch(
      /GET \/a\/:key \(view "w"\) and GET \/a\/:id \(view "v"\) match the same requests/,
    );
    expect(refused(view({ render: undefined as never }))).toMatch(/view "v" needs a render function/);
  });

  it("keeps nothing of a view that was refused", () => {
    const provider = new TestViews();
    provider.add(view({ routes: [route("GET", "/a", ok)] }));
    refusalSync(() => provider.add(view({ name: "w", routes: [route("GET", "/b", ok), route("GET", "/a", ok)] })));
    expect(provider.views.map((v) => v.name)).toEqual(["v"]);
    provider.add(view({ name: "w", routes: [route("GET", "/b", ok)] }));
    expect(provider.views.map((v) => v.routes)).toEqual([[{ method: "GET", path: "/a" }], [{ method: "GET", path: "/b" }]]);
  });
});

describe("a view plugin served on a real socket", () => {
  let server: PluginServer | undefined;
  beforeAll(async () => {
    server = await serve({ plugin: tasksPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers ListViews, HandleRoute and RenderView over gRPC", async () => {
    const views = createPluginDriver({ url: server!.url }).clients.views;
    expect((await views.listViews({})).views.map((v) => v.name)).toEqual(["tasks", "settings"]);
    const created = await views.handleRoute({ method: "POST", path: "/api/v1/workspaces/ws-net/views/dashboard/api/tasks", body: encoder.encode('{"title":"over the wire"}') });
    expect([created.statusCode, JSON.parse(decoder.decode(created.body))]).toEqual([201, { id: "1", title: "over the wire", done: false }]);
    const notJson = await views.handleRoute({ method: "POST", path: "/api/tasks", body: encoder.encode("{") });
    expect(notJson.statusCode).toBe(400);
    expect((await views.handleRoute({ method: "GET", path: "/nope" })).statusCode).toBe(404);
    expect((await views.renderView({ viewName: "tasks", workspaceId: "ws-net" })).componentHcl).toContain('content = "over the wire"');
  });
});

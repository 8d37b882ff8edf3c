// A view plugin called by the official Python gRPC stack (grpcio, with stubs grpc_tools.protoc generated from
// our .proto files), as a Python platform would: ListViews, RenderView (its HCL parsed by python-hcl2),
// HandleRoute and HandleStream.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { pythonSuiteName } from "@agentwire/test-support";
import { Plugin, respond, route, serve, ui, ViewProvider, type PluginServer, type ViewStream } from "../src/index.js";
import { packageRoot, parseHcl, requirePython, runPython, skipPython } from "./python.js";

const suite = "a view plugin called by grpcio through stubs protoc generated from our .proto files";

class TaskViews extends ViewProvider {
  private readonly lists = new Map<string, { id: number; title: string }[]>();
  private of(ws: string | undefined) {
    return this.lists.get(ws ?? "") ?? this.lists.set(ws ?? "", []).get(ws ?? "")!;
  }

  tasks = this.view({
    name: "tasks",
    label: "Tasks",
    icon: "calendar",
    routes: [
      route("GET", "/api/tasks", (_req, ctx) => respond.json(200, { tasks: this.of(ctx.workspaceId) })),
      route("POST", "/api/tasks", async (req, ctx) => {
        const body = await req.json<{ title?: unknown }>();
        if (typeof body.title !== "string" || body.title.trim() === "") return respond.invalid({ title: "required" });
        const list = this.of(ctx.workspaceId);
        const task = { id: list.length + 1, title: body.title };
        list.push(task);
        return respond.json(201, task);
      }),
    ],
    render: (ctx) => [
      ui.statGroup([ui.stat({ label: "Total", value: this.of(ctx.workspaceId).length })]),
      ui.form({ action: ctx.url("/api/tasks"), title: "Add" }, [ui.field({ name: "title", type: "text", required: true })]),
      ui.section({ title: `Tasks (${ctx.params.tab ?? "?"})` }, this.of(ctx.workspaceId).map((t) => ui.text(t.title))),
      ui.chat({ stream: ctx.streamUrl }),
    ],
  });

  override async stream(stream: ViewStream) {
    for await (const text of stream.texts()) stream.send({ echo: text, workspace: stream.metadata.workspaceId, user: stream.metadata.userEmail });
  }
}

function dashboardPlugin() {
  return new Plugin({ name: "dashboard", version: "1.0.0", manifest: { description: "Tasks", author: "Tests" }, providers: [new TaskViews()] });
}

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let server: PluginServer | undefined;

  beforeAll(async () => {
    requirePython();
    stubs = mkdtempSync(join(tmpdir(), "agentplatform-views-py-"));
    const protoRoot = join(packageRoot, "proto");
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    server = await serve({ plugin: dashboardPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("answers ListViews, HandleRoute, RenderView and HandleStream", async () => {
    const out = JSON.parse(await runPython([join(packageRoot, "test/interop/views_client.py"), stubs, `127.0.0.1:${server!.port}`])) as {
      views: unknown[];
      routes: Record<string, { status: number; headers: Record<string, string>; body: unknown }>;
      render: string;
      render_unknown: string;
      stream: unknown[];
    };
    expect(out.views).toEqual([
      {
        name: "tasks",
        label: "Tasks",
        icon: "calendar",
        scope: "workspace",
        routes: [
          { method: "GET", path: "/api/tasks" },
          { method: "POST", path: "/api/tasks" },
        ],
      },
    ]);
    const r = out.routes;
    expect(r.list_empty).toMatchObject({ status: 200, body: { tasks: [] } });
    expect(r.create).toMatchObject({ status: 201, body: { id: 1, title: 'From "Python" ${x}' } });
    expect(r.create_plain).toMatchObject({ status: 201, body: { id: 2, title: "no workspace" } });
    expect(r.not_json!.status).toBe(400);
    expect(r.not_json!.body).toMatchObject({ error: expect.stringMatching(/^request body is not JSON: /) as unknown });
    expect(r.empty_title).toMatchObject({ status: 422, body: { error: "validation failed", fields: { title: "required" } } });
    expect(r.unknown).toMatchObject({ status: 404, body: { error: "no route matches GET /api/unknown", routes: ["GET /api/tasks", "POST /api/tasks"] } });
    expect(r.wrong_method).toMatchObject({ status: 405, headers: { allow: "GET, POST" } });
    expect(r.list!.body).toEqual({
      tasks: [
        { id: 1, title: 'From "Python" ${x}' },
        { id: 2, title: "no workspace" },
      ],
    });
    expect(out.render_unknown).toBe("");

    const hcl = (await parseHcl(out.render)) as { component: Array<Record<string, Record<string, unknown>>> };
    const byName = Object.assign({}, ...hcl.component) as Record<string, Record<string, unknown>>;
    expect(byName["stat-group-1"]).toEqual({ type: "stat-group", stat: [{ total: { label: "Total", value: 2 } }] });
    expect(byName["form-1"]).toMatchObject({ type: "form", action: "/api/v1/workspaces/ws-py/views/dashboard/api/tasks", field: [{ title: { type: "text", required: true } }] });
    expect(byName["section-1"]).toMatchObject({
      type: "section",
      title: "Tasks (all)",
      component: [{ "text-1": { type: "text", content: 'From "Python" ${x}' } }, { "text-2": { type: "text", content: "no workspace" } }],
    });
    expect(byName["chat-1"]).toEqual({ type: "chat", stream: "/api/v1/workspaces/ws-py/views/dashboard/stream" });

    expect(out.stream).toEqual([
      { echo: "hello", workspace: "ws-py", user: "py@example.com" },
      { echo: '{"input": "again"}', workspace: "ws-py", user: "py@example.com" },
    ]);
  });
});

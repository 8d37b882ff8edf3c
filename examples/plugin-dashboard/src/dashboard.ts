import {
  AgentwireError,
  chatRelay,
  isJsonObject,
  Plugin,
  respond,
  route,
  ui,
  ViewProvider,
  type PlatformHostClient,
  type ViewRouteContext,
  type ViewRouteRequest,
} from "@agentwire/agentplatform";
import { TaskStore, type Task } from "./task-store.js";

/** The longest title a task may have. */
export const maxTitleLength = 200;

/**
 * Where tasks go when the platform does not say which workspace a request is for (the reference does not
 * say how it passes the workspace to `HandleRoute`: the SDK looks in the path, a `workspace_id` query
 * parameter and an `x-workspace-id` header).
 */
export const defaultWorkspace = "default";

export interface DashboardOptions {
  /** Keep each workspace's tasks as a JSON file in this directory. Default: in memory. */
  tasksDir?: string;
  /** How the chat reaches the platform. Default: the plugin's own client (PLATFORM_HOST_ADDR from Register, else the environment). */
  platformHost?: PlatformHostClient;
}

const workspaceOf = (ctx: ViewRouteContext) => ctx.workspaceId ?? defaultWorkspace;

/**
 * A task's fields from a request body: JSON (`{"title": "..."}`), or a form post
 * (`application/x-www-form-urlencoded`, `title=...`), in case the platform's `form` component submits
 * the browser's way. A JSON body that does not parse is answered 400 by `req.json()`.
 */
async function readBody(req: ViewRouteRequest): Promise<Record<string, unknown>> {
  if (req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(await req.text()));
  }
  const body = await req.json();
  if (!isJsonObject(body)) throw new AgentwireError("invalid_argument", 'the body must be a JSON object, e.g. {"title": "Buy milk"}');
  return body;
}

/** A title from a body, or the problem with it (answered 422). */
function titleFrom(body: Record<string, unknown>, required: boolean): { title?: string; problem?: string } {
  const raw = body.title;
  if (raw === undefined && !required) return {};
  if (typeof raw !== "string") return { problem: raw === undefined ? "required" : "must be a string" };
  const title = raw.trim();
  if (title === "") return { problem: "required" };
  if ([...title].length > maxTitleLength) return { problem: `at most ${maxTitleLength} characters` };
  return { title };
}

function doneFrom(body: Record<string, unknown>): { done?: boolean; problem?: string } {
  const raw = body.done;
  if (raw === undefined) return {};
  if (typeof raw === "boolean") return { done: raw };
  // Form posts send strings.
  if (raw === "true" || raw === "on") return { done: true };
  if (raw === "false") return { done: false };
  return { problem: "must be true or false" };
}

function taskLine(task: Task): string {
  return `${task.done ? "☑" : "☐"} ${task.title}`;
}

/**
 * The dashboard's views: a `tasks` view (a workspace tab) with a form to add tasks, their counts in a
 * `stat-group`, the list, and a `chat` whose messages run as conversations with the workspace's agents
 * through `PlatformHost.RunConversation`.
 *
 * Routes (bodies are JSON; errors are `{"error": "..."}`, plus `fields` for 422):
 *
 * | route | answers |
 * |---|---|
 * | `GET /api/tasks` | 200 `{"tasks": [...], "counts": {"total", "open", "done"}}` |
 * | `POST /api/tasks` `{"title"}` | 201 the task; 400 a body that is not JSON (or not an object); 422 a missing, empty or too long title |
 * | `PUT /api/tasks/:id` `{"title"?, "done"?}` | 200 the task; 404 no such task; 422 a bad value |
 * | `DELETE /api/tasks/:id` | 204; 404 no such task |
 */
export class Dashboard extends ViewProvider {
  private readonly store: TaskStore;

  constructor(options: DashboardOptions = {}) {
    super();
    this.store = new TaskStore(options.tasksDir);
    this.stream = chatRelay(options.platformHost === undefined ? {} : { host: options.platformHost });
  }

  tasks = this.view({
    name: "tasks",
    label: "Tasks",
    icon: "calendar",
    scope: "workspace",
    routes: [
      route("GET", "/api/tasks", async (_req, ctx) => {
        const ws = workspaceOf(ctx);
        return respond.json(200, { tasks: await this.store.list(ws), counts: await this.store.counts(ws) });
      }),
      route("POST", "/api/tasks", async (req, ctx) => {
        const { title, problem } = titleFrom(await readBody(req), true);
        if (problem !== undefined || title === undefined) return respond.invalid({ title: problem ?? "required" });
        const task = await this.store.add(workspaceOf(ctx), title);
        ctx.logger.info({ workspaceId: workspaceOf(ctx), taskId: task.id }, "task created");
        return respond.json(201, task);
      }),
      route("PUT", "/api/tasks/:id", async (req, ctx) => {
        const body = await readBody(req);
        const title = titleFrom(body, false);
        const done = doneFrom(body);
        const fields: Record<string, string> = {};
        if (title.problem !== undefined) fields.title = title.problem;
        if (done.problem !== undefined) fields.done = done.problem;
        if (Object.keys(fields).length > 0) return respond.invalid(fields);
        const task = await this.store.update(workspaceOf(ctx), req.params.id!, { title: title.title, done: done.done });
        return task ? respond.json(200, task) : respond.notFound(`no task ${JSON.stringify(req.params.id)} in this workspace`);
      }),
      route("DELETE", "/api/tasks/:id", async (req, ctx) => {
        const removed = await this.store.remove(workspaceOf(ctx), req.params.id!);
        return removed ? respond.empty(204) : respond.notFound(`no task ${JSON.stringify(req.params.id)} in this workspace`);
      }),
    ],
    render: async (ctx) => {
      const ws = ctx.workspaceId || defaultWorkspace;
      const list = await this.store.list(ws);
      const counts = await this.store.counts(ws);
      const open = list.filter((t) => !t.done);
      const done = list.filter((t) => t.done);
      return [
        ui.text("Tasks", { style: "heading" }),
        ui.statGroup([ui.stat({ label: "Total", value: counts.total }), ui.stat({ label: "Open", value: counts.open }), ui.stat({ label: "Done", value: counts.done })]),
        ui.form({ action: ctx.url("/api/tasks"), method: "POST", title: "Add a task", submitLabel: "Add" }, [
          ui.field({ name: "title", type: "text", label: "Title", required: true, placeholder: "What needs doing?" }),
        ]),
        ui.section(
          { title: "Open", name: "open-tasks" },
          open.length > 0 ? open.map((t) => ui.text(taskLine(t))) : [ui.text("Nothing open.", { style: "muted" })],
        ),
        ...(done.length > 0 ? [ui.section({ title: "Done", name: "done-tasks" }, done.map((t) => ui.text(taskLine(t), { style: "muted" })))] : []),
        ui.section({ title: "Ask the agents", name: "assistant" }, [
          ui.chat({ stream: ctx.streamUrl, placeholder: "Ask about your tasks...", buttonLabel: "Ask" }),
        ]),
      ];
    },
  });
}

/** The dashboard plugin: its manifest and the `Dashboard` views. */
export function createDashboardPlugin(options: DashboardOptions = {}) {
  return new Plugin({
    name: "dashboard",
    version: "0.1.0",
    manifest: {
      description: "A task list per workspace, with a chat to the workspace's agents",
      author: "agentwire examples",
      icon: "calendar",
      type: "remote",
    },
    providers: [new Dashboard(options)],
  });
}

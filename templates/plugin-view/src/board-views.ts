// The plugin: a `board` view (a tab on the workspace page) listing the workspace's tasks by column, with a
// form to add one, and the HTTP routes the form and the browser call. Plugins never write HTML: `render`
// returns components (ui.*) that the platform draws, and the routes answer JSON.
import {
  AgentwireError,
  defineConfigSchema,
  isJsonObject,
  Plugin,
  respond,
  route,
  ui,
  ViewProvider,
  type ConfigValues,
  type ViewRouteRequest,
} from "@agentwire/agentplatform";
import { BoardStore, statuses, type Task, type TaskStatus } from "./board-store.js";

/**
 * The plugin's settings, from the workspace's `plugin "example-board" { config { ... } }` block.
 * YOUR CODE: add your settings here; `ctx.config` is typed from this schema in every route and render.
 */
export const configSchema = defineConfigSchema({
  data_file: {
    type: "string",
    default: "data/board.json",
    description: "The JSON file the tasks are kept in (relative to the plugin's working directory)",
  },
  title: {
    type: "string",
    default: "Tasks",
    description: "The board's heading",
  },
});

type Config = ConfigValues<typeof configSchema>;

/** The longest task text accepted. */
export const maxTextLength = 200;

/** Where tasks go when the platform does not say which workspace a request is for. */
const defaultWorkspace = "default";

/**
 * A request body as fields: JSON (`{"text": "..."}`), or a browser form post (`text=...`), since the form
 * component may submit either way. A body that is not JSON is answered 400 by `req.json()`.
 */
async function fieldsOf(req: ViewRouteRequest): Promise<Record<string, unknown>> {
  if (req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(await req.text()));
  const body = await req.json();
  if (!isJsonObject(body)) throw new AgentwireError("invalid_argument", 'the body must be a JSON object, e.g. {"text": "Renew the certificate"}');
  return body;
}

/** The task fields in a body, or the problem with each (answered 422 with `fields`). */
function readTask(body: Record<string, unknown>, creating: boolean): { text?: string; status?: TaskStatus; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  let text: string | undefined;
  if (body.text !== undefined || creating) {
    if (typeof body.text !== "string" || body.text.trim() === "") problems.text = "required";
    else if (body.text.trim().length > maxTextLength) problems.text = `at most ${maxTextLength} characters`;
    else text = body.text.trim();
  }
  let status: TaskStatus | undefined;
  if (body.status !== undefined && body.status !== "") {
    if (statuses.includes(body.status as TaskStatus)) status = body.status as TaskStatus;
    else problems.status = `must be one of ${statuses.join(", ")}`;
  }
  return { ...(text === undefined ? {} : { text }), ...(status === undefined ? {} : { status }), problems };
}

function counts(tasks: readonly Task[]): Record<TaskStatus, number> {
  return { todo: tasks.filter((t) => t.status === "todo").length, doing: tasks.filter((t) => t.status === "doing").length, done: tasks.filter((t) => t.status === "done").length };
}

/**
 * The views and their routes (bodies are JSON; errors are `{"error": "..."}`, with `fields` on 422):
 *
 * | route | answers |
 * |---|---|
 * | `GET /api/tasks` | 200 `{"workspace", "tasks": [...], "counts": {"todo", "doing", "done"}}` |
 * | `POST /api/tasks` `{"text", "status"?}` | 201 the task; 400 not a JSON object; 422 a missing or too long text, an unknown status |
 * | `PATCH /api/tasks/:id` `{"text"?, "status"?}` | 200 the task; 404 no such task; 422 a bad field |
 * | `DELETE /api/tasks/:id` | 204; 404 no such task |
 */
export class BoardViews extends ViewProvider<typeof configSchema> {
  // One store per data file: a new Register may point data_file elsewhere.
  private readonly stores = new Map<string, BoardStore>();

  store(config: Config): BoardStore {
    let store = this.stores.get(config.data_file);
    if (store === undefined) {
      store = new BoardStore(config.data_file);
      this.stores.set(config.data_file, store);
    }
    return store;
  }

  board = this.view({
    name: "board",
    label: "Board",
    icon: "calendar",
    scope: "workspace",
    routes: [
      // YOUR CODE: add routes here; `:name` segments arrive in req.params, the workspace in ctx.workspaceId.
      route("GET", "/api/tasks", async (_req, ctx) => {
        const workspace = ctx.workspaceId || defaultWorkspace;
        const tasks = await this.store(ctx.config).list(workspace);
        return respond.json(200, { workspace, tasks, counts: counts(tasks) });
      }),
      route("POST", "/api/tasks", async (req, ctx) => {
        const { text, status, problems } = readTask(await fieldsOf(req), true);
        if (Object.keys(problems).length > 0 || text === undefined) return respond.invalid(problems);
        const task = await this.store(ctx.config).add(ctx.workspaceId || defaultWorkspace, text, status);
        ctx.logger.info({ taskId: task.id }, "task added");
        return respond.json(201, task);
      }),
      route("PATCH", "/api/tasks/:id", async (req, ctx) => {
        const { text, status, problems } = readTask(await fieldsOf(req), false);
        if (Object.keys(problems).length > 0) return respond.invalid(problems);
        const task = await this.store(ctx.config).update(ctx.workspaceId || defaultWorkspace, req.params.id!, { text, status });
        return task ? respond.json(200, task) : respond.notFound(`no task ${JSON.stringify(req.params.id)} on this board`);
      }),
      route("DELETE", "/api/tasks/:id", async (req, ctx) => {
        const removed = await this.store(ctx.config).remove(ctx.workspaceId || defaultWorkspace, req.params.id!);
        return removed ? respond.empty(204) : respond.notFound(`no task ${JSON.stringify(req.params.id)} on this board`);
      }),
    ],
    // YOUR CODE: what the tab shows. ctx.url(path) is the browser's URL of one of the routes above.
    render: async (ctx) => {
      const tasks = await this.store(ctx.config).list(ctx.workspaceId || defaultWorkspace);
      const count = counts(tasks);
      return [
        ui.text(ctx.config.title, { style: "heading" }),
        ui.statGroup(statuses.map((status) => ui.stat({ label: status, value: count[status] }))),
        ui.form({ action: ctx.url("/api/tasks"), method: "POST", title: "Add a task", submitLabel: "Add" }, [
          ui.field({ name: "text", type: "text", label: "Task", required: true, placeholder: "What needs doing?" }),
          ui.field({ name: "status", type: "select", label: "Column", options: [...statuses], default: "todo" }),
        ]),
        ...statuses.map((status) => {
          const column = tasks.filter((t) => t.status === status);
          return ui.section(
            { title: status, name: `column-${status}` },
            column.length > 0 ? column.map((t) => ui.text(t.text)) : [ui.text("Nothing here.", { style: "muted" })],
          );
        }),
      ];
    },
  });
}

/** The plugin `main.ts` serves and the tests drive. */
export function createBoardPlugin() {
  const views = new BoardViews();
  return new Plugin({
    // The workspace's `plugin "example-board"` block must use this name; view URLs contain it.
    name: "example-board",
    version: "0.1.0",
    manifest: {
      description: "A tasks board per workspace: a view with a form, and routes to add, move and remove tasks",
      author: "agentwire-template-plugin-view",
      type: "remote",
      configSchema,
    },
    providers: [views],
    // Refuses Register when the data file is there but damaged, naming it, rather than failing every view later.
    onRegister: async ({ config }) => void (await views.store(config).read()),
  });
}

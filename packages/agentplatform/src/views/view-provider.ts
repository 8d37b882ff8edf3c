import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { AgentwireError, messageOf, type Logger } from "@agentwire/core";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import { ViewProvider as ViewProviderService, type RouteRequest } from "../gen/agentplatform/v1/view_pb.js";
import type { PluginProvider, ProviderRoutesContext } from "../plugin-provider.js";
import { toConnectError } from "../wire-error.js";
import { renderComponents, type ViewNode } from "./components.js";
import { parseRoutePattern, patternShape, type RoutePattern } from "./route-pattern.js";
import { createRouteRequest, type ViewRouteRequest } from "./route-request.js";
import { errorResponse, respond, type ViewRouteResponse } from "./route-response.js";
import { serveViewStream, type ViewStreamHandler } from "./view-stream.js";

/** The HTTP methods upstream's `RouteDefinition` lists (GET, POST, PUT, DELETE), and PATCH, which is ours. */
export type ViewRouteMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

const methods: readonly string[] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** Where a view shows: a tab on the workspace page, or its own section in the navigation. */
export type ViewScope = "workspace" | "global";

/** What a route handler gets besides the request. */
export interface ViewRouteContext {
  /**
   * The workspace the request is for, when the platform said: from the path's
   * `/api/v1/workspaces/{id}/views/{plugin}` prefix, else the `workspace_id` query parameter, else an
   * `x-workspace-id` header. Undefined otherwise (the reference does not say how the platform passes it).
   */
  readonly workspaceId: string | undefined;
  /** The view that declared the route. */
  readonly view: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * A route handler: the request in, a response out. Throw an `AgentwireError` to answer its code's HTTP
 * status with `{"error": message}` (`invalid_argument` → 400, `not_found` → 404, ...); anything else thrown
 * is answered 500 and logged.
 */
export type ViewRouteHandler = (request: ViewRouteRequest, context: ViewRouteContext) => ViewRouteResponse | Promise<ViewRouteResponse>;

/** One route of a view: `RouteDefinition { method, path }` and its handler. */
export interface ViewRoute {
  readonly method: ViewRouteMethod;
  /** A path pattern, e.g. `/api/tasks` or `/api/tasks/:id` (a `:param` matches one path segment). */
  readonly path: string;
  readonly handler: ViewRouteHandler;
}

/**
 * Declares a route for a view's `routes`.
 *
 * ```ts
 * route("GET", "/api/tasks/:id", (req) => {
 *   const task = store.get(req.params.id!);
 *   return task ? respond.json(200, task) : respond.notFound(`no task ${req.params.id}`);
 * });
 * ```
 */
export function route(method: ViewRouteMethod, path: string, handler: ViewRouteHandler): ViewRoute {
  return { method, path, handler };
}

/** What `render` gets: the `RenderView` request and helpers to build the URLs components point at. */
export interface ViewRenderContext {
  readonly view: string;
  /** `RenderViewRequest.workspace_id`. */
  readonly workspaceId: string;
  /** `RenderViewRequest.params`. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The URL the browser uses for one of this plugin's routes:
   * `url("/api/tasks")` is `/api/v1/workspaces/{workspaceId}/views/{pluginName}/api/tasks`. Needs
   * `pluginName` in the provider's options.
   */
  url(path: string): string;
  /** The WebSocket path a `chat` component streams over: `url("/stream")`. */
  readonly streamUrl: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** A view: `ViewDefinition`'s fields, its routes and how it renders. */
export interface ViewOptions {
  /** Unique view identifier, e.g. `tasks`: `ViewDefinition.name`, and what `RenderView` asks for. */
  name: string;
  /** Display label for the nav or tab. Default: the name. */
  label?: string;
  /** Icon identifier, e.g. `chat`, `calendar`, `terminal`. Default: none. */
  icon?: string;
  /** Default: `workspace`. */
  scope?: ViewScope;
  /** API routes the view handles (`HandleRoute`). Default: none. */
  routes?: readonly ViewRoute[];
  /** The view's components for `RenderView`. */
  render: (context: ViewRenderContext) => ViewNode | readonly ViewNode[] | Promise<ViewNode | readonly ViewNode[]>;
}

/** Declares a view (an identity function that gives the object its type). */
export function defineView(view: ViewOptions): ViewOptions {
  return view;
}

export interface ViewProviderOptions {
  /** The plugin's views, listed by `ListViews` in this order. */
  views: readonly ViewOptions[];
  /**
   * The plugin's name, for the URLs `render` builds (`context.url`, `context.streamUrl`): the platform
   * serves a plugin's routes under `/api/v1/workspaces/{id}/views/{plugin}/`. Default: none (those helpers
   * then throw).
   */
  pluginName?: string;
  /**
   * Serves `HandleStream` (the WebSocket a `chat` component opens). The platform opens one stream per
   * plugin, not per view. Default: none (the RPC answers UNIMPLEMENTED).
   */
  stream?: ViewStreamHandler;
}

/** A view provider to attach with `plugin.addProvider(...)`. */
export interface ViewProviderHandle extends PluginProvider {
  /** The views, as `ListViews` reports them. */
  readonly views: readonly { name: string; label: string; icon: string; scope: ViewScope; routes: { method: string; path: string }[] }[];
}

interface CompiledRoute {
  readonly view: string;
  readonly method: string;
  readonly pattern: RoutePattern;
  readonly handler: ViewRouteHandler;
}

// `/api/v1/workspaces/{id}/views/{plugin}`: where the platform serves a plugin's routes and stream.
const platformPrefix = /^\/api\/v1\/workspaces\/([^/]+)\/views\/[^/]+(?=\/|$)/;

function splitQuery(path: string): { path: string; query: Record<string, string> } {
  const at = path.indexOf("?");
  if (at < 0) return { path, query: {} };
  return { path: path.slice(0, at), query: Object.fromEntries(new URLSearchParams(path.slice(at + 1))) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Literal segments beat `:params`, segment by segment from the left: `/a/new` wins over `/a/:id`. */
function moreSpecific(a: RoutePattern, b: RoutePattern): boolean {
  const as = a.path.split("/");
  const bs = b.path.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const aParam = as[i]!.startsWith(":");
    const bParam = bs[i]!.startsWith(":");
    if (aParam !== bParam) return !aParam;
  }
  return false;
}

function checkView(view: ViewOptions, seen: Set<string>): void {
  if (typeof view.name !== "string" || view.name === "") throw new AgentwireError("invalid_argument", "a view needs a name, e.g. \"tasks\"");
  if (seen.has(view.name)) throw new AgentwireError("already_exists", `two views are named ${JSON.stringify(view.name)}: view names must be unique`);
  seen.add(view.name);
  if (view.scope !== undefined && view.scope !== "workspace" && view.scope !== "global") {
    throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)}: scope ${JSON.stringify(view.scope)} is not "workspace" or "global"`);
  }
  if (typeof view.render !== "function") throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)} needs a render function`);
}

/** Why `value` is not a `ViewRouteResponse` a handler may return, or undefined if it is one. */
function responseProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return `${value === null ? "null" : typeof value} instead of a response (use respond.json(...))`;
  const { status, body, headers } = value as Partial<ViewRouteResponse>;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) return `status ${String(status)}, not an integer from 100 to 599`;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) return `a ${typeof body} body (a string or Uint8Array is needed; respond.json(...) encodes objects)`;
  if (headers !== undefined && (typeof headers !== "object" || headers === null || Object.values(headers).some((v) => typeof v !== "string"))) {
    return "headers that are not all strings";
  }
  return undefined;
}

function toWire(response: ViewRouteResponse): { statusCode: number; body: Uint8Array; headers: Record<string, string> } {
  const body = response.body ?? new Uint8Array();
  return {
    statusCode: response.status,
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
    headers: { ...response.headers },
  };
}

/**
 * A `ViewProvider`: the plugin's views for `ListViews`, their components for `RenderView` (written as HCL),
 * their routes for `HandleRoute` and, optionally, a `HandleStream` handler. Attach it with
 * `plugin.addProvider(...)`.
 *
 * `HandleRoute` matches `RouteRequest.path` against every view's routes, whether the platform sends the
 * plugin-relative path (`/api/tasks`) or the full one (`/api/v1/workspaces/{id}/views/{plugin}/api/tasks`).
 * A path no route matches is answered 404 `{"error", "routes"}` listing the routes there are; a path that
 * matches with another method is answered 405 with an `allow` header. A `RenderView` for a view the plugin
 * does not have answers an empty `component_hcl`, as upstream's example plugin does.
 *
 * ```ts
 * plugin.addProvider(
 *   createViewProvider({
 *     pluginName: plugin.name,
 *     views: [
 *       defineView({
 *         name: "tasks",
 *         label: "Tasks",
 *         routes: [route("GET", "/api/tasks", () => respond.json(200, { tasks }))],
 *         render: (ctx) => [ui.text("Tasks", { style: "heading" }), ui.statGroup([ui.stat({ label: "Total", value: tasks.length })])],
 *       }),
 *     ],
 *   }),
 * );
 * ```
 */
export function createViewProvider(options: ViewProviderOptions): ViewProviderHandle {
  const seen = new Set<string>();
  const compiled: CompiledRoute[] = [];
  const shapes = new Map<string, string>();
  for (const view of options.views) {
    checkView(view, seen);
    for (const r of view.routes ?? []) {
      const method = typeof r.method === "string" ? r.method.toUpperCase() : "";
      if (!methods.includes(method)) {
        throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)}: route method ${JSON.stringify(r.method)} is not one of ${methods.join(", ")}`);
      }
      let pattern: RoutePattern;
      try {
        pattern = parseRoutePattern(r.path);
      } catch (err) {
        throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)}: ${messageOf(err)}`, { cause: err });
      }
      const key = `${method} ${patternShape(r.path)}`;
      const other = shapes.get(key);
      if (other !== undefined) {
        throw new AgentwireError("already_exists", `${method} ${r.path} (view ${JSON.stringify(view.name)}) and ${other} match the same requests: declare each route once`);
      }
      shapes.set(key, `${method} ${r.path} (view ${JSON.stringify(view.name)})`);
      compiled.push({ view: view.name, method, pattern, handler: r.handler });
    }
  }
  const views = options.views.map((view) => ({
    name: view.name,
    label: view.label ?? view.name,
    icon: view.icon ?? "",
    scope: view.scope ?? "workspace",
    routes: (view.routes ?? []).map((r) => ({ method: r.method.toUpperCase(), path: r.path })),
  }));
  const byName = new Map(options.views.map((v) => [v.name, v]));
  const known = compiled.map((r) => `${r.method} ${r.pattern.path}`);

  const urlFor = (workspaceId: string, path: string): string => {
    if (options.pluginName === undefined || options.pluginName === "") {
      throw new AgentwireError("failed_precondition", "building a view URL needs the plugin's name: pass pluginName to createViewProvider");
    }
    const suffix = path === "" ? "" : path.startsWith("/") ? path : `/${path}`;
    return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/views/${encodeURIComponent(options.pluginName)}${suffix}`;
  };

  async function renderView(
    req: { viewName: string; workspaceId: string; params: Record<string, string> },
    ctx: HandlerContext,
    logger: Logger,
  ): Promise<{ componentHcl: string }> {
    const view = byName.get(req.viewName);
    if (view === undefined) {
      logger.warn({ view: req.viewName, views: [...byName.keys()] }, `RenderView for unknown view ${JSON.stringify(req.viewName)}: answering no components`);
      return { componentHcl: "" };
    }
    const context: ViewRenderContext = {
      view: view.name,
      workspaceId: req.workspaceId,
      params: req.params,
      url: (path) => urlFor(req.workspaceId, path),
      get streamUrl() {
        return urlFor(req.workspaceId, "/stream");
      },
      signal: ctx.signal,
      logger,
    };
    try {
      return { componentHcl: renderComponents(await view.render(context)) };
    } catch (err) {
      logger.error({ err, view: view.name }, `rendering view ${JSON.stringify(view.name)} failed: ${messageOf(err)}`);
      throw toConnectError(err);
    }
  }

  async function handleRoute(req: RouteRequest, ctx: HandlerContext, logger: Logger): Promise<ViewRouteResponse> {
    const method = req.method.toUpperCase();
    const split = splitQuery(req.path);
    const query = { ...split.query, ...req.query };
    let path = split.path;
    let workspaceId: string | undefined;
    const prefix = platformPrefix.exec(path);
    if (prefix) {
      workspaceId = safeDecode(prefix[1]!);
      path = path.slice(prefix[0].length) || "/";
    }
    workspaceId ??= query.workspace_id || Object.entries(req.headers).find(([k]) => k.toLowerCase() === "x-workspace-id")?.[1] || undefined;

    const matching = compiled.flatMap((r) => {
      const params = r.pattern.match(path);
      return params ? [{ route: r, params }] : [];
    });
    if (matching.length === 0) {
      return respond.notFound(`no route matches ${method} ${path}`, { routes: known });
    }
    const sameMethod = matching.filter((m) => m.route.method === method);
    if (sameMethod.length === 0) {
      const allowed = [...new Set(matching.map((m) => m.route.method))];
      const refusal = respond.error(405, `${method} is not allowed on ${path}: use ${allowed.join(" or ")}`, { allowed });
      return { ...refusal, headers: { ...refusal.headers, allow: allowed.join(", ") } };
    }
    const chosen = sameMethod.reduce((best, m) => (moreSpecific(m.route.pattern, best.route.pattern) ? m : best));
    const request = createRouteRequest({
      method,
      path,
      rawPath: req.path,
      route: chosen.route.pattern.path,
      params: chosen.params,
      query,
      headers: req.headers,
      body: req.body,
    });
    const log = logger.child({ route: `${method} ${chosen.route.pattern.path}`, view: chosen.route.view });
    try {
      const response: unknown = await chosen.route.handler(request, { workspaceId, view: chosen.route.view, signal: ctx.signal, logger: log });
      const problem = responseProblem(response);
      if (problem !== undefined) {
        log.error(`route handler returned ${problem}: answering 500`);
        return respond.error(500, "internal error");
      }
      return response as ViewRouteResponse;
    } catch (err) {
      if (err instanceof AgentwireError) {
        log.info({ code: err.code }, `route refused: ${err.message}`);
      } else {
        log.error({ err }, `route handler failed: ${messageOf(err)}`);
      }
      return errorResponse(err);
    }
  }

  return {
    capability: Capability.VIEW_PROVIDER,
    service: ViewProviderService,
    views,
    registerRoutes(router: ConnectRouter, context: ProviderRoutesContext) {
      const logger = context.logger.child({ provider: "views" });
      router.service(ViewProviderService, {
        listViews: () => ({ views }),
        renderView: (req, ctx) => renderView(req, ctx, logger),
        handleRoute: async (req, ctx) => toWire(await handleRoute(req, ctx, logger)),
        ...(options.stream ? { handleStream: serveViewStream(options.stream, logger) } : {}),
      });
    },
  };
}

import { AgentwireError } from "@agentwire/core";
import type { ConfigSchema } from "../config-schema.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import { ViewProvider as ViewProviderService } from "../gen/agentplatform/v1/view_pb.js";
import type { PluginContext } from "../plugin-context.js";
import { checkDeclarable, declarationFailed, ProviderBase } from "../provider.js";
import type { ViewNode } from "./components.js";
import type { ViewRouteRequest } from "./route-request.js";
import type { ViewRouteResponse } from "./route-response.js";
import type { ViewStream, ViewStreamContext } from "./view-stream.js";
import { ViewRouter, type ViewRouteMethod } from "./view-routing.js";
import { viewServiceTable } from "./view-service.js";

/** Where a view shows: a tab on the workspace page, or its own section in the navigation. */
export type ViewScope = "workspace" | "global";

/** What a route handler gets besides the request. */
export interface ViewRouteContext<S extends ConfigSchema = ConfigSchema> extends PluginContext<S> {
  /**
   * The workspace the request is for, when the platform said: from the path's
   * `/api/v1/workspaces/{id}/views/{plugin}` prefix, else the `workspace_id` query parameter, else an
   * `x-workspace-id` header. Undefined otherwise (the reference does not say how the platform passes it).
   */
  readonly workspaceId: string | undefined;
  /** The view that declared the route. */
  readonly view: string;
}

/**
 * A route handler: the request in, a response out. Throw an `AgentwireError` to answer its code's HTTP
 * status with `{"error": message}` (`invalid_argument` → 400, `not_found` → 404, ...); anything else thrown
 * is answered 500 and logged.
 */
export type ViewRouteHandler<S extends ConfigSchema = ConfigSchema> = (
  request: ViewRouteRequest,
  context: ViewRouteContext<S>,
) => ViewRouteResponse | Promise<ViewRouteResponse>;

/** One route of a view: `RouteDefinition { method, path }` and its handler. */
export interface ViewRoute<S extends ConfigSchema = ConfigSchema> {
  readonly method: ViewRouteMethod;
  /** A path pattern, e.g. `/api/tasks` or `/api/tasks/:id` (a `:param` matches one path segment). */
  readonly path: string;
  readonly handler: ViewRouteHandler<S>;
}

/**
 * Declares a route for a view's `routes`; inside `this.view({ routes: [...] })` the handler's context is
 * typed with the provider's config.
 *
 * ```ts
 * import { respond, route } from "@agentwire/agentplatform";
 *
 * declare const store: Map<string, { id: string; title: string }>;
 *
 * export const getTask = route("GET", "/api/tasks/:id", (req) => {
 *   const task = store.get(req.params.id!);
 *   return task ? respond.json(200, task) : respond.notFound(`no task ${req.params.id}`);
 * });
 * ```
 */
export function route<S extends ConfigSchema = ConfigSchema>(method: ViewRouteMethod, path: string, handler: ViewRouteHandler<S>): ViewRoute<S> {
  return { method, path, handler };
}

/** What `render` gets: the `RenderView` request, the plugin's context and helpers to build the URLs components point at. */
export interface ViewRenderContext<S extends ConfigSchema = ConfigSchema> extends PluginContext<S> {
  readonly view: string;
  /** `RenderViewRequest.workspace_id`. */
  readonly workspaceId: string;
  /** `RenderViewRequest.params`. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The URL the browser uses for one of this plugin's routes:
   * `url("/api/tasks")` is `/api/v1/workspaces/{workspaceId}/views/{plugin}/api/tasks`.
   */
  url(path: string): string;
  /** The WebSocket path a `chat` component streams over: `url("/stream")`. */
  readonly streamUrl: string;
}

/** A view: `ViewDefinition`'s fields, its routes and how it renders. */
export interface ViewOptions<S extends ConfigSchema = ConfigSchema> {
  /** Unique view identifier, e.g. `tasks`: `ViewDefinition.name`, and what `RenderView` asks for. */
  name: string;
  /** Display label for the nav or tab. Default: the name. */
  label?: string;
  /** Icon identifier, e.g. `chat`, `calendar`, `terminal`. Default: none. */
  icon?: string;
  /** Default: `workspace`. */
  scope?: ViewScope;
  /** API routes the view handles (`HandleRoute`). Default: none. */
  routes?: readonly ViewRoute<S>[];
  /** The view's components for `RenderView`. */
  render: (context: ViewRenderContext<S>) => ViewNode | readonly ViewNode[] | Promise<ViewNode | readonly ViewNode[]>;
}

/** A view as `ListViews` reports it: `ViewDefinition`'s fields. */
export interface ViewDefinition {
  readonly name: string;
  readonly label: string;
  readonly icon: string;
  readonly scope: ViewScope;
  readonly routes: readonly { readonly method: string; readonly path: string }[];
}

/** What the service needs of a view provider's declarations. */
export interface ViewDeclarations {
  readonly definitions: ViewDefinition[];
  readonly byName: Map<string, ViewOptions>;
  readonly router: ViewRouter<ViewRouteHandler>;
}

const declarationsOf = new WeakMap<object, ViewDeclarations>();

/** The views and routes a provider declared. */
export function viewDeclarations(provider: object): ViewDeclarations {
  return declarationsOf.get(provider)!;
}

/**
 * A plugin's views, served as `agentplatform.v1.ViewProvider`: `ListViews` lists them, `RenderView`
 * writes a view's components as HCL, `HandleRoute` answers their routes, and `HandleStream` (the
 * WebSocket a `chat` component opens) calls `stream` when the class implements it. Extend it, declare
 * each view with `this.view(...)` in the class body, and give an instance to the plugin: `Register` then
 * reports VIEW_PROVIDER. URLs the views build (`context.url`, `context.streamUrl`) use the plugin's name.
 *
 * `HandleRoute` matches `RouteRequest.path` against every view's routes, whether the platform sends the
 * plugin-relative path (`/api/tasks`) or the full one (`/api/v1/workspaces/{id}/views/{plugin}/api/tasks`).
 * A path no route matches is answered 404 `{"error", "routes"}` listing the routes there are; a path that
 * matches with another method is answered 405 with an `allow` header. A `RenderView` for a view the plugin
 * does not have answers an empty `component_hcl`, as upstream's example plugin does.
 *
 * ```ts
 * import { respond, route, ui, ViewProvider } from "@agentwire/agentplatform";
 *
 * const tasks: string[] = [];
 *
 * export class TaskViews extends ViewProvider {
 *   tasks = this.view({
 *     name: "tasks",
 *     label: "Tasks",
 *     routes: [route("GET", "/api/tasks", () => respond.json(200, { tasks }))],
 *     render: (ctx) => [
 *       ui.text("Tasks", { style: "heading" }),
 *       ui.statGroup([ui.stat({ label: "Total", value: tasks.length })]),
 *       ui.form({ action: ctx.url("/api/tasks"), title: "Add a task" }, [ui.field({ name: "title", type: "text" })]),
 *     ],
 *   });
 * }
 * ```
 */
export abstract class ViewProvider<S extends ConfigSchema = Record<never, never>> extends ProviderBase<S> {
  readonly capability = Capability.VIEW_PROVIDER;

  constructor() {
    super("ViewProvider", ViewProviderService, (runtime) => viewServiceTable(this, runtime));
    declarationsOf.set(this, { definitions: [], byName: new Map(), router: new ViewRouter() });
  }

  /**
   * Serves `HandleStream`, the WebSocket a `chat` component opens (the platform opens one stream per
   * plugin, not per view). Implement it as a method, or assign a handler (`override stream = chatRelay()`).
   * Default: none (the RPC answers UNIMPLEMENTED).
   */
  stream?(stream: ViewStream, context: ViewStreamContext<S>): void | Promise<void>;

  /**
   * Declares a view; call it in the class body (`tasks = this.view({...})`) or the constructor. Route
   * handlers and `render` get the provider's typed config in their context. Refused with INVALID_ARGUMENT
   * for a view without a name or render function, a bad scope, route method or path; ALREADY_EXISTS for a
   * name taken or a route that matches the same requests as another; FAILED_PRECONDITION once the provider
   * is attached to its plugin.
   */
  protected view(options: ViewOptions<S>): ViewDefinition {
    try {
      return this.declareView(options as unknown as ViewOptions);
    } catch (err) {
      return declarationFailed(this, err);
    }
  }

  private declareView(view: ViewOptions): ViewDefinition {
    if (typeof view !== "object" || view === null) throw new AgentwireError("invalid_argument", "this.view(...) takes the view's options: { name, render, ... }");
    checkDeclarable(this, `view ${JSON.stringify(view.name)}`);
    const declarations = declarationsOf.get(this)!;
    if (typeof view.name !== "string" || view.name === "") throw new AgentwireError("invalid_argument", 'a view needs a name, e.g. "tasks"');
    if (declarations.byName.has(view.name)) {
      throw new AgentwireError("already_exists", `two views are named ${JSON.stringify(view.name)}: view names must be unique`);
    }
    if (view.scope !== undefined && view.scope !== "workspace" && view.scope !== "global") {
      throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)}: scope ${JSON.stringify(view.scope)} is not "workspace" or "global"`);
    }
    if (typeof view.render !== "function") throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view.name)} needs a render function`);
    const routes = declarations.router.add(view.name, view.routes ?? []);
    const definition: ViewDefinition = Object.freeze({
      name: view.name,
      label: view.label ?? view.name,
      icon: view.icon ?? "",
      scope: view.scope ?? "workspace",
      routes: routes.map((r) => ({ method: r.method, path: r.pattern.path })),
    });
    declarations.definitions.push(definition);
    declarations.byName.set(view.name, view);
    return definition;
  }

  /** The views, in the order they were declared, as `ListViews` reports them. */
  get views(): readonly ViewDefinition[] {
    return [...declarationsOf.get(this)!.definitions];
  }
}

// The ViewProvider service of one provider: ListViews from its declarations, RenderView writing a view's
// components as HCL, HandleRoute through the router, HandleStream through the provider's `stream`.
import type { HandlerContext } from "@connectrpc/connect";
import { AgentwireError, messageOf, type Logger } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable } from "@agentwire/core/grpc";
import { ViewProvider as ViewProviderService, type RenderViewRequest, type RouteRequest } from "../gen/agentplatform/v1/view_pb.js";
import { CallContext, notRegisteredYet, type ContextSource } from "../plugin-context.js";
import type { ProviderRuntime } from "../provider.js";
import { renderComponents } from "./components.js";
import { errorResponse, respond, type ViewRouteResponse } from "./route-response.js";
import { viewDeclarations, type ViewRenderContext, type ViewRouteContext } from "./view-provider.js";
import { isMatch } from "./view-routing.js";
import { serveViewStream, type ViewStreamHandler } from "./view-stream.js";

/** `/api/v1/workspaces/{workspace}/views/{plugin}{path}`: where the platform serves a plugin's routes. */
function viewUrl(plugin: string, workspaceId: string, path: string): string {
  const suffix = path === "" ? "" : path.startsWith("/") ? path : `/${path}`;
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/views/${encodeURIComponent(plugin)}${suffix}`;
}

class RenderCallContext extends CallContext implements ViewRenderContext {
  constructor(
    source: ContextSource,
    signal: AbortSignal,
    timeoutMs: () => number | undefined,
    logger: Logger,
    readonly view: string,
    readonly workspaceId: string,
    readonly params: Readonly<Record<string, string>>,
  ) {
    super(source, signal, timeoutMs, logger);
  }

  url(path: string): string {
    return viewUrl(this.source.name, this.workspaceId, path);
  }

  get streamUrl(): string {
    return this.url("/stream");
  }
}

class RouteCallContext extends CallContext implements ViewRouteContext {
  constructor(
    source: ContextSource,
    signal: AbortSignal,
    timeoutMs: () => number | undefined,
    logger: Logger,
    readonly view: string,
    readonly workspaceId: string | undefined,
  ) {
    super(source, signal, timeoutMs, logger);
  }
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

/** The `ViewProvider` service table of one provider, for one server or transport. */
export function viewServiceTable(provider: object, { plugin, logger: baseLogger }: ProviderRuntime): AnyServiceTable {
  const { definitions, byName, router } = viewDeclarations(provider);
  const logger = baseLogger.child({ provider: "views" });
  const stream = (provider as { stream?: ViewStreamHandler }).stream;

  async function renderView(req: RenderViewRequest, ctx: HandlerContext): Promise<{ componentHcl: string }> {
    const view = byName.get(req.viewName);
    if (view === undefined) {
      logger.warn({ view: req.viewName, views: [...byName.keys()] }, `RenderView for unknown view ${JSON.stringify(req.viewName)}: answering no components`);
      return { componentHcl: "" };
    }
    const context = new RenderCallContext(plugin, ctx.signal, ctx.timeoutMs, logger, view.name, req.workspaceId, req.params);
    try {
      return { componentHcl: renderComponents(await view.render(context)) };
    } catch (err) {
      const error = context.readConfigTooEarly && !plugin.registered ? notRegisteredYet(plugin.name, `view ${JSON.stringify(view.name)}`, err) : err;
      logger.error({ err, view: view.name }, `rendering view ${JSON.stringify(view.name)} failed: ${messageOf(error)}`);
      throw toConnectError(error);
    }
  }

  async function handleRoute(req: RouteRequest, ctx: HandlerContext): Promise<ViewRouteResponse> {
    const matched = router.match(req);
    if (!isMatch(matched)) return matched;
    const { route, request, workspaceId } = matched;
    const log = logger.child({ route: `${route.method} ${route.pattern.path}`, view: route.view });
    try {
      const response: unknown = await route.handler(request, new RouteCallContext(plugin, ctx.signal, ctx.timeoutMs, log, route.view, workspaceId));
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

  return serviceTable(ViewProviderService, {
    listViews: () => ({ views: definitions.map((v) => ({ ...v, routes: v.routes.map((r) => ({ ...r })) })) }),
    renderView,
    handleRoute: async (req, ctx) => toWire(await handleRoute(req, ctx)),
    ...(typeof stream === "function" ? { handleStream: serveViewStream(stream.bind(provider), plugin, logger) } : {}),
  });
}

// Routing a `HandleRoute` request to the route that answers it: the declared routes compiled once (each
// shape declared once, literal segments beating `:params`), the platform's path prefix and query string
// taken apart, 404 with the known routes, 405 with an `allow` header.
import { AgentwireError, messageOf } from "@agentwire/core";
import type { RouteRequest } from "../gen/agentplatform/v1/view_pb.js";
import { parseRoutePattern, patternShape, safeDecode, type RoutePattern } from "./route-pattern.js";
import { createRouteRequest, type ViewRouteRequest } from "./route-request.js";
import { respond, type ViewRouteResponse } from "./route-response.js";

/** The HTTP methods upstream's `RouteDefinition` lists (GET, POST, PUT, DELETE), and PATCH, which is ours. */
export type ViewRouteMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

const methods: readonly string[] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** A route as the router keeps it: its view, method, compiled pattern and whatever answers it. */
export interface CompiledRoute<H> {
  readonly view: string;
  readonly method: string;
  readonly pattern: RoutePattern;
  readonly handler: H;
}

/** A request matched to a route: the route, and the request as its handler sees it. */
export interface MatchedRoute<H> {
  readonly route: CompiledRoute<H>;
  readonly request: ViewRouteRequest;
  /** From the path's platform prefix, the `workspace_id` query parameter or the `x-workspace-id` header. */
  readonly workspaceId: string | undefined;
}

// `/api/v1/workspaces/{id}/views/{plugin}`: where the platform serves a plugin's routes and stream.
const platformPrefix = /^\/api\/v1\/workspaces\/([^/]+)\/views\/[^/]+(?=\/|$)/;

function splitQuery(path: string): { path: string; query: Record<string, string> } {
  const at = path.indexOf("?");
  if (at < 0) return { path, query: {} };
  return { path: path.slice(0, at), query: Object.fromEntries(new URLSearchParams(path.slice(at + 1))) };
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

/**
 * The routes of a plugin's views. `add` refuses a route whose method is not allowed, whose path is not a
 * valid pattern, or that matches the same requests as one added before; `match` finds the route for a
 * `RouteRequest`, or answers the 404 or 405 the platform relays.
 *
 * `RouteRequest.path` may be plugin-relative (`/api/tasks`) or the full one
 * (`/api/v1/workspaces/{id}/views/{plugin}/api/tasks`): the reference does not say which, so both match.
 */
export class ViewRouter<H> {
  private readonly compiled: CompiledRoute<H>[] = [];
  private readonly shapes = new Map<string, string>();

  /** Compiles the routes of one view; on a problem nothing of it is added. */
  add(view: string, routes: readonly { method: string; path: string; handler: H }[]): CompiledRoute<H>[] {
    const added: CompiledRoute<H>[] = [];
    const shapes = new Map<string, string>();
    for (const r of routes) {
      const method = typeof r.method === "string" ? r.method.toUpperCase() : "";
      if (!methods.includes(method)) {
        throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view)}: route method ${JSON.stringify(r.method)} is not one of ${methods.join(", ")}`);
      }
      if (typeof r.handler !== "function") {
        throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view)}: route ${method} ${String(r.path)} needs a handler function`);
      }
      let pattern: RoutePattern;
      try {
        pattern = parseRoutePattern(r.path);
      } catch (err) {
        throw new AgentwireError("invalid_argument", `view ${JSON.stringify(view)}: ${messageOf(err)}`, { cause: err });
      }
      const key = `${method} ${patternShape(r.path)}`;
      const other = this.shapes.get(key) ?? shapes.get(key);
      if (other !== undefined) {
        throw new AgentwireError("already_exists", `${method} ${r.path} (view ${JSON.stringify(view)}) and ${other} match the same requests: declare each route once`);
      }
      shapes.set(key, `${method} ${r.path} (view ${JSON.stringify(view)})`);
      added.push({ view, method, pattern, handler: r.handler });
    }
    for (const [key, label] of shapes) this.shapes.set(key, label);
    this.compiled.push(...added);
    return added;
  }

  /** `GET /api/tasks`, ...: what a 404 lists. */
  get known(): string[] {
    return this.compiled.map((r) => `${r.method} ${r.pattern.path}`);
  }

  /** The route for `req`, or the 404/405 response to answer instead. */
  match(req: Pick<RouteRequest, "method" | "path" | "query" | "headers" | "body">): MatchedRoute<H> | ViewRouteResponse {
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

    const matching = this.compiled.flatMap((r) => {
      const params = r.pattern.match(path);
      return params ? [{ route: r, params }] : [];
    });
    if (matching.length === 0) return respond.notFound(`no route matches ${method} ${path}`, { routes: this.known });
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
    return { route: chosen.route, request, workspaceId };
  }
}

/** True for a matched route, false for the response to answer instead. */
export function isMatch<H>(result: MatchedRoute<H> | ViewRouteResponse): result is MatchedRoute<H> {
  return "route" in result;
}

import { AgentwireError, messageOf, parseJson, type JsonValue } from "@agentwire/core";

/**
 * A request the platform forwarded to `HandleRoute`, as a route handler sees it. The body is already in
 * memory; `text()` and `json()` are async only to read like `fetch`'s `Request`.
 */
export interface ViewRouteRequest {
  /** Upper case: `GET`, `POST`, `PUT`, `DELETE`, ... */
  readonly method: string;
  /**
   * The path the route matched, relative to the plugin (`/api/tasks/7`): without the
   * `/api/v1/workspaces/{id}/views/{plugin}` prefix (when the platform sent one) and without a query string.
   */
  readonly path: string;
  /** `RouteRequest.path` exactly as the platform sent it. */
  readonly rawPath: string;
  /** The route pattern that matched, e.g. `/api/tasks/:id`. */
  readonly route: string;
  /** The pattern's `:params`, percent-decoded: `{ id: "7" }` for `/api/tasks/7`. */
  readonly params: Readonly<Record<string, string>>;
  /** `RouteRequest.query`, plus any query string the path carried. */
  readonly query: Readonly<Record<string, string>>;
  /** `RouteRequest.headers` with lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): Promise<string>;
  /**
   * The body parsed as JSON, losslessly (core's `parseJson`: an integer past 2^53 is a `bigint`, `1.0` a
   * `LosslessNumber`; `respond.json` writes them back exactly). A body that is empty or not JSON throws an
   * `invalid_argument` error that the route answers as 400 `{"error": "request body is not JSON: ..."}`
   * unless the handler catches it.
   */
  json<T = JsonValue>(): Promise<T>;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

export function createRouteRequest(init: {
  method: string;
  path: string;
  rawPath: string;
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Uint8Array;
}): ViewRouteRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] = value;
  const text = () => decoder.decode(init.body);
  return {
    method: init.method,
    path: init.path,
    rawPath: init.rawPath,
    route: init.route,
    params: init.params,
    query: init.query,
    headers,
    body: init.body,
    text: async () => text(),
    json: async <T>() => {
      const raw = text();
      if (raw.trim() === "") {
        throw new AgentwireError("invalid_argument", `request body is empty: ${init.method} ${init.route} expects a JSON body`);
      }
      try {
        return parseJson(raw) as T;
      } catch (err) {
        throw new AgentwireError("invalid_argument", `request body is not JSON: ${messageOf(err)}`, { cause: err });
      }
    },
  };
}

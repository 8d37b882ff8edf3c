import { AgentwireError, httpStatusForCode, stringifyJson } from "@agentwire/core";

/**
 * What a route handler answers: `RouteResponse`'s fields. A string body is sent as UTF-8. Build one with
 * `respond.json(...)`, `respond.text(...)` or `respond.notFound(...)`, or write it out.
 */
export interface ViewRouteResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Default: empty. */
  readonly body?: Uint8Array | string;
  /** Default: none (`respond.*` set `content-type`). */
  readonly headers?: Readonly<Record<string, string>>;
}

const jsonType = "application/json; charset=utf-8";
const textType = "text/plain; charset=utf-8";

function checkStatus(status: number): number {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`HTTP status ${status} is not an integer from 100 to 599`);
  }
  return status;
}

/**
 * Builds route responses. Error bodies are JSON objects with an `error` message (and, for a validation
 * failure, a `fields` map), the shape upstream's own settings API answers:
 * `{"error": "validation failed", "fields": {"title": "required"}}`.
 *
 * ```ts
 * import { respond, route } from "@agentwire/agentplatform";
 *
 * declare const store: { add(task: unknown): { id: string } };
 *
 * export const addTask = route("POST", "/api/tasks", async (req) => respond.json(201, store.add(await req.json())));
 * ```
 */
export const respond = {
  /** `body` as JSON (`content-type: application/json`), written losslessly (a `bigint` or `LosslessNumber` exactly). */
  json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): ViewRouteResponse {
    const text = stringifyJson(body);
    if (text === undefined) throw new TypeError(`respond.json: ${typeof body} is not JSON; pass an object, array, string, number, boolean or null`);
    return { status: checkStatus(status), body: text, headers: { "content-type": jsonType, ...headers } };
  },
  /** Plain text (`content-type: text/plain`). */
  text(status: number, body: string, headers: Readonly<Record<string, string>> = {}): ViewRouteResponse {
    return { status: checkStatus(status), body, headers: { "content-type": textType, ...headers } };
  },
  /** An empty response, e.g. `respond.empty(204)`. */
  empty(status = 204, headers: Readonly<Record<string, string>> = {}): ViewRouteResponse {
    return { status: checkStatus(status), headers: { ...headers } };
  },
  /** `{"error": message, ...extra}` with `status`. */
  error(status: number, message: string, extra: Readonly<Record<string, unknown>> = {}): ViewRouteResponse {
    return respond.json(status, { error: message, ...extra });
  },
  /** 404 `{"error": message}`. */
  notFound(message = "not found", extra: Readonly<Record<string, unknown>> = {}): ViewRouteResponse {
    return respond.error(404, message, extra);
  },
  /**
   * 422 `{"error": "validation failed", "fields": {...}}`: a well-formed request whose values are wrong,
   * one problem per field.
   */
  invalid(fields: Readonly<Record<string, string>>, message = "validation failed"): ViewRouteResponse {
    return respond.error(422, message, { fields });
  },
} as const;

/**
 * The response for an error a handler threw: an `AgentwireError` keeps its message and its code's HTTP status
 * (`invalid_argument` → 400, `not_found` → 404, ...), with `details` merged into the body; anything else is
 * the plugin breaking: 500 with a generic message (the error itself goes to the log, not the browser).
 */
export function errorResponse(err: unknown): ViewRouteResponse {
  if (err instanceof AgentwireError) {
    return respond.error(httpStatusForCode[err.code], err.message, err.details);
  }
  return respond.error(500, "internal error", {});
}

// An LLM provider is usually a proxy for an HTTP API. When that API refuses a request, the platform should
// get the gRPC code a Go or Python client expects for that refusal (so it can tell "fix your key" from "try
// again later") and the upstream's own words, but never the key.
import { Code, ConnectError } from "@connectrpc/connect";
import { redactSecrets } from "./redact.js";

// What marks an UpstreamHttpError, across duplicate copies of this package (its ESM and CJS builds).
// Not core's isBrandedInstance: it reads the brands AgentwireError's constructor records, which a ConnectError subclass never runs.
const upstreamBrand = Symbol.for("agentwire.agentplatform.UpstreamHttpError");

/**
 * The gRPC code for an upstream HTTP status:
 *
 * | HTTP | gRPC | why |
 * |---|---|---|
 * | 400, 413, 422 | INVALID_ARGUMENT | the request (messages, tools, parameters) must change |
 * | 401 | UNAUTHENTICATED | the key is missing, wrong or revoked |
 * | 402, 429 | RESOURCE_EXHAUSTED | rate limit or quota (402: out of credits, as OpenRouter says it) |
 * | 403 | PERMISSION_DENIED | the key may not use this model or region |
 * | 404 | NOT_FOUND | unknown model or endpoint |
 * | 408 | DEADLINE_EXCEEDED | the upstream timed out waiting for the request |
 * | 409 | ABORTED | a conflict; retrying the whole call may succeed |
 * | 5xx | UNAVAILABLE | the upstream failed; retrying later may succeed |
 * | anything else | UNKNOWN | gRPC's own HTTP-to-gRPC mapping uses UNKNOWN for statuses it cannot place |
 */
export function codeForUpstreamStatus(status: number): Code {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 402:
    case 429:
      return Code.ResourceExhausted;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 408:
      return Code.DeadlineExceeded;
    case 409:
      return Code.Aborted;
    default:
      return status >= 500 && status <= 599 ? Code.Unavailable : Code.Unknown;
  }
}

export interface UpstreamHttpErrorOptions {
  /**
   * Secrets to remove from the message by value, e.g. `[apiKey]`. Anything shaped like a well-known key
   * (`sk-...`, `Bearer ...`) is removed whether listed or not. Default: none.
   */
  redact?: Iterable<string | undefined>;
  /** Who answered, as the message names it: `OpenAI answered HTTP 429: ...`. Default: `upstream`. */
  upstream?: string;
  /** The error that led here, kept for logs (never sent). Default: none. */
  cause?: unknown;
}

// An error message is for a person; a page of HTML or a stack dump is not.
const maxMessageChars = 1000;

/**
 * An upstream HTTP API refused a request: a `ConnectError` with the code `codeForUpstreamStatus` gives,
 * the upstream's message with secrets removed, and the status kept for the plugin's own use. Throw it
 * from `complete` and the platform gets exactly that code and message.
 *
 * ```ts
 * if (!res.ok) throw new UpstreamHttpError(res.status, "Rate limit reached for gpt-4o", { upstream: "OpenAI", redact: [apiKey] });
 * // ConnectError [resource_exhausted] OpenAI answered HTTP 429: Rate limit reached for gpt-4o
 * ```
 *
 * `upstreamErrorFromResponse` builds one from a `fetch` response, reading the message out of the body.
 */
export class UpstreamHttpError extends ConnectError {
  /** The upstream's HTTP status. */
  readonly status: number;

  constructor(status: number, message: string, options: UpstreamHttpErrorOptions = {}) {
    const said = redactSecrets(message.trim(), options.redact ?? []);
    const text = said.length > maxMessageChars ? `${said.slice(0, maxMessageChars)}…` : said;
    super(
      `${options.upstream ?? "upstream"} answered HTTP ${status}${text === "" ? "" : `: ${text}`}`,
      codeForUpstreamStatus(status),
      undefined,
      undefined,
      options.cause,
    );
    // The name stays "ConnectError": Connect recognises its errors by name across package copies.
    this.status = status;
    Object.defineProperty(this, upstreamBrand, { value: true, enumerable: false });
  }

  /**
   * True for an UpstreamHttpError (from any copy of this package) and, for a subclass, its own instances.
   * ConnectError's own check would answer true for every ConnectError, which is not one of these.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== UpstreamHttpError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[upstreamBrand] === true;
  }
}

// Enough for any JSON error document; an upstream that streams megabytes of error is cut off.
const maxBodyBytes = 64 * 1024;

async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBodyBytes) {
      const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (done || value === undefined) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Releases the connection whether or not the body was read to its end.
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBodyBytes));
}

function stringAt(value: unknown, ...path: (string | number)[]): string | undefined {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return typeof at === "string" && at.trim() !== "" ? at : undefined;
}

/**
 * The human-readable message in an HTTP error body, whichever shape the API uses: `{"error": {"message"}}`
 * (OpenAI, Anthropic, Azure, Groq, Mistral), `{"error": "..."}` (Ollama), `{"message": "..."}` (vLLM and
 * most gateways), `{"detail": ...}` (FastAPI servers), `{"errors": [{"message"}]}`; else the body itself
 * when it is short plain text; else `""`.
 */
export function upstreamErrorMessage(body: string): string {
  const trimmed = body.trim();
  if (trimmed === "") return "";
  try {
    const doc: unknown = JSON.parse(trimmed);
    const found =
      stringAt(doc, "error", "message") ??
      stringAt(doc, "error") ??
      stringAt(doc, "message") ??
      stringAt(doc, "detail") ??
      stringAt(doc, "detail", 0, "msg") ??
      stringAt(doc, "errors", 0, "message");
    if (found !== undefined) return found;
    return trimmed.length <= 300 ? trimmed : "";
  } catch {
    // Not JSON: plain text is a message, an HTML error page is not.
    return trimmed.startsWith("<") ? "" : trimmed;
  }
}

/**
 * Reads a refused `fetch` response (a bounded amount of its body) into an `UpstreamHttpError` carrying the
 * upstream's message (see `upstreamErrorMessage`), or its status text when the body says nothing.
 *
 * ```ts
 * const res = await fetch(url, { method: "POST", headers, body, signal: context.signal });
 * if (!res.ok) throw await upstreamErrorFromResponse(res, { upstream: "OpenAI", redact: [apiKey] });
 * ```
 */
export async function upstreamErrorFromResponse(response: Response, options: UpstreamHttpErrorOptions = {}): Promise<UpstreamHttpError> {
  let body = "";
  try {
    body = await readBounded(response);
  } catch {
    // The status alone still says what happened.
  }
  const message = upstreamErrorMessage(body) || response.statusText;
  return new UpstreamHttpError(response.status, message, options);
}

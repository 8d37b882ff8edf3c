import { performance } from "node:perf_hooks";
import { CredentialError, RemoteHttpAgent, type AgentContext, type CheckContext, type JsonObject, type ReceiveContext } from "@agentwire/activeworkflow";
import { z } from "zod";

/** ActiveWorkflow gives up on a remote agent after 60 s (Net::HTTP's read timeout); a request must end well before. */
export const maxTimeoutMs = 55_000;

/** Time kept, out of what ActiveWorkflow still waits (`ctx.timeoutMs()`), to answer with an error. */
const answerMarginMs = 1_000;

const httpStatusOptions = z.object({
  // Checked when a request is made, not here: `receive` requests the message's URL and must not fail
  // because the instance's own `url` is unset or wrong.
  url: z.string({ error: 'must be the URL to request, e.g. "https://example.com/health"' }),
  changes_only: z.boolean({ error: "must be true or false" }),
  auth_credential: z.string({ error: "must be the name of one of your credentials" }).optional(),
  timeout_ms: z
    .number({ error: `must be a whole number of milliseconds, at most ${maxTimeoutMs}` })
    .int(`must be a whole number of milliseconds, at most ${maxTimeoutMs}`)
    .positive(`must be a whole number of milliseconds, at most ${maxTimeoutMs}`)
    .max(maxTimeoutMs, `must be at most ${maxTimeoutMs} (ActiveWorkflow stops waiting for the agent after 60 000 ms)`),
});

export type HttpStatusOptions = z.infer<typeof httpStatusOptions>;

/** What `HttpStatusAgent` emits. */
export interface StatusReport extends JsonObject {
  /** The URL as given (option `url` or the message's `payload.url`). */
  url: string;
  /** The HTTP status of the answer; a redirect is reported as itself (301, 302, …), not followed. */
  status: number;
  /** Milliseconds from sending the request to receiving the status line and headers. */
  elapsed_ms: number;
}

export const userAgent = "agentwire-example-http-status/0.1";

/**
 * Requests a URL and reports its HTTP status as `{"url", "status", "elapsed_ms"}`:
 *
 * - `check` requests option `url`; `receive` requests the received message's `payload.url`.
 * - With `changes_only`, a status equal to `memory.last_status` emits nothing. `last_status` is stored on
 *   every answered request, whether or not it emitted.
 * - `auth_credential` names one of the user's ActiveWorkflow credentials, sent as
 *   `Authorization: Bearer <value>`; a name the user has no credential for is an error naming it.
 * - A URL that is not http(s), cannot be reached or does not answer within `timeout_ms` is an `errors`
 *   entry: nothing is emitted and `last_status` stays as it was.
 * - Redirects are not followed: a 301/302/307/308 is the status reported. A monitor should say what the
 *   URL itself answers, and not following keeps the bearer credential on the host the user named.
 */
export class HttpStatusAgent extends RemoteHttpAgent<HttpStatusOptions> {
  readonly name = "HttpStatusAgent"; // ActiveWorkflow's type id (Agents::HttpStatusAgent): never rename it
  readonly displayName = "HTTP Status Agent";
  readonly description = [
    "Requests a URL and emits its HTTP status.",
    "",
    'Emits `{"url": …, "status": 200, "elapsed_ms": 42}`. On its schedule it requests option `url`; when it',
    "receives a message it requests the message's `url` instead. Redirects are not followed: a redirect's own",
    "status (301, 302, …) is reported. A URL that cannot be reached is logged as an error, and nothing is emitted.",
    "",
    "Options:",
    "",
    "- `url`: the URL to request on schedule (http or https).",
    "- `changes_only`: when `true`, emit only when the status differs from the last one seen (default `false`).",
    "- `auth_credential`: optional; the name of one of your credentials, sent as `Authorization: Bearer <value>`.",
    `- \`timeout_ms\`: how long to wait for an answer, at most ${maxTimeoutMs} (default 10000).`,
  ].join("\n");
  readonly defaultOptions = { url: "https://example.com/", changes_only: false, timeout_ms: 10_000 };
  override readonly optionsSchema = httpStatusOptions;

  override async check(ctx: CheckContext<HttpStatusOptions>): Promise<void> {
    await requestStatus(ctx, ctx.options.url, "option url");
  }

  override async receive(ctx: ReceiveContext<HttpStatusOptions>): Promise<void> {
    const url = ctx.payload.url;
    if (typeof url !== "string") {
      ctx.error(
        `the received message has no "url" string in its payload (payload keys: ${Object.keys(ctx.payload).join(", ") || "none"}); ` +
          "link an agent that emits {\"url\": …}",
      );
      return;
    }
    await requestStatus(ctx, url, "payload.url");
  }
}

async function requestStatus(ctx: AgentContext<HttpStatusOptions>, url: string, source: string): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    ctx.error(`${source} ${JSON.stringify(url)} is not a valid URL: give an absolute http:// or https:// URL`);
    return;
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    ctx.error(`${source} ${JSON.stringify(url)} is not an http:// or https:// URL`);
    return;
  }

  const headers: Record<string, string> = { accept: "*/*", "user-agent": userAgent };
  // "" is what a user leaves in the editor after deleting the name: no authentication, as when unset.
  if (ctx.options.auth_credential !== undefined && ctx.options.auth_credential !== "") {
    try {
      headers.authorization = `Bearer ${ctx.credentialFromOption("auth_credential")}`;
    } catch (err) {
      // The message names the option and the credential (never a value). Reported here rather than thrown:
      // it is the user's configuration to fix, not a server error worth a stack trace in the server log.
      if (!(err instanceof CredentialError)) throw err;
      ctx.error(err.message);
      return;
    }
  }

  // ActiveWorkflow stops waiting 60 s after it sent the call, whatever timeout_ms says: ctx.timeoutMs() is
  // what is left of that, so the request ends in time for the agent to answer with an error.
  const leftMs = Math.max(0, ctx.timeoutMs() - answerMarginMs);
  const timeoutMs = Math.min(ctx.options.timeout_ms, leftMs);
  const limit = timeoutMs < ctx.options.timeout_ms ? "what was left of ActiveWorkflow's 60 s" : "option timeout_ms";
  const timeout = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(target, { method: "GET", headers, redirect: "manual", signal: AbortSignal.any([ctx.signal, timeout]) });
  } catch (err) {
    if (timeout.aborted) ctx.error(`GET ${url} got no answer within ${timeoutMs} ms (${limit})`);
    else if (ctx.signal.aborted) ctx.error(`GET ${url} abandoned: ${reasonOf(ctx.signal.reason)}`);
    else ctx.error(`GET ${url} failed: ${reasonOf(err)}`);
    return;
  }
  const elapsed = Math.round(performance.now() - started);
  // Only the status matters: drop the body rather than download it.
  await response.body?.cancel().catch(() => undefined);
  ctx.logger.debug({ url, status: response.status, elapsedMs: elapsed }, "status fetched");

  const last = ctx.memory.last_status;
  ctx.updateMemory({ last_status: response.status });
  if (ctx.options.changes_only && last === response.status) return;
  const report: StatusReport = { url, status: response.status, elapsed_ms: elapsed };
  ctx.emit(report);
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS error). */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return err.message;
}

import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { gunzipSync, inflateSync } from "node:zlib";
import { activeWorkflowHeaders } from "@agentwire/activeworkflow/testing";
import type { ActiveWorkflowCases } from "../../cases.js";
import type { CheckDefinition } from "../../check.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";
import { awChecks } from "./checks.js";
import { shownBody } from "./shared.js";

/** The body as text, inflated when the agent answered gzip or deflate (ActiveWorkflow's headers accept both). */
function bodyText(raw: Buffer, encoding: string | undefined): string {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
      return gunzipSync(raw).toString("utf8");
    case "deflate":
      return inflateSync(raw).toString("utf8");
    default:
      return raw.toString("utf8");
  }
}

/**
 * One raw POST with node:http and ActiveWorkflow's exact headers (the driver's `activeWorkflowHeaders`): status
 * and text, or a rejection naming the timeout or the socket error.
 */
export function rawPost(target: ActiveWorkflowTarget, body: string, timeoutMs: number, signal: AbortSignal): Promise<{ status: number; contentType: string | undefined; body: string }> {
  const url = new URL(target.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: "POST", headers: { ...activeWorkflowHeaders, ...target.headers, "Content-Length": String(Buffer.byteLength(body)) }, agent: false, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body: bodyText(Buffer.concat(chunks), res.headers["content-encoding"]) });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.once("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms (the server hung)`)));
    req.once("error", reject);
    req.end(body);
  });
}

/** Discovery: requests a conforming agent refuses before doing anything. */
export const httpSuite: Suite<ActiveWorkflowTarget, ActiveWorkflowCases> = {
  name: "activeworkflow.http",
  description: "bodies no ActiveWorkflow sends are refused with a 4xx, not a hang or a 5xx page",
  async run(ctx) {
    const refused = (definition: CheckDefinition, body: string, what: string) =>
      ctx.check(definition, async (rec) => {
        let answer: Awaited<ReturnType<typeof rawPost>>;
        try {
          answer = await rawPost(ctx.target, body, ctx.callTimeoutMs, rec.signal);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          rec.exchange(`POST ${ctx.target.url} (${what})`, body, { error: message });
          return rec.fail(`no answer to ${what}: ${message}`, "a prompt 4xx answer (400 or 422), ideally a JSON error body");
        }
        rec.exchange(`POST ${ctx.target.url} (${what})`, body, { status: answer.status, contentType: answer.contentType, body: shownBody(answer.body) });
        if (answer.status < 400 || answer.status >= 500) {
          rec.fail(`${what} was answered with HTTP ${answer.status}${answer.status >= 500 ? " (a server error, not a refusal)" : " (not a refusal)"}`, "a 4xx answer (400 or 422), ideally a JSON error body");
        }
      });
    await refused(awChecks.httpNotJson, "this is not JSON {", "a body that is not JSON");
    await refused(awChecks.httpUnknownMethod, JSON.stringify({ method: "agentwire_conformance_unknown", params: {} }), "an unknown method");
  },
};

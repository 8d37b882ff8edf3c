import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";
import { AgentwireError, type Logger } from "@agentwire/core";
import { createAgentHandler, type AgentHandler, type AnyRemoteHttpAgent } from "../agent-handler.js";
import { signBody } from "../request-auth.js";

/** How the driver reaches an agent: one POST, raw body in, status and body text out. Rejects when no answer came. */
export interface AgentTransport {
  /** For messages: "in-process DigestAgent" or the URL. */
  readonly target: string;
  post(body: string): Promise<{ status: number; body: string }>;
}

/** What `createInProcessTransport` drives: an agent, or a handler already made from one. */
export interface InProcessTarget {
  agent: AnyRemoteHttpAgent | AgentHandler;
}

/** Options of `createInProcessTransport`. */
export interface InProcessTransportOptions {
  /** The handler's logger (when given an agent). Default: silent. */
  logger?: Logger;
}

/**
 * Calls an agent in this process through the handler `serve` uses (same parsing, validation, result
 * building), without a port.
 *
 * ```ts
 * import { createActiveWorkflowDriver, createInProcessTransport } from "@agentwire/activeworkflow/testing";
 * import { createLogger, type RemoteHttpAgent } from "@agentwire/activeworkflow";
 *
 * declare const agent: RemoteHttpAgent;
 * const transport = createInProcessTransport({ agent }, { logger: createLogger({ level: "debug" }) });
 * const driver = createActiveWorkflowDriver({ transport });
 * console.log((await driver.register()).registration?.name);
 * ```
 */
export function createInProcessTransport(target: InProcessTarget, options: InProcessTransportOptions = {}): AgentTransport {
  const agent = target.agent;
  const handler = isAgentHandler(agent) ? agent : createAgentHandler(agent, options.logger ? { logger: options.logger } : {});
  return {
    target: `in-process ${handler.registration.name}`,
    post: (body) => handler.handleRequest(body),
  };
}

function isAgentHandler(value: AnyRemoteHttpAgent | AgentHandler): value is AgentHandler {
  return typeof (value as Partial<AgentHandler>).handleRequest === "function" && "registration" in value;
}

/** How the HTTP transport signs each body, as `serve({ auth: { hmac } })` checks it. */
export interface HmacSigning {
  secret: string;
  /** Default: `x-agentwire-signature`. */
  header?: string;
}

/**
 * The headers ActiveWorkflow's `Faraday.post` (Faraday 0.17.6 on Net::HTTP, which opens a connection per
 * call) sends; `Host` and `Content-Length` are added by the HTTP client. The `{ url }` driver sends exactly
 * these; use them for raw requests of your own that should look like the real caller's. Note the
 * `Accept-Encoding`: an agent may answer gzip or deflate, which the caller then has to inflate.
 *
 * ```ts
 * import { activeWorkflowHeaders } from "@agentwire/activeworkflow/testing";
 * await fetch(url, { method: "POST", headers: { ...activeWorkflowHeaders }, body: "not JSON {" });
 * ```
 */
export const activeWorkflowHeaders: Readonly<Record<string, string>> = {
  "Content-Type": "application/json",
  "User-Agent": "Faraday v0.17.6",
  "Accept-Encoding": "gzip;q=1.0,deflate;q=0.6,identity;q=0.3",
  Accept: "*/*",
  Connection: "close",
};

/**
 * Calls an agent over real HTTP with exactly ActiveWorkflow's headers. It uses `node:http` rather than
 * `fetch`, because `fetch` adds headers ActiveWorkflow never sends (`sec-fetch-mode`, `accept-language`)
 * and pools connections, which Net::HTTP does not. Like Net::HTTP it inflates a gzip or deflate answer.
 */
export function createHttpTransport(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs?: number; hmac?: HmacSigning } = {},
): AgentTransport {
  const target = new URL(url);
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new AgentwireError("invalid_argument", `agent URL ${JSON.stringify(url)} must be http:// or https://`);
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const hmac = options.hmac;
  return {
    target: url,
    post: (body) =>
      new Promise((resolve, reject) => {
        const send = target.protocol === "https:" ? httpsRequest : httpRequest;
        const req = send(
          target,
          {
            method: "POST",
            headers: {
              ...activeWorkflowHeaders,
              ...options.headers,
              ...(hmac === undefined ? {} : { [hmac.header ?? "x-agentwire-signature"]: signBody(hmac.secret, body) }),
              "Content-Length": String(Buffer.byteLength(body)),
            },
            agent: false,
          },
          (res) => {
            const encoding = res.headers["content-encoding"];
            const stream: Readable = encoding === "gzip" ? res.pipe(createGunzip()) : encoding === "deflate" ? res.pipe(createInflate()) : res;
            const chunks: Buffer[] = [];
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            stream.once("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
            stream.once("error", reject);
          },
        );
        // Net::HTTP's read timeout (60 s by default; ActiveWorkflow sets none of its own).
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`Net::ReadTimeout: no answer from ${url} within ${timeoutMs} ms`)));
        req.once("error", reject);
        req.end(body);
      }),
  };
}

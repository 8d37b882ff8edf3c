import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";
import { AgentwireError, type Logger } from "@agentwire/core";
import { createAgentHandler, type AgentHandler, type AnyRemoteHttpAgent } from "../agent-handler.js";

/** How the driver reaches an agent: one POST, raw body in, status and body text out. Rejects when no answer came. */
export interface AgentTransport {
  /** For messages: "in-process DigestAgent" or the URL. */
  readonly target: string;
  post(body: string): Promise<{ status: number; body: string }>;
}

/**
 * Calls an agent in this process through the handler `serve` uses (same parsing, validation, result
 * building), without a port.
 */
export function createInProcessTransport(agent: AnyRemoteHttpAgent | AgentHandler, options: { logger?: Logger } = {}): AgentTransport {
  const handler = "handleRequest" in agent ? agent : createAgentHandler(agent, options);
  return {
    target: `in-process ${handler.registration.name}`,
    post: (body) => handler.handleRequest(body),
  };
}

/**
 * The headers ActiveWorkflow's `Faraday.post` (Faraday 0.17.6 on Net::HTTP, which opens a connection per
 * call) sends; `Host` and `Content-Length` are added by the HTTP client.
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
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): AgentTransport {
  const target = new URL(url);
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new AgentwireError("invalid_argument", `agent URL ${JSON.stringify(url)} must be http:// or https://`);
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    target: url,
    post: (body) =>
      new Promise((resolve, reject) => {
        const send = target.protocol === "https:" ? httpsRequest : httpRequest;
        const req = send(
          target,
          {
            method: "POST",
            headers: { ...activeWorkflowHeaders, ...options.headers, "Content-Length": String(Buffer.byteLength(body)) },
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

import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { AgentwireError, httpStatusForCode, type ErrorCode, type Logger } from "@agentwire/core";
import type { ServedAgentHandler } from "./agent-handler.js";
import { BodyTooLarge, readBody } from "./read-body.js";
import { checkBearer, checkHmac, type RequestAuthOptions } from "./request-auth.js";
import { normalizePath } from "./route-table.js";
import type { ErrorBody } from "./wire-format.js";

export interface RequestPipelineOptions {
  routes: ReadonlyMap<string, ServedAgentHandler>;
  auth: RequestAuthOptions | undefined;
  maxMessageBytes: number;
  logger: Logger;
}

/** The two listeners a `node:http` server needs: one for requests, one for `Expect: 100-continue`. */
export interface RequestPipeline {
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly onCheckContinue: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * One request, from the socket to the agent's handler and back: authentication (when set), the path, the
 * method, the body within `maxMessageBytes`, then the handler; every refusal a JSON
 * `{"error": {"code", "message"}}` with the status its code maps to.
 */
export function createRequestPipeline(options: RequestPipelineOptions): RequestPipeline {
  const { routes, auth, maxMessageBytes, logger } = options;
  const knownPaths = [...routes.keys()].join(", ");

  const refuse = (res: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}) => {
    const status = httpStatusForCode[code];
    const body: ErrorBody = { error: { code, message } };
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
    logger.warn({ status, code }, `refused: ${message}`);
  };

  // Requests that sent `Expect: 100-continue`: told to go ahead only once the server means to read the body.
  const awaitingContinue = new WeakSet<IncomingMessage>();

  /** Reads the body within the limit, or answers 413 and returns undefined (also when the client went away). */
  const bodyOf = async (req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> => {
    const tooLarge = (message: string) => {
      // The rest of the body is not wanted: close rather than read it to keep the connection.
      refuse(res, "payload_too_large", message, { connection: "close" });
      return undefined;
    };
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxMessageBytes) {
      return tooLarge(`request body of ${declared} bytes is over the limit of ${maxMessageBytes} bytes`);
    }
    if (awaitingContinue.has(req)) res.writeContinue();
    try {
      return await readBody(req, maxMessageBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return tooLarge(`request body is over the limit of ${maxMessageBytes} bytes: refused after reading ${err.bytesRead} bytes of it (no Content-Length was declared)`);
      }
      logger.debug({ err }, "request body not read: client went away");
      return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // ctx.timeoutMs() counts ActiveWorkflow's 60 s from here: its read timeout starts once the request is sent.
    const receivedAt = performance.now();
    // Authentication comes first: a request that does not pass learns nothing about the server, not even
    // which paths exist. A bearer token is checked from the headers; an HMAC needs the body.
    let body: Buffer | undefined;
    if (auth !== undefined) {
      const bearerRefusal = checkBearer(auth, req.headers);
      if (bearerRefusal) return refuse(res, bearerRefusal.code, bearerRefusal.message, { "www-authenticate": "Bearer" });
      if (auth.hmac !== undefined) {
        body = await bodyOf(req, res);
        if (body === undefined) return;
        const hmacRefusal = checkHmac(auth, req.headers, body);
        if (hmacRefusal) return refuse(res, hmacRefusal.code, hmacRefusal.message);
      }
    }

    // The exact path is the usual case; a trailing slash or a query string takes the longer way.
    let path = req.url ?? "/";
    let handler = routes.get(path);
    if (handler === undefined) {
      path = normalizePath(path);
      handler = routes.get(path);
    }
    if (handler === undefined) {
      return refuse(res, "not_found", `no agent at path ${JSON.stringify(path)}; known paths: ${knownPaths}`);
    }
    if (req.method !== "POST") {
      return refuse(res, "method_not_allowed", `${req.method ?? "?"} ${path}: ActiveWorkflow agents answer POST only`, { allow: "POST" });
    }
    body ??= await bodyOf(req, res);
    if (body === undefined) return;

    // ActiveWorkflow hanging up (its read timeout is 60 s) aborts the call's signal, and is logged: the
    // answer will be lost, and ActiveWorkflow retries the job with the old memory. The controller is made
    // only when the agent reads ctx.signal (most never do); a hang-up before that read makes it aborted.
    let hangUp: AbortController | undefined;
    let hungUp = false;
    const hangUpReason = () => new AgentwireError("canceled", "the client closed the connection");
    const onHangUp = () => {
      if (hungUp || res.writableFinished) return;
      hungUp = true;
      logger.warn({ path }, "the client closed the connection before the answer was sent (ActiveWorkflow stops waiting after 60 s, then retries the job)");
      hangUp?.abort(hangUpReason());
    };
    if (res.destroyed) onHangUp();
    else res.once("close", onHangUp);
    const hangUpSignal = (): AbortSignal => {
      hangUp = new AbortController();
      if (hungUp) hangUp.abort(hangUpReason());
      return hangUp.signal;
    };
    const answer = await handler.handle(body, hangUpSignal, receivedAt);
    if (res.destroyed) return;
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, "request failed");
      if (!res.headersSent) refuse(res, "internal", "internal error in agentwire; the agent server's log has the details");
      else res.destroy();
    });
  };

  return {
    onRequest,
    // A client that asks before sending a large body (curl does above 1 MiB) is told to go ahead only when
    // the body is to be read (authenticated, a known path, POST, the declared size fits); otherwise it gets
    // its refusal without sending anything.
    onCheckContinue: (req, res) => {
      awaitingContinue.add(req);
      onRequest(req, res);
    },
  };
}

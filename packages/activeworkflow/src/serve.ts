import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  AgentwireError,
  CallTracker,
  createLogger,
  httpStatusForCode,
  listenGracefully,
  onShutdownSignals,
  type ErrorCode,
  type Logger,
} from "@agentwire/core";
import { createServedAgentHandler, type AnyRemoteHttpAgent, type ServedAgentHandler } from "./agent-handler.js";
import { agentUrlEnvVar, defaultAgentPath } from "./agent-name.js";
import { checkAuthOptions, checkBearer, checkHmac, type RequestAuthOptions } from "./request-auth.js";
import type { ErrorBody } from "./wire-format.js";

export interface ServeOptions {
  /**
   * The agents to host, each at its own path. A record maps paths to agents
   * (`{ "/digest": new DigestAgent() }`); an array gives each agent the path made from its name in
   * kebab-case without a trailing "-agent" (`DigestAgent` → `/digest`, `RSSFeedAgent` → `/rss-feed`).
   * Names must be unique (ActiveWorkflow would silently merge two types of one name).
   */
  agents: Readonly<Record<string, AnyRemoteHttpAgent>> | readonly AnyRemoteHttpAgent[];
  /** Default: `PORT` from the environment, else 4567. 0 picks a free port. */
  port?: number;
  /**
   * Address to bind. Default: `HOST` from the environment, else `127.0.0.1`. ActiveWorkflow sends no
   * authentication, so the default keeps the agents off the network; use `0.0.0.0` in a container or when
   * ActiveWorkflow runs in Docker and calls `host.docker.internal`.
   */
  host?: string;
  /**
   * Largest request body accepted, in bytes. Default: 4 MiB. Larger bodies get a 413 before they are read:
   * a declared Content-Length is checked up front and bytes are counted while streaming.
   */
  bodyLimitBytes?: number;
  /**
   * Optional bearer-token or HMAC authentication (ActiveWorkflow sends none; a proxy in front can). Default:
   * off. Checked before the path and the method: a request that fails it gets a 401 and learns nothing
   * about the agents served (with `hmac` the body is read first, within `bodyLimitBytes`).
   */
  auth?: RequestAuthOptions;
  /**
   * Default: JSON lines on stderr, level from `LOG_LEVEL` (default `info`). Each call's line is at `debug`;
   * refusals are at `warn` and an agent's exceptions at `error`.
   */
  logger?: Logger;
  /** How long in-flight calls may take to finish once shutdown begins, before their `ctx.signal` fires. Default: 10 000 ms. */
  shutdownTimeoutMs?: number;
  /** Close gracefully and exit on SIGTERM/SIGINT. Default: true. */
  handleSignals?: boolean;
  /**
   * Where the `REMOTE_AGENT_URL_<NAME>=<url>` lines go (the lines to give ActiveWorkflow). Default:
   * stdout; `false` prints nothing.
   */
  printTo?: NodeJS.WritableStream | false;
  /**
   * The base URL printed in those lines, when ActiveWorkflow reaches the server by another name than the
   * bound address, e.g. `http://host.docker.internal:4567`. Default: `http://<host>:<port>`.
   */
  publicUrl?: string;
}

/** One hosted agent and the URL to give ActiveWorkflow for it. */
export interface ServedAgent {
  name: string;
  path: string;
  url: string;
  /** `REMOTE_AGENT_URL_<NAME_IN_UPPER_SNAKE>`. */
  envVar: string;
}

/** A running agent server. */
export interface ActiveWorkflowServer {
  readonly port: number;
  readonly host: string;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly agents: readonly ServedAgent[];
  /** Stops accepting calls, lets in-flight calls finish (up to `shutdownTimeoutMs`), then closes. Idempotent. */
  close(): Promise<void>;
}

function portFromEnv(): number | undefined {
  const raw = process.env.PORT;
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AgentwireError("invalid_argument", `PORT=${JSON.stringify(raw)} is not a port number (0-65535)`);
  }
  return port;
}

/** `/digest/?x=1` → `/digest`: ActiveWorkflow users paste URLs with and without a trailing slash. */
function normalizePath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? "/";
  const trimmed = bare.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

function routeTable(agents: ServeOptions["agents"], makeHandler: (agent: AnyRemoteHttpAgent) => ServedAgentHandler): Map<string, ServedAgentHandler> {
  // Handlers first: they check the names, which array paths are made from.
  const entries: Array<[string, ServedAgentHandler]> = Array.isArray(agents)
    ? (agents as readonly AnyRemoteHttpAgent[]).map((agent) => {
        const handler = makeHandler(agent);
        return [defaultAgentPath(handler.registration.name), handler];
      })
    : Object.entries(agents as Record<string, AnyRemoteHttpAgent>).map(([path, agent]) => [path, makeHandler(agent)]);
  if (entries.length === 0) throw new AgentwireError("invalid_argument", "no agents to serve: pass at least one RemoteHttpAgent in `agents`");
  const routes = new Map<string, ServedAgentHandler>();
  const names = new Map<string, string>();
  const envVars = new Map<string, string>();
  for (const [rawPath, handler] of entries) {
    if (!rawPath.startsWith("/") || /[?#\s]/.test(rawPath)) {
      throw new AgentwireError("invalid_argument", `agent path ${JSON.stringify(rawPath)} must start with "/" and hold no "?", "#" or spaces, e.g. "/digest"`);
    }
    const path = normalizePath(rawPath);
    const name = handler.registration.name;
    const existing = routes.get(path);
    if (existing) {
      throw new AgentwireError(
        "already_exists",
        `${name} and ${existing.registration.name} both want path ${path}` + (Array.isArray(agents) ? "; pass `agents` as a record to choose paths" : ""),
      );
    }
    const samePath = names.get(name);
    if (samePath !== undefined) {
      throw new AgentwireError(
        "already_exists",
        `agent name ${name} is served at both ${samePath} and ${path}; ActiveWorkflow keys agent types by name, so each name once`,
      );
    }
    const envVar = agentUrlEnvVar(name);
    const clash = envVars.get(envVar);
    if (clash !== undefined) throw new AgentwireError("already_exists", `agents ${clash} and ${name} both map to ${envVar}; rename one`);
    routes.set(path, handler);
    names.set(name, path);
    envVars.set(envVar, name);
  }
  return routes;
}

/** The body went over the limit while streaming (no Content-Length said so up front). */
class BodyTooLarge extends Error {
  constructor(readonly bytesRead: number) {
    super(`request body over the limit after ${bytesRead} bytes`);
  }
}

/** Reads the body, refusing (before reading it all) once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      // The "error" listener stays: an error after this point must not go unhandled (and finish ignores it).
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onEnd = () => finish();
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(new BodyTooLarge(size));
      } else chunks.push(chunk);
    };
    // "close" before "end" means the client went away mid-body. The error (and its stack) is made only then.
    const onClose = () => {
      if (!done) finish(new Error("client closed the connection before the body was complete"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", finish);
    req.on("close", onClose);
  });
}

/**
 * Serves agents over HTTP the way ActiveWorkflow calls them: `POST` with a JSON body
 * `{"method", "params"}`, answered with `{"result": …}`. One server hosts several agents, each at its own
 * path, and prints the line to give ActiveWorkflow for each (`REMOTE_AGENT_URL_DIGEST=http://…/digest`;
 * ActiveWorkflow registers every variable that starts with `REMOTE_AGENT_URL`). Start it before
 * ActiveWorkflow: ActiveWorkflow refuses to boot while an agent does not answer `register`.
 *
 * Bad requests get a 4xx with `{"error": {"code", "message"}}` naming the problem; the Content-Type is
 * not checked (ActiveWorkflow always sends `application/json`, and a body is parsed as JSON whatever it
 * says).
 *
 * ```ts
 * const server = await serve({ agents: { "/digest": new DigestAgent(), "/feed": new FeedAgent() } });
 * // stdout: REMOTE_AGENT_URL_DIGEST_AGENT=http://127.0.0.1:4567/digest
 * //         REMOTE_AGENT_URL_FEED_AGENT=http://127.0.0.1:4567/feed
 * ```
 */
export async function serve(options: ServeOptions): Promise<ActiveWorkflowServer> {
  const logger = options.logger ?? createLogger({ name: "agentwire-activeworkflow" });
  const bodyLimit = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new AgentwireError("invalid_argument", `bodyLimitBytes must be a positive integer; got ${String(bodyLimit)}`);
  }
  checkAuthOptions(options.auth);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  // Aborted only once the grace period is over, so calls still running then see ctx.signal fire.
  const hardStop = new AbortController();
  const routes = routeTable(options.agents, (agent) => createServedAgentHandler(agent, { logger, shutdownSignal: hardStop.signal }));
  const knownPaths = [...routes.keys()].join(", ");
  const auth = options.auth;

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
    if (declared !== undefined && Number(declared) > bodyLimit) {
      return tooLarge(`request body of ${declared} bytes is over the limit of ${bodyLimit} bytes`);
    }
    if (awaitingContinue.has(req)) res.writeContinue();
    try {
      return await readBody(req, bodyLimit);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return tooLarge(`request body is over the limit of ${bodyLimit} bytes: refused after reading ${err.bytesRead} bytes of it (no Content-Length was declared)`);
      }
      logger.debug({ err }, "request body not read: client went away");
      return undefined;
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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

    // ActiveWorkflow hanging up (its read timeout is 60 s) aborts the call's signal. The controller and the
    // listener are made only when the agent reads ctx.signal (most never do); a response already closed
    // by then means the client is gone.
    const hangUpSignal = (): AbortSignal => {
      const hangUp = new AbortController();
      const hungUp = () => new AgentwireError("canceled", "the client closed the connection");
      if (res.destroyed && !res.writableFinished) hangUp.abort(hungUp());
      else {
        res.once("close", () => {
          if (!res.writableFinished) hangUp.abort(hungUp());
        });
      }
      return hangUp.signal;
    };
    const answer = await handler.handle(body, hangUpSignal);
    if (res.destroyed) return;
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  // Counted so a graceful shutdown closes connections as soon as the last call is answered.
  const calls = new CallTracker();
  const server = createServer(
    calls.wrap((req: IncomingMessage, res: ServerResponse) => {
      onRequest(req, res).catch((err: unknown) => {
        logger.error({ err }, "request failed");
        if (!res.headersSent) refuse(res, "internal", "internal error in agentwire; the agent server's log has the details");
        else res.destroy();
      });
    }),
  );

  // A client that asks before sending a large body (curl does above 1 MiB) is told to go ahead only when
  // the body is to be read (authenticated, a known path, POST, the declared size fits); otherwise it gets
  // its refusal without sending anything.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    server.emit("request", req, res);
  });

  const port = options.port ?? portFromEnv() ?? 4567;
  const host = options.host ?? (process.env.HOST || "127.0.0.1");
  const listening = await listenGracefully(server, port, host, { calls });
  const shownHost = listening.host === "0.0.0.0" || listening.host === "::" ? "127.0.0.1" : listening.host.includes(":") ? `[${listening.host}]` : listening.host;
  const url = `http://${shownHost}:${listening.port}`;
  const base = (options.publicUrl ?? url).replace(/\/+$/, "");
  const agents: ServedAgent[] = [...routes].map(([path, handler]) => ({
    name: handler.registration.name,
    path,
    url: `${base}${path === "/" ? "/" : path}`,
    envVar: agentUrlEnvVar(handler.registration.name),
  }));

  const printTo = options.printTo ?? process.stdout;
  if (printTo !== false) printTo.write(agents.map((a) => `${a.envVar}=${a.url}\n`).join(""));
  logger.info(
    { port: listening.port, host: listening.host, bodyLimitBytes: bodyLimit, auth: auth ? Object.keys(auth) : [], agents },
    `serving ${agents.length} ActiveWorkflow agent(s) on ${url}: ${agents.map((a) => `${a.name} at ${a.path}`).join(", ")}`,
  );

  let closing: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeSignals?.();
      const timer = setTimeout(() => hardStop.abort(new AgentwireError("unavailable", "server shutting down")), shutdownTimeoutMs);
      timer.unref();
      await listening.close(shutdownTimeoutMs + 1000);
      clearTimeout(timer);
    })();
    return closing;
  };
  if (options.handleSignals ?? true) removeSignals = onShutdownSignals(close, { logger });

  return { port: listening.port, host: listening.host, url, agents, close };
}

import { createServer } from "node:http";
import {
  AgentwireError,
  CallTracker,
  createLogger,
  nodeServerTransport,
  startServer,
  type LifecycleOptions,
  type RunningServer,
} from "@agentwire/core";
import { createServedAgentHandler } from "./agent-handler.js";
import { checkAuthOptions, type RequestAuthOptions } from "./request-auth.js";
import { createRequestPipeline } from "./request-pipeline.js";
import { buildRouteTable, servedAgents, type AgentsByPath, type ServedAgent } from "./route-table.js";

/** ActiveWorkflow's own examples use port 4567 (Sinatra's default): the port `serve` binds without `PORT`. */
const defaultPort = 4567;
/** ActiveWorkflow sends no authentication, so by default only this machine can reach the agents. */
const defaultHost = "127.0.0.1";
const defaultMaxMessageBytes = 4 * 1024 * 1024;

/**
 * What `serve` takes: the agents, and the lifecycle options every agentwire server shares (`port`, `host`,
 * `logger`, `shutdownTimeoutMs`, `drainDelayMs`, `handleSignals`, documented on core's `LifecycleOptions`).
 *
 * - `port`: default `PORT` from the environment (decimal digits only: `PORT=0x1F` is refused), else 4567.
 *   0 picks a free port.
 * - `host`: default `HOST` from the environment, else `127.0.0.1`. ActiveWorkflow sends no authentication,
 *   so the default keeps the agents off the network; use `0.0.0.0` in a container or when ActiveWorkflow
 *   runs in Docker and calls `host.docker.internal`.
 * - `logger`: default JSON lines on stderr, level from `LOG_LEVEL` (default `info`). Each call's line is at
 *   `debug`; refusals are at `warn` and an agent's exceptions at `error`.
 * - `shutdownTimeoutMs`: how long in-flight calls may take to finish once shutdown begins, before their
 *   `ctx.signal` fires. Default 10 000.
 * - `drainDelayMs`: keep answering this long after shutdown begins, before the port closes (for a load
 *   balancer in front to stop routing here). Default 0.
 * - `handleSignals`: close gracefully on SIGTERM/SIGINT. Default true.
 */
export interface ServeOptions extends LifecycleOptions {
  /**
   * The agents to host, each at its own path. A record maps paths to agents
   * (`{ "/digest": new DigestAgent() }`); an array gives each agent the path made from its name in
   * kebab-case without a trailing "-agent" (`DigestAgent` → `/digest`, `RSSFeedAgent` → `/rss-feed`).
   * Names must be unique (ActiveWorkflow would silently merge two types of one name).
   */
  agents: AgentsByPath;
  /**
   * Largest request body accepted, in bytes (the same option as the gRPC servers' message limit). Default:
   * 4 MiB. Larger bodies get a 413 before they are read: a declared Content-Length is checked up front and
   * bytes are counted while streaming.
   */
  maxMessageBytes?: number;
  /**
   * Optional bearer-token or HMAC authentication (ActiveWorkflow sends none; a proxy in front can). Default:
   * off. Checked before the path and the method: a request that fails it gets a 401 and learns nothing
   * about the agents served (with `hmac` the body is read first, within `maxMessageBytes`).
   */
  auth?: RequestAuthOptions;
  /**
   * Where the `REMOTE_AGENT_URL_<NAME>=<url>` lines go (the lines to give ActiveWorkflow). Default:
   * stdout; `false` prints nothing.
   */
  printTo?: NodeJS.WritableStream | false;
  /**
   * The base URL printed in those lines, when ActiveWorkflow reaches the server by another name than the
   * bound address, e.g. `http://host.docker.internal:4567`. Default: the server's `url`.
   */
  publicUrl?: string;
}

/** A running agent server: core's `RunningServer` (`port`, `host`, `url`, `close()`) and the agents it hosts. */
export interface ActiveWorkflowServer extends RunningServer {
  /** Each agent's path, its URL under `publicUrl` (or `url`) and the environment variable to give ActiveWorkflow. */
  readonly agents: readonly ServedAgent[];
}

/**
 * Serves agents over HTTP the way ActiveWorkflow calls them: `POST` with a JSON body
 * `{"method", "params"}`, answered with `{"result": …}`, every number read and written exactly. One server
 * hosts several agents, each at its own path, and prints the line to give ActiveWorkflow for each
 * (`REMOTE_AGENT_URL_DIGEST_AGENT=http://…/digest`; ActiveWorkflow registers every variable that starts with
 * `REMOTE_AGENT_URL`). Start it before ActiveWorkflow: ActiveWorkflow refuses to boot while an agent does
 * not answer `register`.
 *
 * Bad requests get a 4xx with `{"error": {"code", "message"}}` naming the problem; the Content-Type is
 * not checked (ActiveWorkflow always sends `application/json`, and a body is parsed as JSON whatever it
 * says). The address, the drain on `close()` and the signals are core's `startServer`, as for every
 * agentwire server.
 *
 * ```ts
 * import { serve, type RemoteHttpAgent } from "@agentwire/activeworkflow";
 *
 * declare const digest: RemoteHttpAgent; // DigestAgent
 * declare const httpStatus: RemoteHttpAgent; // HttpStatusAgent
 * const server = await serve({ agents: { "/digest": digest, "/http-status": httpStatus } });
 * // stdout: REMOTE_AGENT_URL_DIGEST_AGENT=http://127.0.0.1:4567/digest
 * //         REMOTE_AGENT_URL_HTTP_STATUS_AGENT=http://127.0.0.1:4567/http-status
 * console.error(`listening on ${server.url}`);
 * ```
 */
export async function serve(options: ServeOptions): Promise<ActiveWorkflowServer> {
  const logger = options.logger ?? createLogger({ name: "agentwire-activeworkflow" });
  const maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes <= 0) {
    throw new AgentwireError("invalid_argument", `maxMessageBytes must be a positive whole number of bytes, e.g. 4194304; got ${String(maxMessageBytes)}`);
  }
  checkAuthOptions(options.auth);
  // The handlers are made (and the agents checked) before anything listens. Their calls' ctx.signal follows
  // the lifecycle's shutdown signal, which exists only once startServer makes the transport: relayed.
  const shutdown = new AbortController();
  const routes = buildRouteTable(options.agents, (agent) => createServedAgentHandler(agent, { logger, shutdownSignal: shutdown.signal }));
  const pipeline = createRequestPipeline({ routes, auth: options.auth, maxMessageBytes, logger });

  // Counted so a graceful shutdown closes connections as soon as the last call is answered.
  const calls = new CallTracker();
  const server = createServer(calls.wrap(pipeline.onRequest));
  server.on("checkContinue", calls.wrap(pipeline.onCheckContinue));

  const running = await startServer({
    transport: (shutdownSignal) => {
      shutdownSignal.addEventListener("abort", () => shutdown.abort(shutdownSignal.reason), { once: true });
      return nodeServerTransport(server, { calls });
    },
    defaultPort,
    defaultHost,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
    ...(options.drainDelayMs === undefined ? {} : { drainDelayMs: options.drainDelayMs }),
    ...(options.handleSignals === undefined ? {} : { handleSignals: options.handleSignals }),
    logger,
  });

  const agents = servedAgents(routes, options.publicUrl ?? running.url);
  const printTo = options.printTo ?? process.stdout;
  if (printTo !== false) printTo.write(agents.map((a) => `${a.envVar}=${a.url}\n`).join(""));
  logger.info(
    { port: running.port, host: running.host, maxMessageBytes, auth: options.auth ? Object.keys(options.auth) : [], agents },
    `serving ${agents.length} ActiveWorkflow agent(s) on ${running.url}: ${agents.map((a) => `${a.name} at ${a.path}`).join(", ")}`,
  );

  return { port: running.port, host: running.host, url: running.url, agents, close: () => running.close() };
}

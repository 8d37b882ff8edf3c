import { setMaxListeners } from "node:events";
import { createServer, createSecureServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  AgentwireError,
  CallTracker,
  createLogger,
  listenGracefully,
  onShutdownSignals,
  startMetricsServer,
  type ListeningServer,
  type Logger,
} from "@agentwire/core";
import { AgentMetrics } from "./agent-metrics.js";
import { AgentRegistry, type Agent } from "./agent-registry.js";
import { createAgentRoutes } from "./agent-routes.js";
import { healthServiceNames, HealthState } from "./health.js";

export interface ServeOptions {
  /** The agents to host; each task category once. */
  agents: readonly Agent[];
  /** gRPC port. Default: `PORT` from the environment, else 8000 (flytekit's and the Helm chart's). 0 picks a free one. */
  port?: number;
  /** Address to bind. Default: all interfaces (`::`, which also accepts IPv4). */
  host?: string;
  /** Default: JSON lines on stderr, level from `LOG_LEVEL`. */
  logger?: Logger;
  /**
   * Port of a Prometheus `/metrics` endpoint with flytekit's metric names. Default: `METRICS_PORT` from the
   * environment, else no endpoint (flytekit's default is 9090; set it to match).
   */
  metricsPort?: number;
  /**
   * Largest message accepted or sent, in bytes. Default: 4 MiB, the gRPC default Propeller also uses, so a
   * larger one would be refused on the other side anyway.
   */
  maxMessageBytes?: number;
  /** Serve TLS instead of plaintext h2c (Propeller's `insecure: false`). PEM key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How long in-flight calls may take to finish once shutdown begins. Default: 10 000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * On shutdown, keep serving this long while gRPC health already answers NOT_SERVING, so load balancers
   * and readiness probes stop routing here before the port closes. Default: 0 (Kubernetes users often
   * get the same from a `preStop` sleep instead).
   */
  drainDelayMs?: number;
  /** Close gracefully and exit on SIGTERM/SIGINT. Default: true. */
  handleSignals?: boolean;
}

/** A running agent server. */
export interface AgentServer {
  readonly port: number;
  readonly host: string;
  /** The Prometheus endpoint's port, when one was started. */
  readonly metricsPort: number | undefined;
  /** `http://host:port` (or https) — what a client's `baseUrl` takes. */
  readonly url: string;
  readonly metrics: AgentMetrics;
  /**
   * Reports NOT_SERVING on gRPC health, stops accepting calls, lets in-flight calls finish (up to
   * `shutdownTimeoutMs`), then closes. Idempotent.
   */
  close(): Promise<void>;
}

function portFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AgentwireError("invalid_argument", `${name}=${JSON.stringify(raw)} is not a port number (0-65535)`);
  }
  return port;
}

/**
 * Serves agents over gRPC (HTTP/2) the way FlytePropeller calls them: AsyncAgentService,
 * SyncAgentService, AgentMetadataService and grpc.health.v1 on one port.
 *
 * ```ts
 * const server = await serve({ agents: [new BatchJobAgent(), new HttpRequestAgent()] });
 * // Propeller: plugins.connector-service.defaultConnector.endpoint: "dns:///my-agents:8000", insecure: true
 * ```
 */
export async function serve(options: ServeOptions): Promise<AgentServer> {
  const logger = options.logger ?? createLogger({ name: "agentwire-flyte" });
  const registry = new AgentRegistry(options.agents);
  const metrics = new AgentMetrics();
  const health = new HealthState(healthServiceNames);
  const maxBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  // Aborted only once the grace period is over, so handlers still running then see their signal fire.
  const hardStop = new AbortController();
  // Connect adds one listener per in-flight call (removed when it ends); dozens in flight are normal.
  setMaxListeners(0, hardStop.signal);

  const connectHandler = connectNodeAdapter({
    routes: createAgentRoutes(registry, { logger, metrics, health }),
    readMaxBytes: maxBytes,
    writeMaxBytes: maxBytes,
    shutdownSignal: hardStop.signal,
    // Propeller speaks gRPC only; gRPC-Web and Connect stay on for curl-style debugging (buf curl).
  });
  // Counted so a graceful shutdown cuts connections as soon as the last call is answered.
  const calls = new CallTracker();
  const handler = calls.wrap(connectHandler);
  const http2Options = { settings: { maxHeaderListSize: 64 * 1024 } };
  const server = options.tls
    ? createSecureServer({ ...http2Options, key: options.tls.key, cert: options.tls.cert, allowHTTP1: true }, handler)
    : createServer(http2Options, handler);

  const port = options.port ?? portFromEnv("PORT") ?? 8000;
  const listening = await listenGracefully(server, port, options.host, { calls });
  let metricsServer: ListeningServer | undefined;
  const metricsPort = options.metricsPort ?? portFromEnv("METRICS_PORT");
  if (metricsPort !== undefined) {
    metricsServer = await startMetricsServer({ port: metricsPort, registry: metrics.registry, ...(options.host ? { host: options.host } : {}) });
  }
  const displayHost = listening.host.includes(":") ? `[${listening.host}]` : listening.host;
  const url = `${options.tls ? "https" : "http"}://${displayHost === "[::]" ? "127.0.0.1" : displayHost}:${listening.port}`;

  logger.info(
    {
      port: listening.port,
      host: listening.host,
      metricsPort: metricsServer?.port,
      tls: options.tls !== undefined,
      agents: registry.all().map((r) => ({ name: r.name, taskType: r.category.name, version: r.category.version, sync: r.isSync })),
    },
    `serving ${registry.all().length} Flyte agent(s) on port ${listening.port}: ${registry.describeKnown()}`,
  );

  let closing: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeSignals?.();
      health.setServing(false);
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      const timer = setTimeout(() => hardStop.abort(new AgentwireError("unavailable", "server shutting down")), shutdownTimeoutMs);
      timer.unref();
      await Promise.all([listening.close(shutdownTimeoutMs + 1000), metricsServer?.close(1000)]);
      clearTimeout(timer);
    })();
    return closing;
  };
  if (options.handleSignals ?? true) removeSignals = onShutdownSignals(close, { logger });

  return {
    port: listening.port,
    host: listening.host,
    metricsPort: metricsServer?.port,
    url,
    metrics,
    close,
  };
}

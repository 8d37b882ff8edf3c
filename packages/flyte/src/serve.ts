import { AgentwireError, checkPort, createLogger, portFromEnv, resolveListenAddress, startMetricsServer, type ListeningServer, type RunningServer } from "@agentwire/core";
import { serveGrpc, type GrpcServerOptions } from "@agentwire/core/grpc";
import { AgentMetrics } from "./agent-metrics.js";
import type { AnyAgent } from "./agent-registry.js";
import { createAgentServiceTables } from "./agent-service-tables.js";
import { startConnectServer } from "./connect-server.js";

/** flytekit's port, and its Helm chart's. */
const defaultPort = 8000;
/** All interfaces (`::` also accepts IPv4). */
const defaultHost = "::";

/**
 * What `serve` takes: the agents, plus the options every agentwire gRPC server takes (`port`, `host`,
 * `logger`, `shutdownTimeoutMs`, `drainDelayMs`, `handleSignals`, `maxMessageBytes`, `tls`).
 */
export interface ServeOptions extends GrpcServerOptions {
  /** The agents to host; each task type (and version) once. */
  agents: readonly AnyAgent[];
  /**
   * Port of a Prometheus `/metrics` endpoint with flytekit's metric names, on the same host as the gRPC
   * port. Default: `METRICS_PORT` from the environment, else no endpoint (flytekit's default is 9090; set
   * it to match). 0 picks a free port. Decimal 0 to 65535, like `port`: anything else is refused with
   * `invalid_argument` naming `metricsPort` (or `METRICS_PORT`).
   */
  metricsPort?: number;
  /**
   * The protocols answered, all on the one port: Flyte 1's `flyteidl.service` (AsyncAgentService,
   * SyncAgentService, AgentMetadataService) and Flyte 2's `flyteidl2.connector` (AsyncConnectorService and
   * ConnectorMetadataService, async agents only). Default: both. Set one to false to serve only the other.
   */
  protocols?: { flyteidl?: boolean; flyteidl2?: boolean };
  /**
   * A second port answering every service of the gRPC port over the Connect protocol on HTTP/1.1 (JSON or
   * binary), with `GET /healthz`: what flyte-sdk's connector server runs beside gRPC "during the migration
   * away from gRPC" as Flyte 2 moves its connector clients to Connect, and what `curl` and browsers speak.
   * Default: `CONNECT_PORT` from the environment, else none. 0 picks a free port.
   */
  connectPort?: number;
}

/** A running agent server. */
export interface FlyteServer extends RunningServer {
  /** The Prometheus endpoint's port, when one was started. */
  readonly metricsPort: number | undefined;
  /** The Connect (HTTP/1.1) port of Flyte 2's services, when one was started. */
  readonly connectPort: number | undefined;
}

/**
 * Serves agents over gRPC (HTTP/2) the way FlytePropeller calls them: AsyncAgentService,
 * SyncAgentService, AgentMetadataService and grpc.health.v1 on one port (default 8000, or `PORT`), with
 * JSON logs, flytekit's Prometheus metrics and a graceful shutdown on SIGTERM.
 *
 * ```ts
 * import { serve, type AnyAgent } from "@agentwire/flyte";
 *
 * declare const agents: AnyAgent[];
 * const server = await serve({ agents });
 * // Propeller: plugins.connector-service.defaultConnector.endpoint: "dns:///my-agents:8000", insecure: true
 * ```
 */
export async function serve(options: ServeOptions): Promise<FlyteServer> {
  const { agents, metricsPort: metricsPortOption, connectPort: connectPortOption, protocols, ...grpcOptions } = options;
  const connectPort = connectPortOption === undefined ? portFromEnv("CONNECT_PORT") : checkPort(connectPortOption, "connectPort");
  if (protocols && protocols.flyteidl === false && protocols.flyteidl2 === false) {
    throw new AgentwireError("invalid_argument", "protocols: flyteidl and flyteidl2 are both false, so the server would answer nothing; leave one on (the default is both)", {
      details: { field: "protocols" },
    });
  }
  // By the same rule as `port` and PORT: decimal, 0 to 65535, refused naming the option or the variable.
  const metricsPort = metricsPortOption === undefined ? portFromEnv("METRICS_PORT") : checkPort(metricsPortOption, "metricsPort");
  const logger = options.logger ?? createLogger({ name: "agentwire-flyte" });
  const metrics = new AgentMetrics();
  const { tables, registry, health } = createAgentServiceTables(agents, { logger, metrics, ...(protocols ? { protocols } : {}) });

  let metricsServer: ListeningServer | undefined;
  if (metricsPort !== undefined) {
    // The same host as the gRPC port, by the same rule (option, then HOST, then all interfaces).
    const { host } = resolveListenAddress({ defaultPort, defaultHost, ...(options.host === undefined ? {} : { host: options.host }), fromEnv: { port: false } });
    metricsServer = await startMetricsServer({ port: metricsPort, host, registry: metrics.registry });
  }
  let connectServer: ListeningServer | undefined;
  if (connectPort !== undefined) {
    const { host } = resolveListenAddress({ defaultPort, defaultHost, ...(options.host === undefined ? {} : { host: options.host }), fromEnv: { port: false } });
    try {
      // Every service the gRPC port answers, for Flyte 2's migrated clients and for `curl` and browsers.
      connectServer = await startConnectServer(tables, { port: connectPort, host, serving: () => !health.isDraining });
    } catch (err) {
      await metricsServer?.close(0);
      throw err;
    }
  }
  const alsoClose = [metricsServer, connectServer].filter((s): s is ListeningServer => s !== undefined).map((s) => (timeoutMs: number) => s.close(timeoutMs));
  let server: RunningServer;
  try {
    server = await serveGrpc(tables, {
      ...grpcOptions,
      logger,
      defaultPort,
      defaultHost,
      health,
      ...(alsoClose.length === 0 ? {} : { alsoClose }),
    });
  } catch (err) {
    await metricsServer?.close(0);
    await connectServer?.close(0);
    throw err;
  }

  logger.info(
    {
      port: server.port,
      host: server.host,
      metricsPort: metricsServer?.port,
      connectPort: connectServer?.port,
      tls: options.tls !== undefined,
      protocols: { flyteidl: protocols?.flyteidl ?? true, flyteidl2: protocols?.flyteidl2 ?? true },
      agents: registry.all().map((r) => ({ name: r.name, taskType: r.category.name, version: r.category.version, sync: r.isSync })),
    },
    `serving ${registry.all().length} Flyte agent(s) on port ${server.port}: ${registry.describeKnown()}`,
  );

  return {
    port: server.port,
    host: server.host,
    url: server.url,
    metricsPort: metricsServer?.port,
    connectPort: connectServer?.port,
    close: () => server.close(),
  };
}

import { AgentwireError, createLogger, hostPort, type Logger, type RunningServer } from "@agentwire/core";
import { serveGrpc, type GrpcServerOptions, type ServeGrpcOptions } from "@agentwire/core/grpc";
import { Capability } from "./gen/agentplatform/v1/plugin_pb.js";
import { formatHandshake } from "./handshake.js";
import type { AnyPlugin } from "./plugin.js";
import { createPluginHealth } from "./plugin-health.js";
import { pluginServices } from "./plugin-services.js";
import { unattachedProviders } from "./provider.js";
import { guardStdout, pluginModeVariable } from "./stdout-guard.js";

/** `remote`: a long-running gRPC server on `PORT`. `local`: a subprocess of the platform, found by its handshake line. */
export type ServeMode = "local" | "remote";

/** The port a remote plugin listens on without `PORT` or `port`: the one upstream's example plugins use. */
export const defaultRemotePort = 9010;

/**
 * How to serve a plugin. The lifecycle options (`port`, `host`, `logger`, `shutdownTimeoutMs`,
 * `drainDelayMs`, `handleSignals`, `maxMessageBytes`, `tls`) are the same as every agentwire server's;
 * their defaults depend on the mode:
 *
 * | option | remote | local |
 * |---|---|---|
 * | `port` | `PORT`, else 9010 | `PORT`, else a free port |
 * | `host` | `HOST`, else `::` (all interfaces) | `127.0.0.1` (`HOST` is not read) |
 * | `shutdownTimeoutMs` | 10 000 | 1 000 (a host kills a plugin 2 s after SIGTERM) |
 * | `handleSignals` | SIGTERM and SIGINT drain and exit | SIGTERM drains and exits; SIGINT is ignored |
 *
 * A local plugin ignores SIGINT as go-plugin plugins do: Ctrl-C in the host's terminal reaches its whole
 * process group, and the host decides when its plugins stop.
 */
export interface ServeOptions extends GrpcServerOptions {
  /** The plugin to serve. */
  plugin: AnyPlugin;
  /** Default: `local` when `AGENTPLATFORM_PLUGIN=local` (what a host sets for a subprocess), else `remote`. */
  mode?: ServeMode;
  /**
   * Where the local handshake line goes. Default: the real stdout, with everything else written to stdout
   * from then on sent to stderr. Tests pass a stream of their own (and stdout is then left alone).
   */
  handshakeOutput?: { write(text: string): unknown };
}

/** A running plugin server: the lifecycle's `RunningServer` and the mode it serves in. */
export interface PluginServer extends RunningServer {
  readonly mode: ServeMode;
}

function modeFromEnv(): ServeMode {
  const raw = process.env[pluginModeVariable];
  if (raw === undefined || raw === "" || raw === "remote") return "remote";
  if (raw === "local") return "local";
  throw new AgentwireError(
    "invalid_argument",
    `${pluginModeVariable}=${JSON.stringify(raw)}: expected "local" (a host started this plugin as a subprocess) or unset (a remote plugin)`,
  );
}

/** The options given, without the ones set to undefined (which would hide the mode's defaults). */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Warns about each provider made in this process, never given to a plugin and still alive: its tools,
 * views or hooks are not served. Only a warning: the provider may belong to another plugin's code (or a
 * refused `new Plugin`), and must not stop this one from serving.
 */
function warnUnattached(plugin: AnyPlugin, logger: Logger): void {
  const forgotten = unattachedProviders();
  if (forgotten.length === 0) return;
  logger.warn(
    { providers: forgotten },
    `serving plugin ${JSON.stringify(plugin.name)} without ${forgotten.join(", ")}: ${forgotten.length === 1 ? "it was" : "they were"} created but never attached to a plugin, ` +
      `so ${forgotten.length === 1 ? "its" : "their"} tools, views or hooks are not served; pass ${forgotten.length === 1 ? "it" : "them"} in new Plugin({ ..., providers: [...] })`,
  );
}

/**
 * Serves a plugin over gRPC (HTTP/2 without TLS, as the platform dials plugins): `agentplatform.v1.Plugin`,
 * each provider's service and `grpc.health.v1`, on one port, with agentwire's one server lifecycle.
 *
 * Remote mode (the default) listens on `PORT` (9010 without it) on all interfaces; point a workspace at it
 * with `source = "remote://host:9010"`. Local mode (`AGENTPLATFORM_PLUGIN=local`, set by a host that
 * starts the plugin as a subprocess) binds `127.0.0.1` on a free port (or `PORT`), writes exactly one line,
 * `1|1|tcp|127.0.0.1:<port>|grpc`, to stdout, and exits within 2 s of SIGTERM. In local mode stdout is the
 * protocol's: the SDK sends `console.log`/`info`/`debug` and any other stdout write to stderr, and plugin
 * code must log with the logger (or `console.error`) rather than write to stdout. Logs are JSON lines on
 * stderr in both modes.
 *
 * ```ts
 * import { Plugin, serve } from "@agentwire/agentplatform";
 *
 * const plugin = new Plugin({ name: "weather", version: "1.0.0", manifest: { description: "Weather", author: "Acme" } });
 * const server = await serve({ plugin });
 * console.error(`listening on ${server.url}`);
 * ```
 */
export async function serve(options: ServeOptions): Promise<PluginServer> {
  const { plugin, mode: givenMode, handshakeOutput, ...lifecycle } = options;
  if (typeof plugin !== "object" || plugin === null) {
    throw new AgentwireError("invalid_argument", "serve: options.plugin is required, e.g. serve({ plugin: new Plugin({ ... }) })");
  }
  const mode = givenMode ?? modeFromEnv();
  // First, before anything can print: in local mode the first stdout line must be the handshake.
  const writeHandshake =
    mode === "local" ? (handshakeOutput ? (text: string) => void handshakeOutput.write(text) : guardStdout()) : undefined;
  const logger = lifecycle.logger ?? createLogger({ name: plugin.name });
  warnUnattached(plugin, logger);
  const pluginHealth = createPluginHealth(plugin, logger);
  const services = pluginServices(plugin, { logger, health: pluginHealth });
  const modeDefaults: Partial<ServeGrpcOptions> =
    mode === "local"
      ? { shutdownTimeoutMs: 1000, fromEnv: { host: false }, signals: ["SIGTERM"], ignoredSignals: ["SIGINT"], cutGraceMs: 250 }
      : { shutdownTimeoutMs: 10_000 };
  const server = await serveGrpc(services.tables, {
    ...modeDefaults,
    ...withoutUndefined(lifecycle),
    logger,
    defaultPort: mode === "local" ? 0 : defaultRemotePort,
    defaultHost: mode === "local" ? "127.0.0.1" : "::",
    health: services.health,
    onDraining: () => services.release(),
    shutdownReason: "plugin shutting down",
  });
  const address = hostPort(server.host, server.port);
  logger.info(
    { mode, port: server.port, host: server.host, plugin: plugin.name, version: plugin.version, capabilities: plugin.capabilities.map((c) => Capability[c]) },
    `serving plugin ${JSON.stringify(plugin.name)} ${plugin.version} (${mode}) on ${address}`,
  );
  // Last, once the port accepts calls: the host dials the address as soon as it reads the line.
  writeHandshake?.(formatHandshake(address));
  return { mode, port: server.port, host: server.host, url: server.url, close: () => server.close() };
}

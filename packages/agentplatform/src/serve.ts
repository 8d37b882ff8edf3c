import { setMaxListeners } from "node:events";
import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { AgentwireError, CallTracker, createLogger, listenGracefully, onShutdownSignals, type Logger } from "@agentwire/core";
import { Capability } from "./gen/agentplatform/v1/plugin_pb.js";
import { formatHandshake } from "./handshake.js";
import { PluginHealth } from "./health.js";
import type { AnyPlugin } from "./plugin.js";
import { createPluginRoutes } from "./plugin-routes.js";
import { guardStdout, pluginModeVariable } from "./stdout-guard.js";

/** `remote`: a long-running gRPC server on `PORT`. `local`: a subprocess of the platform, found by its handshake line. */
export type ServeMode = "local" | "remote";

/** The port a remote plugin listens on without `PORT`: the one upstream's example plugins use. */
export const defaultRemotePort = 9010;

export interface ServePluginOptions {
  /** Default: `local` when `AGENTPLATFORM_PLUGIN=local` (what a host sets for a subprocess), else `remote`. */
  mode?: ServeMode;
  /** Default: `PORT` from the environment, else 9010 (remote) or a free port (local). 0 picks a free one. */
  port?: number;
  /** Default: all interfaces (remote), `127.0.0.1` (local). */
  host?: string;
  /** Default: JSON lines on stderr named after the plugin, level from `LOG_LEVEL`. */
  logger?: Logger;
  /** Largest message accepted or sent, in bytes. Default: 4 MiB, gRPC's default, which a Go platform also applies. */
  maxMessageBytes?: number;
  /**
   * How long in-flight calls may run once shutdown begins; then their signals abort and, a moment later,
   * connections are cut. Default: 1 000 ms local (a host kills a plugin 2 s after SIGTERM), 10 000 ms remote.
   */
  shutdownTimeoutMs?: number;
  /**
   * Drain and exit on signals. Default: true. Remote: SIGTERM and SIGINT. Local: SIGTERM only; SIGINT
   * (Ctrl-C in the host's terminal reaches its whole process group) is ignored, as go-plugin plugins do,
   * so the host decides when its plugins stop.
   */
  handleSignals?: boolean;
  /**
   * Where the local handshake line goes. Default: the real stdout, with everything else written to stdout
   * from then on sent to stderr. Tests pass a stream of their own (and stdout is then left alone).
   */
  handshakeOutput?: { write(text: string): unknown };
}

/** A running plugin server. */
export interface PluginServer {
  readonly mode: ServeMode;
  readonly port: number;
  /** The address actually bound, e.g. `127.0.0.1` or `::`. */
  readonly host: string;
  /** `http://host:port`: what a Connect client's `baseUrl` takes (loopback when bound to all interfaces). */
  readonly url: string;
  /**
   * Answers NOT_SERVING on both health protocols, stops accepting calls, lets in-flight ones finish (up to
   * `shutdownTimeoutMs`), then closes. Idempotent.
   */
  close(): Promise<void>;
}

function portFromEnv(): number | undefined {
  const raw = process.env.PORT;
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new AgentwireError("invalid_argument", `PORT=${JSON.stringify(raw)} is not a port number (0-65535)`);
  }
  return port;
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

function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Serves a plugin over gRPC (HTTP/2 without TLS, as the platform dials plugins): `agentplatform.v1.Plugin`,
 * each attached provider's service and `grpc.health.v1`, on one port.
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
 * const plugin = new Plugin({ name: "weather", version: "1.0.0", manifest: { description: "Weather", author: "Acme" } });
 * await servePlugin(plugin);
 * ```
 */
export async function servePlugin(plugin: AnyPlugin, options: ServePluginOptions = {}): Promise<PluginServer> {
  const mode = options.mode ?? modeFromEnv();
  // First, before anything can print: in local mode the first stdout line must be the handshake.
  const writeHandshake =
    mode === "local" ? (options.handshakeOutput ? (text: string) => void options.handshakeOutput!.write(text) : guardStdout()) : undefined;
  const logger = options.logger ?? createLogger({ name: plugin.name });
  const maxBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? (mode === "local" ? 1000 : 10_000);
  const cutGraceMs = mode === "local" ? 250 : 1000;
  // Aborted once the grace period is over, so handlers still running then see their signal fire.
  const hardStop = new AbortController();
  // Connect adds one listener per in-flight call (removed when it ends); many in flight are normal.
  setMaxListeners(0, hardStop.signal);

  const health = new PluginHealth(plugin, logger);
  const connectHandler = connectNodeAdapter({
    routes: createPluginRoutes(plugin, { logger, health }),
    readMaxBytes: maxBytes,
    writeMaxBytes: maxBytes,
    shutdownSignal: hardStop.signal,
  });
  // Counted so a graceful shutdown cuts connections as soon as the last call is answered.
  const calls = new CallTracker();
  const server = createServer({ settings: { maxHeaderListSize: 64 * 1024 } }, calls.wrap(connectHandler));
  const port = options.port ?? portFromEnv() ?? (mode === "local" ? 0 : defaultRemotePort);
  const host = options.host ?? (mode === "local" ? "127.0.0.1" : undefined);
  const listening = await listenGracefully(server, port, host, { calls });
  const address = hostPort(listening.host, listening.port);
  const anyInterface = listening.host === "::" || listening.host === "0.0.0.0";
  const url = `http://${anyInterface ? hostPort("127.0.0.1", listening.port) : address}`;

  logger.info(
    {
      mode,
      port: listening.port,
      host: listening.host,
      plugin: plugin.name,
      version: plugin.version,
      capabilities: plugin.capabilities.map((c) => Capability[c]),
    },
    `serving plugin ${JSON.stringify(plugin.name)} ${plugin.version} (${mode}) on ${address}`,
  );

  let closing: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeSignals?.();
      health.setDraining();
      const timer = setTimeout(() => hardStop.abort(new AgentwireError("unavailable", "plugin shutting down")), shutdownTimeoutMs);
      timer.unref();
      await listening.close(shutdownTimeoutMs + cutGraceMs);
      clearTimeout(timer);
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    if (mode === "local") {
      const removeTerm = onShutdownSignals(close, { signals: ["SIGTERM"], logger });
      const ignoreInterrupt = () => logger.info("SIGINT ignored: a local plugin stops when its host sends SIGTERM");
      process.on("SIGINT", ignoreInterrupt);
      removeSignals = () => {
        removeTerm();
        process.off("SIGINT", ignoreInterrupt);
      };
    } else {
      removeSignals = onShutdownSignals(close, { logger });
    }
  }

  // Last, once the port accepts calls: the host dials the address as soon as it reads the line.
  writeHandshake?.(formatHandshake(address));

  return { mode, port: listening.port, host: listening.host, url, close };
}

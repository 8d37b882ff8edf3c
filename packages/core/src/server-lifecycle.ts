import { AgentwireError } from "./errors.js";
import { connectUrl, resolveListenAddress } from "./listen-address.js";
import type { Logger } from "./logger.js";
import { onShutdownSignals } from "./shutdown-signals.js";

/**
 * What carries a server's calls: a Node HTTP or HTTP/2 server today (`nodeServerTransport`), a grpc-js
 * server later. The lifecycle drives it without knowing which.
 */
export interface ServerTransport {
  /** Binds and starts accepting calls; resolves with the address actually bound. */
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  /**
   * Stops accepting new calls and connections, lets the ones in flight finish, and cuts whatever is left
   * after `timeoutMs`. Resolves once everything is closed. Called once.
   */
  close(timeoutMs: number): Promise<void>;
}

/** The options every agentwire server takes for its lifecycle, whatever its protocol. */
export interface LifecycleOptions {
  /** Port to bind. Default: `PORT` from the environment, else the protocol's default. 0 picks a free one. */
  port?: number;
  /** Address to bind. Default: `HOST` from the environment, else the protocol's default. */
  host?: string;
  /** Default: JSON lines on stderr, level from `LOG_LEVEL`. */
  logger?: Logger;
  /**
   * How long in-flight calls may take to finish once shutdown begins; then their `signal` fires and, a
   * moment later, connections are cut. Default: 10 000 ms.
   */
  shutdownTimeoutMs?: number;
  /**
   * On shutdown, keep serving this long while health already answers NOT_SERVING, so load balancers and
   * readiness probes stop routing here before the port closes. Default: 0.
   */
  drainDelayMs?: number;
  /** Close gracefully and exit on SIGTERM/SIGINT. Default: true. */
  handleSignals?: boolean;
}

/** What a protocol package adds to the shared options when it starts its server. */
export interface StartServerOptions extends LifecycleOptions {
  /** Makes the transport; `shutdownSignal` fires once the grace period is over, for handlers still running. */
  transport: (shutdownSignal: AbortSignal) => ServerTransport;
  defaultPort: number;
  defaultHost: string;
  /** Read `PORT` / `HOST` from the environment. Default: both. */
  fromEnv?: { port?: boolean; host?: boolean };
  /** `https` when the transport serves TLS. Default: `http`. */
  scheme?: "http" | "https";
  /** Signals that start a graceful shutdown. Default: SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Signals logged and otherwise ignored (a local plugin ignores the Ctrl-C its host's terminal sends). */
  ignoredSignals?: NodeJS.Signals[];
  /** Called first when shutdown begins: turn health to NOT_SERVING and end health watches here. */
  onDraining?: () => void;
  /** Closed beside the main transport on shutdown (a metrics endpoint). */
  alsoClose?: Array<(timeoutMs: number) => Promise<void>>;
  /** Time between the handlers' signal firing and connections being cut. Default: 1 000 ms. */
  cutGraceMs?: number;
  /** Why the handlers' signal fires at the end of the grace period. Default: "server shutting down". */
  shutdownReason?: string;
}

/** A running server, the same shape for every protocol. */
export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** The address actually bound, e.g. `127.0.0.1` or `::`. */
  readonly host: string;
  /** `http://127.0.0.1:8000`: what a client on this machine connects to (a wildcard bind shows as 127.0.0.1). */
  readonly url: string;
  /**
   * Turns health to NOT_SERVING, waits `drainDelayMs`, stops accepting calls, lets in-flight calls finish
   * (up to `shutdownTimeoutMs`), then closes. Idempotent: every call returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * The one server lifecycle of agentwire: address from options or `PORT`/`HOST`, listen, then on `close()`
 * or a signal drain health, stop accepting, let calls finish, abort what is left and cut. Protocol
 * packages build their `serve()` on it; it knows nothing of gRPC or JSON.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const cutGraceMs = options.cutGraceMs ?? 1000;
  const address = resolveListenAddress({
    defaultPort: options.defaultPort,
    defaultHost: options.defaultHost,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.fromEnv === undefined ? {} : { fromEnv: options.fromEnv }),
  });
  // Aborted only once the grace period is over, so handlers still running then see their signal fire.
  const hardStop = new AbortController();
  const transport = options.transport(hardStop.signal);
  const bound = await transport.listen(address.port, address.host);
  const url = connectUrl(options.scheme ?? "http", bound.host, bound.port);

  let closing: Promise<void> | undefined;
  let removeSignals: (() => void) | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      options.onDraining?.();
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      const reason = options.shutdownReason ?? "server shutting down";
      const timer = setTimeout(() => hardStop.abort(new AgentwireError("unavailable", reason)), shutdownTimeoutMs);
      timer.unref();
      try {
        await Promise.all([transport.close(shutdownTimeoutMs + cutGraceMs), ...(options.alsoClose ?? []).map((c) => c(cutGraceMs))]);
      } finally {
        clearTimeout(timer);
        // Only now: a second SIGTERM while draining must still exit at once, and a signal this server
        // ignores (a local plugin's SIGINT) must stay ignored until it is closed.
        removeSignals?.();
      }
    })();
    return closing;
  };

  if (options.handleSignals ?? true) {
    const removeShutdown = onShutdownSignals(close, {
      ...(options.signals === undefined ? {} : { signals: options.signals }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    const ignored = options.ignoredSignals ?? [];
    const ignore = (signal: NodeJS.Signals) => options.logger?.info({ signal }, `${signal} ignored: this server stops on ${(options.signals ?? ["SIGTERM", "SIGINT"]).join(" or ")}`);
    for (const signal of ignored) process.on(signal, ignore);
    removeSignals = () => {
      removeShutdown();
      for (const signal of ignored) process.off(signal, ignore);
    };
  }

  return { port: bound.port, host: bound.host, url, close };
}

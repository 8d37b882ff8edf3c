import { setMaxListeners } from "node:events";
import { createSecureServer, createServer } from "node:http2";
import { CallTracker } from "../call-tracker.js";
import { AgentwireError } from "../errors.js";
import { nodeServerTransport } from "../graceful-server.js";
import { startServer, type LifecycleOptions, type RunningServer, type StartServerOptions } from "../server-lifecycle.js";
import { grpcJsTransport } from "./grpc-js-transport.js";
import type { GrpcHealth } from "./health.js";
import { routesFor, type AnyServiceTable } from "./service-table.js";

/** The options every agentwire gRPC server takes: the lifecycle's, message size and TLS. */
export interface GrpcServerOptions extends LifecycleOptions {
  /**
   * Largest message accepted or sent, in bytes. Default: 4 MiB, gRPC's default, which the real callers
   * (Propeller, a Go workspace) also apply, so a larger one would be refused on the other side anyway.
   */
  maxMessageBytes?: number;
  /** Serve TLS instead of plaintext h2c. PEM key and certificate. Default: plaintext. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * What carries the gRPC wire. `"grpc-js"`: `@grpc/grpc-js`, the official gRPC server for Node (gRPC only;
   * deadlines, cancellation, compression, message size limits, keepalive as gRPC does them). `"connect"`:
   * connect-node, which also answers gRPC-Web and the Connect protocol on the same port (for `curl` and
   * browsers) at a higher server CPU cost per call. Default: `AGENTWIRE_GRPC_TRANSPORT` from the environment,
   * else `"grpc-js"`.
   */
  transport?: "grpc-js" | "connect";
}

/** What a protocol package adds when it serves its tables. */
export interface ServeGrpcOptions
  extends GrpcServerOptions,
    Pick<StartServerOptions, "defaultPort" | "defaultHost" | "fromEnv" | "signals" | "ignoredSignals" | "alsoClose" | "cutGraceMs" | "shutdownReason"> {
  /** Turned to NOT_SERVING (and its watches ended) when shutdown begins. */
  health?: GrpcHealth;
  /** Called when shutdown begins, after health is drained. */
  onDraining?: () => void;
}

/** Default largest gRPC message, in bytes: gRPC's own 4 MiB. */
export const defaultMaxMessageBytes = 4 * 1024 * 1024;

/**
 * Serves service tables over gRPC on HTTP/2 — on `@grpc/grpc-js` by default, or on connect-node (which also
 * answers gRPC-Web and Connect) with `transport: "connect"` — with the one agentwire lifecycle:
 * `PORT`/`HOST`, graceful drain on SIGTERM, health NOT_SERVING first.
 *
 * ```ts
 * const health = new GrpcHealth({ services: [Greeter.typeName] });
 * const server = await serveGrpc([serviceTable(Greeter, { greet: (req) => ({ text: `hi ${req.name}` }) }), health.table], {
 *   defaultPort: 8000,
 *   defaultHost: "::",
 *   health,
 * });
 * ```
 */
export async function serveGrpc(tables: readonly AnyServiceTable[], options: ServeGrpcOptions): Promise<RunningServer> {
  const maxBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new AgentwireError("invalid_argument", `maxMessageBytes must be a positive whole number of bytes, e.g. ${defaultMaxMessageBytes}; got ${String(maxBytes)}`, {
      details: { field: "maxMessageBytes", value: maxBytes },
    });
  }
  const { health, onDraining, tls, maxMessageBytes: _max, transport: transportOption, ...lifecycle } = options;
  const transportName = transportOption ?? (process.env.AGENTWIRE_GRPC_TRANSPORT as ServeGrpcOptions["transport"]) ?? "grpc-js";
  if (transportName !== "grpc-js" && transportName !== "connect") {
    throw new AgentwireError("invalid_argument", `transport must be "grpc-js" or "connect" (option transport, or AGENTWIRE_GRPC_TRANSPORT); got ${JSON.stringify(transportName)}`, {
      details: { field: "transport", value: transportName },
    });
  }
  // connect-node is loaded only when it serves: a grpc-js server does not pay its memory.
  const connectNodeAdapter = transportName === "connect" ? (await import("@connectrpc/connect-node")).connectNodeAdapter : undefined;
  return startServer({
    ...lifecycle,
    scheme: tls ? "https" : "http",
    onDraining: () => {
      health?.drain();
      onDraining?.();
    },
    transport: (shutdownSignal) => {
      if (connectNodeAdapter === undefined) return grpcJsTransport(tables, { maxMessageBytes: maxBytes, shutdownSignal, ...(tls ? { tls } : {}) });
      // Connect adds one listener per in-flight call (removed when it ends); dozens in flight are normal.
      setMaxListeners(0, shutdownSignal);
      const handler = connectNodeAdapter({
        routes: routesFor(tables),
        readMaxBytes: maxBytes,
        writeMaxBytes: maxBytes,
        shutdownSignal,
    });
      // Counted so a graceful shutdown cuts connections as soon as the last call is answered.
      const calls = new CallTracker();
      const wrapped = calls.wrap(handler);
      const http2Options = { settings: { maxHeaderListSize: 64 * 1024 } };
      const server = tls
        ? createSecureServer({ ...http2Options, key: tls.key, cert: tls.cert, allowHTTP1: true }, wrapped)
        : createServer(http2Options, wrapped);
      return nodeServerTransport(server, { calls });
    },
  });
}

// Flyte 2's services over the Connect protocol on HTTP/1.1, on a port of their own: what flyte-sdk's
// connector server runs beside gRPC "for migrated clients" (`_start_connector_servers`), with `GET /healthz`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CallTracker, listenGracefully, type ListeningServer } from "@agentwire/core";
import { routesFor, type AnyServiceTable } from "@agentwire/core/grpc";

/** Starts the Connect server; `serving` answers `/healthz` (200 SERVING, or 503 NOT_SERVING while draining). */
export async function startConnectServer(tables: readonly AnyServiceTable[], options: { port: number; host: string; serving: () => boolean }): Promise<ListeningServer> {
  // Loaded only when a Connect port is asked for: the gRPC port (grpc-js) does not need it.
  const { connectNodeAdapter } = await import("@connectrpc/connect-node");
  const calls = new CallTracker();
  const handler = connectNodeAdapter({ routes: routesFor(tables) });
  const server = createServer(
    calls.wrap((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === "GET" && req.url?.split("?")[0] === "/healthz") {
        const serving = options.serving();
        res.writeHead(serving ? 200 : 503, { "content-type": "text/plain; charset=utf-8" });
        res.end(serving ? "SERVING\n" : "NOT_SERVING\n");
        return;
      }
      handler(req, res);
    }),
  );
  return listenGracefully(server, options.port, options.host, { calls });
}

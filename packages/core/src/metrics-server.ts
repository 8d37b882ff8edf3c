import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CallTracker } from "./call-tracker.js";
import { listenGracefully, type ListeningServer } from "./graceful-server.js";

/** What a metrics endpoint serves: prom-client's `Registry` has this shape. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsServerOptions {
  /** Port of the Prometheus endpoint; 0 picks a free one. */
  port: number;
  /** Address to bind. Default: Node's default (all interfaces). */
  host?: string;
  /** What to expose: a prom-client `Registry`, or anything with its `metrics()` and `contentType`. */
  registry: MetricsSource;
}

/** Serves `registry` at `GET /metrics` in the Prometheus text format; every other path is 404. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<ListeningServer> {
  const calls = new CallTracker();
  const server = createServer(calls.wrap((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": options.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found: metrics are served at GET /metrics\n");
  }));
  return listenGracefully(server, options.port, options.host, { calls });
}

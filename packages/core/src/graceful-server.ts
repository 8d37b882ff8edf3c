import type { Server as HttpServer } from "node:http";
import type { Http2SecureServer, Http2Server, Http2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { CallTracker } from "./call-tracker.js";
import type { ServerTransport } from "./server-lifecycle.js";

export type AnyServer = HttpServer | Http2Server | Http2SecureServer;

export interface ListeningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** The address actually bound, e.g. `127.0.0.1` or `::`. */
  readonly host: string;
  /**
   * Stops accepting connections and lets in-flight calls finish. HTTP/2 sessions get a GOAWAY, so clients
   * open no new streams on them; streams already running complete. After `timeoutMs` (default 10 000)
   * whatever is left is destroyed. Resolves when the server is closed; calling it twice is harmless.
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Listens on `port`/`host` and returns a handle whose `close()` drains rather than cuts: what a server
 * needs to finish in-flight calls on SIGTERM during a rolling deploy.
 */
export async function listenGracefully(
  server: AnyServer,
  port: number,
  host?: string,
  options: { calls?: CallTracker } = {},
): Promise<ListeningServer> {
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  server.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const calls = options.calls;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = 10_000): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      // Connections are cut once no call is left, or at the deadline. Waiting for clients to hang up by
      // themselves is not enough: a client that keeps its HTTP/2 session open (a connection pool) would
      // hold the shutdown until the deadline. Node can take a while to release a destroyed HTTP/2
      // socket, so the promise resolves once the listener is closed and every connection is cut, not on
      // the server's own "close" event.
      let listenerClosed = false;
      let cutDone = false;
      const maybeResolve = () => {
        if (listenerClosed && cutDone) resolve();
      };
      const cut = () => {
        clearTimeout(timer);
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        cutDone = true;
        maybeResolve();
      };
      const timer = setTimeout(cut, timeoutMs);
      timer.unref();
      server.close();
      // The listening socket closes at once; "close" itself waits for every connection.
      setImmediate(() => {
        listenerClosed = true;
        maybeResolve();
      });
      for (const session of sessions) session.close();
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      if (calls) {
        calls.whenIdle(cut);
      } else {
        // Without a tracker there is no telling when calls are done: wait for clients to hang up, up to the
        // deadline. Checked now and on each hang-up, not left to the (unref'd) timer alone: with no
        // connection left nothing keeps the event loop alive, and the timer would never fire.
        const cutWhenDrained = () => {
          if (sessions.size === 0 && sockets.size === 0) cut();
        };
        for (const session of sessions) session.once("close", cutWhenDrained);
        for (const socket of sockets) socket.once("close", cutWhenDrained);
        cutWhenDrained();
      }
    });
    return closing;
  };

  return { port: address.port, host: address.address, close };
}

/**
 * A Node HTTP or HTTP/2 server as a `ServerTransport` for `startServer`: listens gracefully, and on close
 * sends HTTP/2 sessions a GOAWAY, waits for the calls `calls` counts, and cuts what is left at the deadline.
 */
export function nodeServerTransport(server: AnyServer, options: { calls?: CallTracker } = {}): ServerTransport {
  let listening: ListeningServer | undefined;
  return {
    async listen(port, host) {
      listening = await listenGracefully(server, port, host, options);
      return { port: listening.port, host: listening.host };
    },
    close: (timeoutMs) => listening?.close(timeoutMs) ?? Promise.resolve(),
  };
}

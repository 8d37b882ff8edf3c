// listenGracefully's close() without a call tracker (what the testing fakes use): it resolves when the
// last client hangs up, and at once when none is connected, rather than only when its deadline timer fires.
// That timer is unref'd, so with no connection left nothing kept the process alive until it fired: a
// one-shot script awaiting close() ended with exit code 13 (an unsettled top-level await). The deadlines
// below are far past vitest's own test timeout, so a close() waiting for its timer fails the test.
import { connect, createServer } from "node:http2";
import { connect as netConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { listenGracefully } from "../src/graceful-server.js";

const farDeadline = 600_000;

describe("listenGracefully without a call tracker", () => {
  it("closes at once when no client is connected", async () => {
    const listening = await listenGracefully(createServer(), 0, "127.0.0.1");
    await listening.close(farDeadline);
    // And the port is free again: a connection is refused.
    const refused = await new Promise<string>((resolve) => {
      const socket = netConnect(listening.port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe("ECONNREFUSED");
  });

  it("closes when the last client hangs up", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    const listening = await listenGracefully(server, 0, "127.0.0.1");
    const client = connect(`http://127.0.0.1:${listening.port}`);
    await new Promise<void>((resolve, reject) => {
      const req = client.request({ ":path": "/" });
      req.on("error", reject);
      req.resume();
      req.on("end", () => resolve());
    });
    let closed = false;
    const closing = listening.close(farDeadline).then(() => (closed = true));
    // The server asks the session to close (GOAWAY); the client's session ends, and with it the socket.
    await new Promise<void>((resolve) => client.close(resolve));
    await closing;
    expect(closed).toBe(true);
  });
});

// The server both grpc-js transport suites start (grpc-js-transport.test.ts with connect-node's client,
// grpc-go-client.test.ts with grpc-go's): serveGrpc on grpc-js, on 127.0.0.1 and a free port, serving
// grpc.health.v1.Health with the test's own handlers. Each test file closes what it started with
// `afterEach(closeHealthServers)`.
import { Health, serveGrpc, serviceTable } from "../src/grpc/index.js";

const servers: Array<{ close(): Promise<void> }> = [];

/** serveGrpc on grpc-js with `implementation` as Health's handlers (and `maxMessageBytes` when given). */
export async function serveHealth(implementation: Parameters<typeof serviceTable<typeof Health>>[1], maxMessageBytes?: number) {
  const server = await serveGrpc([serviceTable(Health, implementation)], {
    defaultPort: 0,
    defaultHost: "127.0.0.1",
    handleSignals: false,
    transport: "grpc-js",
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
  });
  servers.push(server);
  return server;
}

/** Closes every server serveHealth started. */
export async function closeHealthServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

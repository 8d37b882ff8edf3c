// Baseline server: http2.createServer(connectNodeAdapter({ routes })) with the hand-written routes of
// bare-routes.mjs, on 127.0.0.1 and a free port. Prints `{"port":N}` on stdout once listening; exits when
// stdin ends.
import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { bareRoutes } from "./bare-routes.mjs";

const server = createServer(connectNodeAdapter({ routes: bareRoutes }));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => {
  server.close();
  setTimeout(() => process.exit(0), 200).unref();
  server.once("close", () => process.exit(0));
});

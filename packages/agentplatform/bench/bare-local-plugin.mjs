// Reference point for the spawn-to-handshake measurement: a local plugin written without the SDK.
// http2.createServer(connectNodeAdapter()) answering agentplatform.v1.Plugin/Register by hand, on
// 127.0.0.1 and a free port; writes go-plugin's handshake line once listening; exits on SIGTERM.
import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Capability, PluginService } from "./.bench-out/descriptors.mjs";

const server = createServer(
  connectNodeAdapter({
    routes(router) {
      router.service(PluginService, {
        register: () => ({ name: "bare", capabilities: [Capability.TOOL_PROVIDER], metadata: { version: "0.1.0", protocol_version: "1" } }),
      });
    },
  }),
);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`1|1|tcp|127.0.0.1:${server.address().port}|grpc\n`);
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
  // Connections a client keeps open would hold server.close(): cut them, as serve does once idle.
  for (const s of sessions) s.destroy();
});
const sessions = new Set();
server.on("session", (s) => {
  sessions.add(s);
  s.once("close", () => sessions.delete(s));
});

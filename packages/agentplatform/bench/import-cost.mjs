// Where a local plugin's start-up goes before it can listen: imports, one after another, each timed in
// this fresh process, then serve() itself (local mode, with the handshake written to a sink rather
// than stdout). The modules are imported in dependency order, so each figure is what that module adds on
// top of the ones before it. Prints one JSON line; run.mjs spawns it a few times and keeps the medians.
const steps = {};
let t = performance.now();
const mark = (name) => {
  const now = performance.now();
  steps[name] = now - t;
  t = now;
};
await import("@connectrpc/connect");
mark("@connectrpc/connect (+ protobuf)");
// The gRPC server: @grpc/grpc-js (connect-node is no longer loaded by a plugin: the PlatformHost client
// imports it on the first call back, and ajv on the first JSON Schema compiled).
await import("@grpc/grpc-js");
mark("@grpc/grpc-js");
await import("pino");
mark("pino");
// No prom-client step: @agentwire/core no longer imports it (it used to, for a value re-export nothing
// used), so a plugin does not load it.
await import("@agentwire/core");
mark("@agentwire/core (own code)");
const sdk = await import("@agentwire/agentplatform");
mark("@agentwire/agentplatform (own code + descriptors)");
const plugin = new sdk.Plugin({ name: "minimal", version: "0.1.0", manifest: { description: "Does nothing", author: "agentwire bench" } });
const server = await sdk.serve({
  plugin,
  mode: "local",
  handleSignals: false,
  handshakeOutput: { write() {} },
  logger: sdk.createLogger({ name: "minimal", level: "silent" }),
});
mark("new Plugin + serve() to listening");
await server.close();
process.stdout.write(`${JSON.stringify({ sinceStartMs: performance.now(), steps })}\n`);

// Supplementary measurement: what the SDK's handler path costs per call without a network. Each variant's
// routes run behind connect's in-memory router transport (full gRPC framing and protobuf serialisation,
// no sockets, no HTTP/2), driven by the same client in this process. One thread and no kernel in the loop,
// so the figures (µs per call, client side included, which is the same for every variant) are far steadier
// than the network figures. Two figures per round: wall-clock time per call, and this process's CPU time
// (user + system, every thread, so garbage collection too) per call, which a busy machine disturbs less
// because time spent waiting for a core is not counted. Variants:
//   bare                 the baseline routes (bare-routes.mjs)
//   sdk                  createInProcessTransport({ plugin }): the service tables serve() mounts, with a JSON logger at info
//                        (to /dev/null); ExecuteTool calls the zod tool `add`, Complete's author uses emit
//   sdk, JSON Schema     ExecuteTool only: the same plugin's `add_json`, validated by the package's
//                        JSON Schema validator instead of zod
//   sdk, generator       Complete only: an async-generator `complete` yielding the same events
//   bare + getter ctx    ExecuteTool only, references for one construct of the SDK's handler: the bare work
//   bare + class ctx     in an async handler that builds a ToolContext-shaped object per call and keeps it
//                        across an await, as an object literal with two `get` accessors (as tool-registry.ts
//                        did) or as a class instance with the same accessors on its prototype (as the SDK's
//                        CallContext does)
import { openSync } from "node:fs";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { createLogger } from "@agentwire/agentplatform";
import { createInProcessTransport } from "@agentwire/agentplatform/testing";
import { LLMProvider, PluginService, ToolProvider } from "./.bench-out/descriptors.mjs";
import { bareRoutes, bareRoutesWith } from "./bare-routes.mjs";
import { createBenchPlugin } from "./bench-plugin.mjs";
import { caller } from "./load.mjs";
import { bestOfRounds } from "../../../scripts/bench-kit/in-process.mjs";

function clientsFor(routesOrTransport) {
  const transport = typeof routesOrTransport === "function" ? createRouterTransport(routesOrTransport) : routesOrTransport;
  return { tools: createClient(ToolProvider, transport), llm: createClient(LLMProvider, transport), plugin: createClient(PluginService, transport) };
}

/**
 * For each rpc and variant: `rounds` batches of calls with `concurrency` in flight, variants alternating
 * inside each round (order reversed every other round); the best (lowest) µs per call is kept, wall
 * clock and CPU separately.
 */
export async function runInProcess({ rpcs, settings }) {
  const devNull = openSync("/dev/null", "w");
  const logger = () => createLogger({ name: "bench", level: "info", destination: devNull });
  const sdk = clientsFor(createInProcessTransport({ plugin: createBenchPlugin() }, { logger: logger() }));
  const generator = clientsFor(createInProcessTransport({ plugin: createBenchPlugin({ generator: true }) }, { logger: logger() }));
  const bare = clientsFor(bareRoutes);
  const bareGetters = clientsFor(bareRoutesWith({ getterContext: true }));
  const bareClass = clientsFor(bareRoutesWith({ classContext: true }));
  const variantsOf = {
    ExecuteTool: {
      bare: caller(bare, "ExecuteTool"),
      sdk: caller(sdk, "ExecuteTool", { tool: "add" }),
      "sdk, JSON Schema": caller(sdk, "ExecuteTool", { tool: "add_json" }),
      "bare + getter ctx": caller(bareGetters, "ExecuteTool"),
      "bare + class ctx": caller(bareClass, "ExecuteTool"),
    },
    Complete: {
      bare: caller(bare, "Complete"),
      sdk: caller(sdk, "Complete"),
      "sdk, generator": caller(generator, "Complete"),
    },
  };
  const results = {};
  for (const rpc of rpcs) {
    const { calls, rounds, concurrency } = settings[rpc];
    const variants = variantsOf[rpc];
    for (const name of Object.keys(variants)) await variants[name](); // each answers correctly, or the bench stops here
    results[rpc] = await bestOfRounds({ variants, rounds, calls, concurrency, cpu: true });
  }
  return results;
}

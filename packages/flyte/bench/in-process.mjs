// Supplementary measurement: the cost of the SDK's handler path per call, without a network. Each variant's
// routes run behind connect's in-memory router transport (full gRPC serialisation, no sockets), driven by
// the same client, in this process. Being one thread with no kernel in the loop, the figure (µs per call,
// client side included, which is the same for every variant) is far steadier than the network figures,
// and the variants say which SDK feature costs what:
//   bare                     the baseline routes (bare-routes.mjs)
//   sdk                      the service tables as serve builds them: JSON logger (info) + flytekit's metrics
//   sdk, no metrics          the same without metrics
//   sdk, silent, no metrics  neither logs nor metrics: the SDK's conversion and routing alone
import { openSync } from "node:fs";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { routesFor } from "@agentwire/core/grpc";
import { createLogger } from "@agentwire/flyte";
import { agentServiceTables } from "@agentwire/flyte/testing";
import { Registry } from "prom-client";
import { AsyncAgentService } from "./.bench-out/descriptors.mjs";
import { BenchAgent } from "./bench-agent.mjs";
import { bareRoutes } from "./bare-routes.mjs";
import { caller, createTaskRequest, getTaskRequest } from "./load.mjs";
import { bestOfRounds } from "../../../scripts/bench-kit/in-process.mjs";

export function inProcessVariants() {
  const devNull = openSync("/dev/null", "w");
  const logger = () => createLogger({ name: "agentwire-flyte", level: "info", destination: devNull });
  return {
    bare: bareRoutes,
    sdk: routesFor(agentServiceTables([new BenchAgent()], { logger: logger(), metricsRegistry: new Registry() })),
    "sdk, no metrics": routesFor(agentServiceTables([new BenchAgent()], { logger: logger() })),
    "sdk, silent, no metrics": routesFor(agentServiceTables([new BenchAgent()])),
  };
}

/**
 * For each rpc and variant: `rounds` batches of `calls` calls with `concurrency` in flight, variants
 * alternating inside each round; the best (lowest) µs per call is kept.
 */
export async function runInProcess({ rpcs, calls, rounds, concurrency }) {
  const variants = inProcessVariants();
  const clients = {};
  const requests = {};
  for (const [name, routes] of Object.entries(variants)) {
    clients[name] = createClient(AsyncAgentService, createRouterTransport(routes));
    const { resourceMeta } = await clients[name].createTask(createTaskRequest());
    requests[name] = { create: createTaskRequest(), get: getTaskRequest(resourceMeta) };
  }
  const results = {};
  for (const rpc of rpcs) {
    const callers = Object.fromEntries(Object.keys(variants).map((name) => [name, caller(clients[name], rpc, requests[name])]));
    results[rpc] = await bestOfRounds({ variants: callers, rounds, calls, warmupCalls: Math.min(calls, 2000), concurrency });
  }
  return results;
}

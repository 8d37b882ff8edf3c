import { createRouterTransport, type Transport } from "@connectrpc/connect";
import type { Logger } from "@agentwire/core";
import { routesFor } from "@agentwire/core/grpc";
import type { AnyAgent } from "../agent-registry.js";
import { createAgentServiceTables } from "../agent-service-tables.js";

/** Logging of the in-process server. */
export interface InProcessTransportOptions {
  /** Where the server side logs. Default: nowhere (a silent logger). */
  logger?: Logger;
}

/**
 * A transport that calls `agents` in this process, through the same service tables, serialization and
 * error mapping as `serve`, without a port. `createFlyteDriver({ agents })` is built on it; use it directly
 * to give a Connect client of your own the agents.
 *
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * import { createInProcessTransport } from "@agentwire/flyte/testing";
 * import type { AnyAgent } from "@agentwire/flyte";
 *
 * declare const agents: AnyAgent[];
 * const transport = createInProcessTransport({ agents });
 * ```
 */
export function createInProcessTransport(target: { agents: readonly AnyAgent[] }, options: InProcessTransportOptions = {}): Transport {
  return createRouterTransport(routesFor(createAgentServiceTables(target.agents, options).tables));
}

import type { Logger } from "@agentwire/core";
import type { AnyServiceTable } from "@agentwire/core/grpc";
import type { Registry } from "prom-client";
import { AgentMetrics } from "../agent-metrics.js";
import type { AnyAgent } from "../agent-registry.js";
import { createAgentServiceTables } from "../agent-service-tables.js";

/** How the tables log and measure. */
export interface AgentServiceTablesOptions {
  /** Where the server side logs. Default: nowhere. */
  logger?: Logger;
  /** Record flytekit's `flyte_connector_*` metrics into this prom-client registry. Default: none recorded. */
  metricsRegistry?: Registry;
}

/**
 * The service tables `serve` mounts (AsyncAgentService, SyncAgentService, AgentMetadataService and
 * grpc.health.v1), for a host or a server of your own: pass them to `routesFor` from
 * `@agentwire/core/grpc` for a Connect router.
 */
export function agentServiceTables(agents: readonly AnyAgent[], options: AgentServiceTablesOptions = {}): AnyServiceTable[] {
  return createAgentServiceTables(agents, {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.metricsRegistry === undefined ? {} : { metrics: new AgentMetrics(options.metricsRegistry) }),
  }).tables;
}

import { silentLogger, type Logger } from "@agentwire/core";
import { GrpcHealth, Health, type AnyServiceTable } from "@agentwire/core/grpc";
import { agentMetadataService } from "./agent-metadata-service.js";
import type { AgentMetrics } from "./agent-metrics.js";
import { AgentRegistry, type AnyAgent } from "./agent-registry.js";
import { asyncAgentService } from "./async-agent-service.js";
import { asyncConnectorService, connectorMetadataService } from "./connector-v2-service.js";
import { AsyncConnectorService, ConnectorMetadataService } from "./gen2/flyteidl2/connector/service_pb.js";
import { CallInstrumentation } from "./call-instrumentation.js";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { syncAgentService } from "./sync-agent-service.js";

/** What an agent server reports health for (besides `""`): its services, and health itself, as flytekit does. */
export const healthServiceNames: readonly string[] = [
  AsyncAgentService.typeName,
  SyncAgentService.typeName,
  AgentMetadataService.typeName,
  AsyncConnectorService.typeName,
  ConnectorMetadataService.typeName,
  Health.typeName,
];

/**
 * What `createAgentServiceTables` takes. Internal: the public `AgentServiceTablesOptions` (in `testing`)
 * takes a prom-client registry instead of `AgentMetrics`, and no `health`.
 */
export interface CreateAgentServiceTablesOptions {
  /** Default: a logger that drops everything (tests); `serve` passes a JSON logger on stderr. */
  logger?: Logger;
  /** Where flytekit's per-call metrics go. Default: none recorded. */
  metrics?: AgentMetrics;
  /** Default: a fresh `GrpcHealth` for the agent services, reporting SERVING. */
  health?: GrpcHealth;
  /** Which protocols to answer: Flyte 1's `flyteidl.service` and Flyte 2's `flyteidl2.connector`. Default: both. */
  protocols?: { flyteidl?: boolean; flyteidl2?: boolean };
}

/** Everything one agent server answers, as service tables, with the pieces `serve` drives. */
export interface AgentServiceTables {
  /** AsyncAgentService, SyncAgentService, AgentMetadataService (Flyte 1), AsyncConnectorService and ConnectorMetadataService (Flyte 2), grpc.health.v1. */
  tables: AnyServiceTable[];
  registry: AgentRegistry;
  health: GrpcHealth;
}

/**
 * The service tables of an agent server, with the registry and health `serve` drives. `serve` mounts them
 * on its HTTP/2 server and the in-process test transport on a Connect router, so tests go through the same
 * code as production. (The public `agentServiceTables` in `testing` returns only the tables.)
 */
export function createAgentServiceTables(agents: readonly AnyAgent[] | AgentRegistry, options: CreateAgentServiceTablesOptions = {}): AgentServiceTables {
  const registry = agents instanceof AgentRegistry ? agents : new AgentRegistry(agents);
  const health = options.health ?? new GrpcHealth({ services: healthServiceNames });
  const runtime = {
    registry,
    calls: new CallInstrumentation(options.logger ?? silentLogger(), options.metrics),
    metrics: options.metrics,
  };
  const v1Async = asyncAgentService(runtime);
  const v1 = options.protocols?.flyteidl ?? true;
  const v2 = options.protocols?.flyteidl2 ?? true;
  return {
    tables: [
      ...(v1 ? [v1Async, syncAgentService(runtime), agentMetadataService(registry)] : []),
      ...(v2 ? [asyncConnectorService(registry, v1Async.implementation), connectorMetadataService(registry)] : []),
      health.table,
    ],
    registry,
    health,
  };
}

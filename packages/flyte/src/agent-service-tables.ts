import { silentLogger, type Logger } from "@agentwire/core";
import { GrpcHealth, Health, type AnyServiceTable } from "@agentwire/core/grpc";
import { agentMetadataService } from "./agent-metadata-service.js";
import type { AgentMetrics } from "./agent-metrics.js";
import { AgentRegistry, type AnyAgent } from "./agent-registry.js";
import { asyncAgentService } from "./async-agent-service.js";
import { CallInstrumentation } from "./call-instrumentation.js";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { syncAgentService } from "./sync-agent-service.js";

/** What an agent server reports health for (besides `""`): its services, and health itself, as flytekit does. */
export const healthServiceNames: readonly string[] = [
  AsyncAgentService.typeName,
  SyncAgentService.typeName,
  AgentMetadataService.typeName,
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
}

/** Everything one agent server answers, as service tables, with the pieces `serve` drives. */
export interface AgentServiceTables {
  /** AsyncAgentService, SyncAgentService, AgentMetadataService and grpc.health.v1. */
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
  return {
    tables: [asyncAgentService(runtime), syncAgentService(runtime), agentMetadataService(registry), health.table],
    registry,
    health,
  };
}

import type { ConnectRouter } from "@connectrpc/connect";
import { silentLogger, type Logger } from "@agentwire/core";
import type { AgentMetrics } from "./agent-metrics.js";
import { AgentRegistry, type Agent } from "./agent-registry.js";
import { registerAgentServices } from "./agent-service.js";
import { healthServiceNames, HealthState } from "./health.js";

export interface AgentRoutesOptions {
  /** Default: a logger that drops everything (tests); `serve` passes a JSON logger on stderr. */
  logger?: Logger;
  /** Default: none recorded. */
  metrics?: AgentMetrics;
  /** Default: a fresh HealthState reporting SERVING. */
  health?: HealthState;
}

/**
 * Everything an agent server answers, as a function for a Connect router: the three Flyte agent services
 * and `grpc.health.v1`. Use it to mount agents in a server of your own (`connectNodeAdapter({ routes })`,
 * Fastify, Express); `serve` and the in-process test client are built on it.
 */
export function createAgentRoutes(agents: readonly Agent[] | AgentRegistry, options: AgentRoutesOptions = {}) {
  const registry = agents instanceof AgentRegistry ? agents : new AgentRegistry(agents);
  const health = options.health ?? new HealthState(healthServiceNames);
  return (router: ConnectRouter): void => {
    registerAgentServices(router, registry, {
      logger: options.logger ?? silentLogger(),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    health.register(router);
  };
}

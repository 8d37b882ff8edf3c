import { serviceTable, type AnyServiceTable, type ServiceTable } from "@agentwire/core/grpc";
import { toConnectError } from "@agentwire/core/grpc";
import type { AgentRegistry } from "./agent-registry.js";
import { AgentMetadataService } from "./gen/flyteidl/service/agent_pb.js";

/**
 * `flyteidl.service.AgentMetadataService`: ListAgents, which Propeller calls every 10 s to route task
 * types, and GetAgent (NOT_FOUND naming the known agents for an unknown name).
 */
export function agentMetadataService(registry: AgentRegistry): ServiceTable<typeof AgentMetadataService> & AnyServiceTable {
  return serviceTable(AgentMetadataService, {
    listAgents: () => ({ agents: registry.metadata() }),
    getAgent: (req) => {
      try {
        return { agent: registry.metadataFor(req.name) };
      } catch (err) {
        throw toConnectError(err);
      }
    },
  });
}

import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { Health } from "@agentwire/core/grpc";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "../gen/flyteidl/service/agent_pb.js";

/** Typed clients of every service an agent server answers, for tests that speak the raw protocol. */
export interface AgentClients {
  async: Client<typeof AsyncAgentService>;
  sync: Client<typeof SyncAgentService>;
  metadata: Client<typeof AgentMetadataService>;
  health: Client<typeof Health>;
}

export function agentClients(transport: Transport): AgentClients {
  return {
    async: createClient(AsyncAgentService, transport),
    sync: createClient(SyncAgentService, transport),
    metadata: createClient(AgentMetadataService, transport),
    health: createClient(Health, transport),
  };
}

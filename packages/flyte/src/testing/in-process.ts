import { createClient, createRouterTransport, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { Logger } from "@agentwire/core";
import type { Agent } from "../agent-registry.js";
import { createAgentRoutes } from "../agent-routes.js";
import { Health } from "@agentwire/core/grpc";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "../gen/flyteidl/service/agent_pb.js";

/**
 * A transport that calls `agents` in this process, through the same routes, serialization and error
 * mapping as `serve`, without a port. This is the way to test an agent:
 *
 * ```ts
 * const driver = new PropellerDriver(createInProcessTransport([new MyAgent()]));
 * const run = await driver.run({ type: "my_task", inputs: { n: types.integer() } }, { n: 3 });
 * expect(run.phase).toBe("SUCCEEDED");
 * ```
 */
export function createInProcessTransport(agents: readonly Agent[], options: { logger?: Logger } = {}): Transport {
  return createRouterTransport(createAgentRoutes(agents, options));
}

/** A gRPC (HTTP/2) transport to an agent server at `baseUrl`, e.g. `http://127.0.0.1:8000`. */
export function createNetworkTransport(baseUrl: string): Transport {
  return createGrpcTransport({ baseUrl });
}

export interface AgentClients {
  async: Client<typeof AsyncAgentService>;
  sync: Client<typeof SyncAgentService>;
  metadata: Client<typeof AgentMetadataService>;
  health: Client<typeof Health>;
}

/** Typed clients of every service an agent server answers, for tests that speak the raw protocol. */
export function createAgentClients(transport: Transport): AgentClients {
  return {
    async: createClient(AsyncAgentService, transport),
    sync: createClient(SyncAgentService, transport),
    metadata: createClient(AgentMetadataService, transport),
    health: createClient(Health, transport),
  };
}

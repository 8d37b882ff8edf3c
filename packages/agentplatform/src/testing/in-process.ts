import { createClient, createRouterTransport, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { Logger } from "@agentwire/core";
import { Plugin as PluginService } from "../gen/agentplatform/v1/plugin_pb.js";
import { Health } from "@agentwire/core/grpc";
import type { AnyPlugin } from "../plugin.js";
import { createPluginRoutes } from "../plugin-routes.js";

/**
 * A transport that calls `plugin` in this process, through the same routes, serialization and error
 * mapping as `servePlugin`, without a port. This is the way to test a plugin:
 *
 * ```ts
 * const { plugin: client } = createPluginClients(createInProcessTransport(plugin));
 * const res = await client.register({ config: { api_key_env: "WEATHER_KEY" } });
 * expect(res.capabilities).toEqual([Capability.TOOL_PROVIDER]);
 * ```
 */
export function createInProcessTransport(plugin: AnyPlugin, options: { logger?: Logger } = {}): Transport {
  return createRouterTransport(createPluginRoutes(plugin, options));
}

/** A gRPC (HTTP/2) transport to a plugin server at `baseUrl`, e.g. `http://127.0.0.1:9010`. */
export function createNetworkTransport(baseUrl: string): Transport {
  return createGrpcTransport({ baseUrl });
}

export interface PluginClients {
  /** `agentplatform.v1.Plugin`: register, health, getManifest. */
  plugin: Client<typeof PluginService>;
  /** `grpc.health.v1.Health`: check, watch, list. */
  health: Client<typeof Health>;
}

/** Typed clients of the services every plugin answers, for tests that speak the raw protocol. */
export function createPluginClients(transport: Transport): PluginClients {
  return {
    plugin: createClient(PluginService, transport),
    health: createClient(Health, transport),
  };
}

// Everything a plugin answers, as service tables: `agentplatform.v1.Plugin`, `grpc.health.v1.Health` and each
// provider's service. `serve` mounts them on a gRPC server and the in-process test transport on a Connect
// router: the same handlers either way.
import { silentLogger, type Logger } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable, type GrpcHealth } from "@agentwire/core/grpc";
import { Plugin as PluginService, Status } from "./gen/agentplatform/v1/plugin_pb.js";
import { pluginInternals, type AnyPlugin } from "./plugin.js";
import { createPluginHealth, type PluginHealth } from "./plugin-health.js";
import { providerTable } from "./provider.js";

export interface PluginServices {
  readonly tables: readonly AnyServiceTable[];
  readonly health: GrpcHealth;
  /** Stops following the plugin's `setServing` (the server is closing). */
  readonly release: () => void;
}

/** The service tables of `plugin`, with a fresh health (or `health`, when the caller made one). */
export function pluginServices(plugin: AnyPlugin, options: { logger?: Logger; health?: PluginHealth } = {}): PluginServices {
  const logger = options.logger ?? silentLogger();
  const { health, release } = options.health ?? createPluginHealth(plugin, logger);
  const { register } = pluginInternals(plugin);
  const pluginTable = serviceTable(PluginService, {
    register: async (req, ctx) => {
      try {
        return await register({ config: req.config, envVars: req.envVars }, { signal: ctx.signal, timeoutMs: ctx.timeoutMs, logger });
      } catch (err) {
        throw toConnectError(err);
      }
    },
    health: async (_req, ctx) => ({ status: (await health.isServing(ctx.signal, ctx.timeoutMs).catch((err: unknown) => Promise.reject(toConnectError(err)))) ? Status.SERVING : Status.NOT_SERVING }),
    getManifest: () => ({ manifestHcl: plugin.manifestHcl }),
  });
  const runtime = { plugin, logger };
  return {
    tables: [pluginTable, health.table, ...plugin.providers.map((provider) => providerTable(provider, runtime))],
    health,
    release,
  };
}

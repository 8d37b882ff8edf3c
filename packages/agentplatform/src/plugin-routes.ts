import type { ConnectRouter } from "@connectrpc/connect";
import { silentLogger, type Logger } from "@agentwire/core";
import { Plugin as PluginService } from "./gen/agentplatform/v1/plugin_pb.js";
import { PluginHealth } from "./health.js";
import { sealProviders, type AnyPlugin } from "./plugin.js";
import { toConnectError } from "./wire-error.js";

export interface PluginRoutesOptions {
  /** Default: a logger that drops everything (tests); `servePlugin` passes JSON lines on stderr. */
  logger?: Logger;
  /** Default: a fresh `PluginHealth` for the plugin; `servePlugin` passes its own to drain on shutdown. */
  health?: PluginHealth;
}

/**
 * Everything a plugin answers, as a function for a Connect router: `agentplatform.v1.Plugin`,
 * `grpc.health.v1.Health` and each attached provider's service. `servePlugin` and the in-process test
 * transport are built on it; use it to mount a plugin in a server of your own
 * (`connectNodeAdapter({ routes: createPluginRoutes(plugin) })`). Providers must be attached before this
 * is called.
 */
export function createPluginRoutes(plugin: AnyPlugin, options: PluginRoutesOptions = {}): (router: ConnectRouter) => void {
  sealProviders(plugin);
  const logger = options.logger ?? silentLogger();
  const health = options.health ?? new PluginHealth(plugin, logger);
  return (router: ConnectRouter): void => {
    router.service(PluginService, {
      register: async (req, ctx) => {
        try {
          return await plugin.register({ config: req.config, envVars: req.envVars }, { signal: ctx.signal, logger });
        } catch (err) {
          throw toConnectError(err);
        }
      },
      health: async (_req, ctx) => {
        try {
          return { status: await health.status(ctx.signal) };
        } catch (err) {
          throw toConnectError(err);
        }
      },
      getManifest: () => ({ manifestHcl: plugin.manifestHcl }),
    });
    health.register(router);
    for (const provider of plugin.providers) provider.registerRoutes(router, { logger });
  };
}

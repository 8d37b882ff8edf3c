// A served plugin's health, as both health protocols see it: the platform's `agentplatform.v1.Plugin/Health`
// and `grpc.health.v1.Health` (for grpc-health-probe, Kubernetes probes and go-plugin-style hosts) answer
// from one GrpcHealth: the plugin's `setServing` flag, then its `health` callback as the probe, and
// NOT_SERVING once the server drains.
import type { Logger } from "@agentwire/core";
import { GrpcHealth, Health } from "@agentwire/core/grpc";
import { Plugin as PluginService } from "./gen/agentplatform/v1/plugin_pb.js";
import { pluginInternals, type AnyPlugin } from "./plugin.js";
import { providerService } from "./provider.js";

/** A plugin's health for one server or test transport, and how to stop following the plugin. */
export interface PluginHealth {
  readonly health: GrpcHealth;
  /** Stops following `setServing` (the server is closing). */
  readonly release: () => void;
}

/**
 * A GrpcHealth for `plugin`. grpc.health.v1 knows `""` (the whole server), `"plugin"` (go-plugin's name
 * for it), `agentplatform.v1.Plugin`, health itself and each provider's service.
 */
export function createPluginHealth(plugin: AnyPlugin, logger: Logger): PluginHealth {
  const { probe, onServingChange } = pluginInternals(plugin);
  const services = ["plugin", PluginService.typeName, Health.typeName, ...plugin.providers.map((p) => providerService(p).typeName)];
  const health = new GrpcHealth({
    services,
    ...(probe === undefined ? {} : { probe: (signal: AbortSignal, timeoutMs: () => number | undefined) => probe(signal, logger, timeoutMs) }),
    logger,
  });
  health.setServing(plugin.serving);
  // Held weakly: a test transport nobody closes must not keep its health (and tables) alive as long as the plugin.
  const ref = new WeakRef(health);
  const release: () => void = onServingChange((serving) => {
    const current = ref.deref();
    if (current === undefined) release();
    else current.setServing(serving);
  });
  return { health, release };
}

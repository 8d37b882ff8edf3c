import { createRouterTransport, type Transport } from "@connectrpc/connect";
import type { Logger } from "@agentwire/core";
import { routesFor } from "@agentwire/core/grpc";
import type { AnyPlugin } from "../plugin.js";
import { pluginServices } from "../plugin-services.js";

/** Options of the in-process transport and driver. */
export interface InProcessTransportOptions {
  /** Where the plugin's handlers log. Default: nowhere. */
  logger?: Logger;
}

/**
 * A Connect transport that calls `plugin` in this process, through the same service tables,
 * serialization and error mapping as `serve`, without a port. `createPluginDriver({ plugin })` is built on
 * it; use it directly to make clients of your own.
 *
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * import { Plugin, PluginService } from "@agentwire/agentplatform";
 * import { createInProcessTransport } from "@agentwire/agentplatform/testing";
 *
 * declare const plugin: Plugin;
 * const client = createClient(PluginService, createInProcessTransport({ plugin }));
 * const { name } = await client.register({ config: {} });
 * ```
 */
export function createInProcessTransport(target: { plugin: AnyPlugin }, options: InProcessTransportOptions = {}): Transport {
  return createRouterTransport(routesFor(pluginServices(target.plugin, options.logger === undefined ? {} : { logger: options.logger }).tables));
}

import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "@agentwire/core";
import type { Capability } from "./gen/agentplatform/v1/plugin_pb.js";

/** What a provider gets when its routes are mounted. */
export interface ProviderRoutesContext {
  /** The server's logger (JSON lines on stderr under `servePlugin`; silent in-process unless one is passed). */
  readonly logger: Logger;
}

/**
 * One capability of a plugin and the gRPC service that implements it: a tool provider is
 * `{ capability: Capability.TOOL_PROVIDER, service: ToolProvider, registerRoutes }`. Attach providers with
 * `plugin.addProvider(provider)`; `Register` then reports their capabilities, and every server and test
 * transport made from the plugin answers their service. The SDK's own ToolProvider, LLMProvider,
 * ViewProvider and LifecycleHook implement this interface.
 *
 * ```ts
 * plugin.addProvider({
 *   capability: Capability.TOOL_PROVIDER,
 *   service: ToolProvider,
 *   registerRoutes(router) {
 *     router.service(ToolProvider, { listTools: () => ({ tools: [] }), executeTool: () => ({ resultJson: "{}" }) });
 *   },
 * });
 * ```
 */
export interface PluginProvider {
  /** The capability `Register` reports for this provider. */
  readonly capability: Capability;
  /** The service it answers; used for grpc.health.v1 service names and to refuse a service attached twice. */
  readonly service: DescService;
  /** Adds the service's handlers to a Connect router (called once per server or test transport). */
  registerRoutes(router: ConnectRouter, context: ProviderRoutesContext): void;
}

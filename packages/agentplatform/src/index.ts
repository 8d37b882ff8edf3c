/**
 * @agentwire/agentplatform: write AgentPlatform plugins in TypeScript.
 *
 * - `Plugin`: name, version, manifest (served as HCL), typed config from `Register`, health, providers.
 * - `servePlugin`: remote (gRPC on `PORT`) or local (subprocess with a stdout handshake) serving, JSON
 *   logs on stderr, graceful shutdown.
 * - Providers: `ToolRegistry` (tools), `createLLMProvider` (completions), `createViewProvider`/`defineView`
 *   and the `ui` builder (views), `createLifecycleHook` (hooks), and `createPlatformHostClient` (calling
 *   the platform back).
 * - `@agentwire/agentplatform/testing`: in-process transports and typed clients for every service, a
 *   completion stream assembler, a fake PlatformHost.
 *
 * The `agentplatform.v1` contract (proto/agentplatform/v1) is ours, written from upstream's API reference;
 * each .proto file says which parts are upstream's and which are our decisions.
 */
import { guardStdoutIfLocal } from "./stdout-guard.js";

// A local plugin's stdout is the handshake's: guard it as soon as the SDK loads, before plugin code can
// print (servePlugin guards it too, for a plugin put in local mode by its options).
guardStdoutIfLocal();

export {
  Plugin,
  protocolVersion,
  type AnyPlugin,
  type PluginCallContext,
  type PluginOptions,
  type RegisterResult,
  type Registration,
} from "./plugin.js";
export type { PluginProvider, ProviderRoutesContext } from "./plugin-provider.js";
export type {
  BoolConfigField,
  ConfigField,
  ConfigFieldType,
  ConfigFieldValue,
  ConfigSchema,
  ConfigUiType,
  ConfigValues,
  NumberConfigField,
  StringConfigField,
} from "./config-schema.js";
export type { PluginManifest, PluginType } from "./manifest.js";
export { PluginHealth } from "./health.js";
export { createPluginRoutes, type PluginRoutesOptions } from "./plugin-routes.js";
export { defaultRemotePort, servePlugin, type PluginServer, type ServeMode, type ServePluginOptions } from "./serve.js";
export { formatHandshake, parseHandshake, type Handshake } from "./handshake.js";
export { guardStdout, pluginModeVariable } from "./stdout-guard.js";
export { AgentwireError, createLogger, type Logger } from "@agentwire/core";
export { Code, ConnectError } from "@connectrpc/connect";
// The contract's enums and service descriptors, as authors and providers meet them.
export { Capability, Plugin as PluginService, Status } from "./gen/agentplatform/v1/plugin_pb.js";
export { ToolProvider } from "./gen/agentplatform/v1/tool_pb.js";
export { LLMProvider, FinishReason } from "./gen/agentplatform/v1/llm_pb.js";
export { ViewProvider } from "./gen/agentplatform/v1/view_pb.js";
export { Action, EventType, LifecycleHook } from "./gen/agentplatform/v1/lifecycle_pb.js";
export { PlatformHost } from "./gen/agentplatform/v1/platform_pb.js";
export type { RegisterRequest, RegisterResponse } from "./gen/agentplatform/v1/plugin_pb.js";
// The providers, one folder each.
export * from "./tools/index.js";
export * from "./llm/index.js";
export * from "./views/index.js";
export * from "./lifecycle/index.js";
export * from "./platform-host/index.js";

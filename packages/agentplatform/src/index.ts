/**
 * @agentwire/agentplatform: write AgentPlatform plugins in TypeScript.
 *
 * - `Plugin`: name, version, manifest (served as HCL), the providers it serves, typed config from
 *   `Register`, health.
 * - Providers, classes an author extends: `ToolProvider` (tools), `LLMProvider` (completions),
 *   `ViewProvider` (views, routes, a chat stream) and `LifecycleHook` (hooks), each handler's context
 *   carrying the plugin's typed config, env, logger, signal and deadline.
 * - `serve({ plugin })`: remote (gRPC on `PORT`) or local (a subprocess with a stdout handshake) serving,
 *   JSON logs on stderr, graceful shutdown.
 * - `@agentwire/agentplatform/testing`: `createPluginDriver`, the in-process transport, a completion
 *   stream assembler, a fake PlatformHost.
 *
 * The `agentplatform.v1` contract (proto/agentplatform/v1) is ours, written from upstream's API reference;
 * each .proto file says which parts are upstream's and which are our decisions.
 *
 * Importing this module guards stdout when the process was started as a local plugin (see `sideEffects`
 * in package.json).
 */
import { guardStdoutIfLocal } from "./stdout-guard.js";

// A local plugin's stdout is the handshake's: guard it as soon as the SDK loads, before plugin code can
// print (serve guards it too, for a plugin put in local mode by its options).
guardStdoutIfLocal();

// The plugin and serving it.
export { Plugin, protocolVersion, type AnyPlugin, type PluginOptions, type RegisterResult, type Registration } from "./plugin.js";
export type { PluginCallContext, PluginContext } from "./plugin-context.js";
export type { PluginProvider } from "./provider.js";
export { serve, defaultRemotePort, type PluginServer, type ServeMode, type ServeOptions } from "./serve.js";
export { pluginModeVariable } from "./stdout-guard.js";
export {
  defineConfigSchema,
  resolveConfig,
  type ConfigProblem,
  type BoolConfigField,
  type ConfigField,
  type ConfigFieldType,
  type ConfigFieldValue,
  type ConfigSchema,
  type ConfigUiType,
  type ConfigValues,
  type NumberConfigField,
  type StringConfigField,
} from "./config-schema.js";
export type { PluginManifest, PluginType } from "./manifest.js";

// Tools.
export {
  ToolProvider,
  toolNamePattern,
  type RegisteredTool,
  type ToolConfig,
  type ToolHandler,
} from "./tools/tool-provider.js";
export type { ToolContext } from "./tools/tool-context.js";
export type { ToolErrorResult } from "./tools/tool-result.js";
export type { InferToolInput, ToolInputSchema } from "./tools/tool-input.js";
export {
  supportedJsonSchemaDialects,
  type InferJsonSchema,
  type JsonSchema,
  type JsonSchemaIssue,
  type JsonSchemaTypeName,
} from "./tools/json-schema.js";

// LLM.
export { LLMProvider, type CompleteResult, type CompletionContext } from "./llm/llm-provider.js";
export type { CompletionEmitter, CompletionEvent, CompletionUsage, ToolCallDeltaInit } from "./llm/completion-emitter.js";
export type { CompletionMessage, CompletionRequest, CompletionTool, CompletionToolCall } from "./llm/completion-request.js";
export {
  codeForUpstreamStatus,
  upstreamErrorFromResponse,
  upstreamErrorMessage,
  UpstreamHttpError,
  type UpstreamHttpErrorOptions,
} from "./llm/upstream-error.js";
export { redactSecrets } from "./llm/redact.js";

// Views.
export {
  route,
  ViewProvider,
  type ViewDefinition,
  type ViewOptions,
  type ViewRenderContext,
  type ViewRoute,
  type ViewRouteContext,
  type ViewRouteHandler,
  type ViewScope,
} from "./views/view-provider.js";
export type { ViewRouteMethod } from "./views/view-routing.js";
export type { ViewRouteRequest } from "./views/route-request.js";
export { respond, type ViewRouteResponse } from "./views/route-response.js";
export {
  renderComponents,
  ui,
  type BlockNode,
  type ChatOptions,
  type ComponentNode,
  type ComponentValue,
  type FieldOptions,
  type FormOptions,
  type SectionOptions,
  type StatGroupOptions,
  type StatOptions,
  type TextOptions,
  type TextStyle,
  type ViewNode,
} from "./views/components.js";
export {
  streamMetadataKeys,
  type ViewStream,
  type ViewStreamContext,
  type ViewStreamHandler,
  type ViewStreamJson,
  type ViewStreamMetadata,
} from "./views/view-stream.js";
export { chatInput, chatRelay, conversationEventJson, type ChatEventJson, type ChatRelayOptions } from "./views/chat-relay.js";

// Lifecycle hooks.
export {
  LifecycleHook,
  type LifecycleContext,
  type LifecycleFailurePolicy,
  type LifecycleHandler,
  type LifecycleHandlerOptions,
  type LifecycleHandlerResult,
} from "./lifecycle/lifecycle-hook.js";
export { cancelReasonHeader } from "./lifecycle/hook-service.js";
export {
  lifecycleEventNames,
  type AgentEventPayload,
  type HandoffPayload,
  type LifecycleEventName,
  type LifecycleFinishReason,
  type LifecycleMessage,
  type LifecyclePayloads,
  type LifecycleToolCall,
  type LifecycleToolDefinition,
  type LlmRequestPayload,
  type LlmResponsePayload,
  type ToolCallPayload,
  type ToolResultPayload,
  type TurnEventPayload,
} from "./lifecycle/payloads.js";
export { cancel, modify, proceed, type CancelResult, type ContinueResult, type LifecycleResult, type ModifyResult } from "./lifecycle/results.js";

// Calling the platform back.
export { platformHostAddressVariable } from "./platform-host/address.js";
export {
  createPlatformHostClient,
  type ConversationMessage,
  type ConversationResult,
  type PlatformConversationEvent,
  type PlatformHostClient,
  type PlatformHostClientOptions,
  type PlatformHostSource,
  type RunConversationOptions,
  type RunConversationRequest,
} from "./platform-host/client.js";

// The contract's enums, and its service descriptors (named `...Service`, out of the way of the classes above).
export { Capability, Plugin as PluginService, Status } from "./gen/agentplatform/v1/plugin_pb.js";
export { ToolProvider as ToolProviderService } from "./gen/agentplatform/v1/tool_pb.js";
export { FinishReason, LLMProvider as LLMProviderService } from "./gen/agentplatform/v1/llm_pb.js";
export { ViewProvider as ViewProviderService } from "./gen/agentplatform/v1/view_pb.js";
export { Action, EventType, LifecycleHook as LifecycleHookService } from "./gen/agentplatform/v1/lifecycle_pb.js";
export { PlatformHost as PlatformHostService } from "./gen/agentplatform/v1/platform_pb.js";

// From core and connect, so a plugin needs only this package (and never `JSON.parse` for wire data).
export { AgentwireError, ErrorCode, createLogger, LosslessNumber, type Logger, type JsonValue, type JsonObject } from "@agentwire/core";
export { parseJson, stringifyJson, isJsonObject, isLosslessNumber, toNumber } from "@agentwire/core";
export { Code, ConnectError } from "@connectrpc/connect";

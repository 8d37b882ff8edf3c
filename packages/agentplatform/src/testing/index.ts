/**
 * @agentwire/agentplatform/testing: how you test a plugin. `createPluginDriver({ plugin })` calls it in
 * this process as an AgentPlatform workspace does (`{ url }` or `{ address }` for a served one, or any
 * `{ transport }`), with a helper per service and the raw clients; `createInProcessTransport({ plugin })`
 * is the transport under it. Also: the completion stream assembler (a host's view of a Complete stream), a scriptable fake
 * PlatformHost, the local-plugin handshake parser a host uses, and the enums tests compare against.
 */
export {
  createPluginDriver,
  type AddressDriverOptions,
  type CompleteRequestInit,
  type InProcessDriverOptions,
  type NetworkDriverOptions,
  type PluginClients,
  type PluginDriver,
  type PluginDriverOptions,
  type PluginDriverSettings,
  type TransportDriverOptions,
  type RenderInit,
  type RouteInit,
  type RouteResult,
} from "./plugin-driver.js";
export { createInProcessTransport, type InProcessTransportOptions } from "./in-process.js";
export type { ListedTool, ToolCallOutcome } from "./tool-calls.js";
export type { LifecyclePayloadInit, SendEventOptions, SentEvent } from "./lifecycle-events.js";
export type { OpenStreamOptions, TestViewStream } from "./view-stream-client.js";
export {
  assembleCompletion,
  CompletionAssembler,
  CompletionStreamViolation,
  type AssembledCompletion,
  type AssembledToolCall,
  type CompletionAssemblerOptions,
} from "./completion-assembler.js";
export {
  createFakePlatformHost,
  echoConversation,
  type FakeConversationCall,
  type FakeConversationEvent,
  type FakeConversationScript,
  type FakePlatformHost,
  type FakePlatformHostOptions,
} from "./fake-platform-host.js";
// What a host that starts local plugins needs: the handshake line's parser (the format is ours, go-plugin's).
export { parseHandshake, type Handshake } from "../handshake.js";
// The enums a test compares against.
export { Capability, Status } from "../gen/agentplatform/v1/plugin_pb.js";
export { FinishReason } from "../gen/agentplatform/v1/llm_pb.js";
export { Action, EventType } from "../gen/agentplatform/v1/lifecycle_pb.js";
export { HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";

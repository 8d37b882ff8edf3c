/**
 * @agentwire/flyte: write Flyte agents (connectors) in TypeScript.
 *
 * - `defineTask`: a task type and its inputs and outputs, declared once with the `types` builders.
 * - `AsyncAgent` / `SyncAgent`: the two kinds of agent Propeller calls, typed by the task they serve.
 * - `serve`: one gRPC server for your agents (AsyncAgentService, SyncAgentService, AgentMetadataService,
 *   grpc.health.v1), with JSON logs, Prometheus metrics and graceful shutdown.
 * - `toLiteralMap` / `fromLiteralMap`: Flyte literals as plain JS values, for agents that handle them.
 * - `@agentwire/flyte/testing`: the Propeller-like driver (`createFlyteDriver`) to test agents.
 */
export { defineTask, type AnyTaskDefinition, type InputsOf, type OutputsOf, type TaskDefinition, type TaskDefinitionInit } from "./task-definition.js";
export { AsyncAgent, type TaskLogLine, type TaskMetricResult } from "./async-agent.js";
export { SyncAgent } from "./sync-agent.js";
export type { AnyAgent } from "./agent-registry.js";
export type { AgentContext, DeleteContext, GetContext, LogsContext, MetricsContext, TaskContext } from "./agent-context.js";
export { TaskFailure, type TaskFailureOptions } from "./task-failure.js";
export {
  isTerminalPhase,
  taskPhases,
  type AgentErrorInfo,
  type FailedTaskResource,
  type FailureDetails,
  type LogLink,
  type PendingTaskResource,
  type ResultDetails,
  type SucceededTaskResource,
  type TaskPhase,
  type TaskResource,
  type TerminalTaskResource,
} from "./task-resource.js";
export type { TaskCategory } from "./task-category.js";
export { jsonResourceMetaCodec, maxResourceMetaBytes, type ResourceMetaCodec } from "./resource-meta.js";
export { serve, type FlyteServer, type ServeOptions } from "./serve.js";
export {
  fromLiteralMap,
  LiteralTypeError,
  OffloadedLiteralError,
  parseTypeName,
  parseTypes,
  toLiteralMap,
  typeNameSyntax,
  types,
  type FlyteTypeName,
  type BlobInput,
  type BlobTypeOptions,
  type BlobValue,
  type Decoded,
  type DecodedValues,
  type Direction,
  type Encodable,
  type EncodableValues,
  type ErrorValue,
  type FlyteType,
  type FlyteTypes,
  type FromLiteralMapOptions,
  type OffloadedMarker,
  type SchemaValue,
  type StructuredDatasetInput,
  type StructuredDatasetTypeOptions,
  type StructuredDatasetValue,
  type ToLiteralMapOptions,
} from "./literals/index.js";
// From core, so an author needs neither @agentwire/core nor JSON.parse for wire data (resource_meta).
export {
  AgentwireError,
  ErrorCode,
  createLogger,
  isJsonObject,
  isLosslessNumber,
  LosslessNumber,
  parseJson,
  stringifyJson,
  toNumber,
  type JsonObject,
  type JsonValue,
  type Logger,
} from "@agentwire/core";
export { Code, ConnectError } from "@connectrpc/connect";
// The protobuf types authors meet in signatures (generated from flyteidl; see src/gen).
export type { TaskExecutionMetadata } from "./gen/flyteidl/admin/agent_pb.js";
export type { Literal, LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
export type { LiteralType } from "./gen/flyteidl/core/types_pb.js";
export type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
export type { VariableMap } from "./gen/flyteidl/core/interface_pb.js";

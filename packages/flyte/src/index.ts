/**
 * @agentwire/flyte: write Flyte agents (connectors) in TypeScript.
 *
 * - `AsyncAgent` / `SyncAgent`: the two kinds of agent Propeller calls.
 * - `serve`: one gRPC server for your agents (AsyncAgentService, SyncAgentService, AgentMetadataService,
 *   grpc.health.v1), with JSON logs, Prometheus metrics and graceful shutdown.
 * - `types`, `toLiteralMap`, `fromLiteralMap`: Flyte literals as plain JS values.
 * - `@agentwire/flyte/testing`: an in-process transport and a Propeller-like driver to test agents.
 */
export { AsyncAgent, type MetricsQuery, type TaskLogLine, type TaskMetricResult } from "./async-agent.js";
export { SyncAgent } from "./sync-agent.js";
export type { AgentContext, DeleteContext, GetContext, TaskContext } from "./agent-context.js";
export { TaskFailure, type TaskFailureOptions } from "./task-failure.js";
export {
  fromResourceProto,
  isTerminalPhase,
  taskPhases,
  toResourceProto,
  type AgentErrorInfo,
  type LogLink,
  type TaskPhase,
  type TaskResource,
} from "./task-resource.js";
export type { TaskCategory } from "./task-category.js";
export { jsonResourceMetaCodec, maxResourceMetaBytes, type ResourceMetaCodec } from "./resource-meta.js";
export { AgentRegistry, type Agent, type RegisteredAgent } from "./agent-registry.js";
export { createAgentRoutes, type AgentRoutesOptions } from "./agent-routes.js";
export { AgentMetrics, type AgentOperation } from "./agent-metrics.js";
export { HealthState } from "./health.js";
export { serve, type AgentServer, type ServeOptions } from "./serve.js";
export * from "./literals/index.js";
export { AgentwireError, createLogger, type Logger } from "@agentwire/core";
export { Code, ConnectError } from "@connectrpc/connect";
// The protobuf types authors meet in signatures (generated from flyteidl; see src/gen).
export type {
  CreateTaskRequest,
  ExecuteTaskSyncRequest,
  Resource,
  TaskExecutionMetadata,
} from "./gen/flyteidl/admin/agent_pb.js";
export type { Literal, LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
export type { LiteralType } from "./gen/flyteidl/core/types_pb.js";
export type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
export type { TypedInterface, Variable, VariableMap } from "./gen/flyteidl/core/interface_pb.js";

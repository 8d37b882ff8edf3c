/**
 * @agentwire/flyte/testing: test agents the way FlytePropeller calls them.
 *
 * - `createFlyteDriver({ agents } | { url } | { transport })`: the Propeller-like driver. `run(task, inputs)`
 *   routes by ListAgents, runs sync or async, polls, aborts, and returns typed outputs. For judging an
 *   agent's raw answers: `getTaskResource(launched)` (the GetTask `Resource` as sent) and
 *   `executeTaskSync(task, inputs)` (every `ExecuteTaskSync` reply, not just the one `run` reads).
 * - `createInProcessTransport({ agents })`: the agents behind a Connect transport, without a port.
 * - `taskTemplate(task, { custom })`: the TaskTemplate Propeller would send, for raw protocol tests
 *   (`driver.clients`).
 * - The enums a raw test compares with: `TaskExecution_Phase` (a Resource's `phase`) and
 *   `HealthCheckResponse_ServingStatus`.
 */
export {
  createFlyteDriver,
  type ExecuteTaskSyncOptions,
  type ExecuteTaskSyncReplies,
  type FlyteDriver,
  type FlyteDriverOptions,
  type FlyteDriverSettings,
  type InProcessDriverOptions,
  type LaunchedTask,
  type LaunchOptions,
  type NetworkDriverOptions,
  type PhaseEvent,
  type RegistryEntry,
  type RunOptions,
  type SyncRunOptions,
  type TaskRun,
  type TaskTarget,
  type TransportDriverOptions,
} from "./flyte-driver.js";
export {
  createFlyte2Driver,
  type Flyte2Connection,
  type Flyte2Driver,
  type Flyte2DriverOptions,
  type Flyte2DriverSettings,
  type Flyte2LaunchedTask,
  type Flyte2LaunchOptions,
  type Flyte2RunOptions,
  type Flyte2TaskRun,
  v1Resource,
} from "./flyte2-driver.js";
export { createInProcessTransport, type InProcessTransportOptions } from "./in-process.js";
export type { AgentClients } from "./agent-clients.js";
export { taskTemplate, type TaskTemplateOptions } from "./task-template.js";
export { agentServiceTables, type AgentServiceTablesOptions } from "./service-tables.js";
export { HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";
export { TaskExecution_Phase } from "../gen/flyteidl/core/execution_pb.js";

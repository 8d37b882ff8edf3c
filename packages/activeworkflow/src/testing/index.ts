/**
 * @agentwire/activeworkflow/testing: test agents the way ActiveWorkflow calls them.
 *
 * - `createActiveWorkflowDriver({ agent } | { url } | { transport })`: `{ agent }` drives an agent
 *   in-process (no port) through the same handler `serve` uses; `{ url }` drives a running server over
 *   HTTP with ActiveWorkflow's exact headers; `{ transport }` any `AgentTransport`.
 * - The driver applies answers as ActiveWorkflow does and reports, as `DriverWarning`s, everything the
 *   real client would choke on.
 * - `createWorkflowRunner()` links instances and propagates messages, one `receive` per message.
 * - `createInProcessTransport({ agent }, { logger })`: the lower-level in-process transport, the same shape
 *   as in the other agentwire packages, for a driver of your own making (`{ transport }`).
 * - `activeWorkflowHeaders`: the exact request headers ActiveWorkflow's client sends, for raw requests of
 *   your own (a body the driver would never send) that should still look like the real caller's.
 */
export {
  createActiveWorkflowDriver,
  type ActiveWorkflowDriver,
  type ActiveWorkflowDriverOptions,
  type ActiveWorkflowDriverSettings,
  type CallOutcome,
  type InProcessDriverOptions,
  type NetworkDriverOptions,
  type ReceiveOptions,
  type TransportDriverOptions,
} from "./activeworkflow-driver.js";
export type { AgentInstance, AgentInstanceInit, AgentLogEntry } from "./agent-instance.js";
export {
  activeWorkflowHeaders,
  createInProcessTransport,
  type AgentTransport,
  type HmacSigning,
  type InProcessTarget,
  type InProcessTransportOptions,
} from "./agent-transport.js";
export type { CallRequest } from "./aw-records.js";
export type { RegisterOutcome } from "./check-registration.js";
export type { DriverWarning, DriverWarningCode } from "./driver-warning.js";
export {
  createWorkflowRunner,
  type WorkflowRun,
  type WorkflowRunner,
  type WorkflowRunnerOptions,
  type WorkflowStep,
} from "./workflow-runner.js";

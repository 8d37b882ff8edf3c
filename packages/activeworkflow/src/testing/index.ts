/**
 * @agentwire/activeworkflow/testing: test agents the way ActiveWorkflow calls them.
 *
 * - `createActiveWorkflowDriver({ agent })` drives an agent in-process (no port) through the same handler
 *   `serve` uses; `{ url }` drives a running server over HTTP with ActiveWorkflow's exact headers.
 * - The driver applies answers as ActiveWorkflow does and reports, as `DriverWarning`s, everything the
 *   real client would choke on.
 * - `WorkflowRunner` links instances and propagates messages, one `receive` per message.
 */
export {
  ActiveWorkflowDriver,
  createActiveWorkflowDriver,
  type ActiveWorkflowDriverOptions,
  type CallOutcome,
  type ReceiveOptions,
} from "./activeworkflow-driver.js";
export { agentLogLength, type AgentInstance, type AgentInstanceInit, type AgentLogEntry } from "./agent-instance.js";
export { activeWorkflowHeaders, createHttpTransport, createInProcessTransport, type AgentTransport } from "./agent-transport.js";
export { applyResult, rubyInspect, type AppliedResult } from "./apply-result.js";
export { checkRegistration, rubyConstantPattern, type RegisterOutcome } from "./check-registration.js";
export { formatAwTime, messageRecord, registerRequest, type CallRequest } from "./aw-records.js";
export type { DriverWarning, DriverWarningCode } from "./driver-warning.js";
export { WorkflowRunner, type WorkflowRun, type WorkflowRunnerOptions, type WorkflowStep } from "./workflow-runner.js";

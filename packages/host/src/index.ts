// @agentwire/host as a library: the host `agentwire-host serve` starts, and the one-shot runs `agentwire-host run`
// makes, for scripts and tests.
export { runFlyte, type RunFlyteOptions, type RunFlyteResult } from "./run-flyte.js";
export { runActiveWorkflow, type RunActiveWorkflowOptions, type RunActiveWorkflowResult } from "./run-activeworkflow.js";
export { interfaceOption, parseAssignment, parseCredential, parseJsonObjectOption, readObjectOption, secondsOption } from "./values.js";
export { startHost, type HostOptions, type RunningHost } from "./host.js";
export { hostConfigSchema, loadHostConfig, parseDuration, parseHostConfig, type HostConfig } from "./config.js";
export type { HostEvent } from "./events.js";
export type { RegistryRow, SubmitTaskRequest, TaskView } from "./flyte-engine.js";
export type { AgentView, CreateInstanceRequest, InstanceEvent, InstanceView } from "./aw-engine.js";

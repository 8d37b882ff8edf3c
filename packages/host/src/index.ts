// @agentwire/host as a library: the one-shot runs `agentwire-host run` makes, for scripts and tests.
export { runFlyte, type RunFlyteOptions, type RunFlyteResult } from "./run-flyte.js";
export { runActiveWorkflow, type RunActiveWorkflowOptions, type RunActiveWorkflowResult } from "./run-activeworkflow.js";
export { interfaceOption, parseAssignment, parseCredential, parseJsonObjectOption, readObjectOption, secondsOption } from "./values.js";

/**
 * The ActiveWorkflow suites: what its real Ruby client (`lib/remote_agents.rb`) needs of a remote agent,
 * judged through `createActiveWorkflowDriver` (whose `DriverWarning`s are the model of what it chokes on).
 */
import type { ActiveWorkflowCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";
import { callsSuite } from "./calls.js";
import { httpSuite } from "./http.js";
import { loadSuite } from "./load.js";
import { registerSuite } from "./register.js";

export { awChecks, checkOfWarning } from "./checks.js";
export { canaryCredentialName } from "./calls.js";

export const activeWorkflowSuites: Suite<ActiveWorkflowTarget, ActiveWorkflowCases>[] = [registerSuite, callsSuite, httpSuite, loadSuite];

/**
 * @agentwire/conformance: plays each real caller (FlytePropeller, ActiveWorkflow, an AgentPlatform workspace)
 * against a server under test and reports every deviation with the exchange that showed it.
 */
export type { CheckDefinition, CheckLevel, CheckRecorder, CheckResult, CheckStatus, WireExchange } from "./check.js";
export type { Suite, SuiteContext } from "./suite.js";
export type { ActiveWorkflowTarget, AgentPlatformTarget, FlyteTarget } from "./targets.js";
export { runSuite, type RunSuiteOptions } from "./run-suite.js";
export type { ActiveWorkflowCallCase, ActiveWorkflowCases, AgentPlatformCases, CasesFile, FlyteCases, FlyteTaskCase, FlyteTypeName } from "./cases.js";

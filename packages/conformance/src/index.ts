/**
 * @agentwire/conformance: plays each real caller (FlytePropeller, ActiveWorkflow, an AgentPlatform workspace)
 * against a server under test and reports every deviation with the exchange that showed it.
 */
export type { CheckDefinition, CheckLevel, CheckRecorder, CheckResult, CheckStatus, WireExchange } from "./check.js";
export type { Suite, SuiteContext } from "./suite.js";
export type { ActiveWorkflowTarget, AgentPlatformTarget, FlyteTarget } from "./targets.js";
export { runSuite, type RunSuiteOptions } from "./run-suite.js";
export type { ActiveWorkflowCallCase, ActiveWorkflowCases, AgentPlatformCases, CasesFile, FlyteCases, FlyteTaskCase, FlyteTypeName } from "./cases.js";
export {
  runConformance,
  describeTarget,
  type ConformanceReport,
  type ReportSummary,
  type RunConformanceOptions,
  type ServerLog,
  type SuiteReport,
} from "./run-conformance.js";
export { protocols, protocolNames, casesFor, type Protocol, type ProtocolEntry, type ProtocolTypes } from "./protocols.js";
export { loadCasesFile, CasesFileError } from "./cases-file.js";
export { parseKnownFailing, readKnownFailing } from "./known-failing.js";
export { casesSchema } from "./cases-schema.js";
export { renderText, renderFailure } from "./reporters/text.js";
export { toJUnit, escapeXml } from "./reporters/junit.js";
export { toJson, REPORT_SCHEMA_VERSION } from "./reporters/json.js";

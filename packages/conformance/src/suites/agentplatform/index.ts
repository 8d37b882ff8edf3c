// replaced by the agentplatform suites at merge
import type { AgentPlatformCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { AgentPlatformTarget } from "../../targets.js";

export const agentPlatformSuites: Suite<AgentPlatformTarget, AgentPlatformCases>[] = [];

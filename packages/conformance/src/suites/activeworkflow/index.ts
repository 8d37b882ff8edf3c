// replaced by the activeworkflow suites at merge
import type { ActiveWorkflowCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";

export const activeWorkflowSuites: Suite<ActiveWorkflowTarget, ActiveWorkflowCases>[] = [];

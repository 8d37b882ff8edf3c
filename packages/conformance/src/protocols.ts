import type { ActiveWorkflowCases, AgentPlatformCases, CasesFile, FlyteCases } from "./cases.js";
import type { Suite } from "./suite.js";
import { activeWorkflowSuites } from "./suites/activeworkflow/index.js";
import { disconnect } from "./suites/agentplatform/connect.js";
import { agentPlatformSuites } from "./suites/agentplatform/index.js";
import { flyte2Suites, flyteSuites } from "./suites/flyte/index.js";
import type { ActiveWorkflowTarget, AgentPlatformTarget, FlyteTarget } from "./targets.js";

/** The protocols the harness judges: Flyte 1 and Flyte 2 connectors, ActiveWorkflow agents, AgentPlatform plugins. */
export type Protocol = "flyte" | "flyte2" | "activeworkflow" | "agentplatform";

export interface ProtocolTypes {
  flyte: { target: FlyteTarget; cases: FlyteCases };
  flyte2: { target: FlyteTarget; cases: FlyteCases };
  activeworkflow: { target: ActiveWorkflowTarget; cases: ActiveWorkflowCases };
  agentplatform: { target: AgentPlatformTarget; cases: AgentPlatformCases };
}

export interface ProtocolEntry<P extends Protocol> {
  readonly suites: readonly Suite<ProtocolTypes[P]["target"], ProtocolTypes[P]["cases"]>[];
  /** The keys of the cases file this protocol reads (the others are ignored). */
  readonly caseKeys: readonly (keyof CasesFile)[];
  /** Stops what the suites started for the whole run, at its end. */
  readonly finish?: (target: ProtocolTypes[P]["target"]) => Promise<void>;
}

/** The registry: protocol → its suites and the sections of the cases file it reads. */
export const protocols: { readonly [P in Protocol]: ProtocolEntry<P> } = {
  flyte: { suites: flyteSuites, caseKeys: ["tasks"] },
  flyte2: { suites: flyte2Suites, caseKeys: ["tasks"] },
  activeworkflow: { suites: activeWorkflowSuites, caseKeys: ["calls"] },
  agentplatform: { suites: agentPlatformSuites, caseKeys: ["config", "tools", "completions", "hooks", "views"], finish: disconnect },
};

export const protocolNames: readonly Protocol[] = ["flyte", "flyte2", "activeworkflow", "agentplatform"];

/** The part of a cases file a protocol reads; undefined when it has none of its keys. */
export function casesFor<P extends Protocol>(protocol: P, file: CasesFile | undefined): ProtocolTypes[P]["cases"] | undefined {
  if (!file) return undefined;
  const section: Record<string, unknown> = {};
  let any = false;
  for (const key of protocols[protocol].caseKeys) {
    if (file[key] !== undefined) {
      section[key] = file[key];
      any = true;
    }
  }
  return any ? (section) : undefined;
}

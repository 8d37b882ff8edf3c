import type { AgentMetrics } from "./agent-metrics.js";
import type { AgentRegistry } from "./agent-registry.js";
import type { CallInstrumentation } from "./call-instrumentation.js";

/** What each agent service's table is built from: the agents, and how calls are logged and measured. */
export interface ServiceRuntime {
  registry: AgentRegistry;
  calls: CallInstrumentation;
  /** Where input sizes go; undefined records none. */
  metrics: AgentMetrics | undefined;
}

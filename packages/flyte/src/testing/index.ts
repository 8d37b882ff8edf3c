export {
  createAgentClients,
  createInProcessTransport,
  createNetworkTransport,
  type AgentClients,
} from "./in-process.js";
export {
  PropellerDriver,
  type LaunchedTask,
  type PhaseEvent,
  type PropellerDriverOptions,
  type RunOptions,
  type TaskRun,
} from "./propeller-driver.js";
export { taskTemplate, type TaskSpec } from "./task-template.js";

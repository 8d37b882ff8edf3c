export {
  createInProcessTransport,
  createNetworkTransport,
  createPluginClients,
  type PluginClients,
} from "./in-process.js";
export { Health, HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";
export * from "./tools.js";
export * from "./llm.js";
export * from "./views.js";
export * from "./lifecycle.js";

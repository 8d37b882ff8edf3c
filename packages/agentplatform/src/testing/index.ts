export {
  createInProcessTransport,
  createNetworkTransport,
  createPluginClients,
  type PluginClients,
} from "./in-process.js";
export { Health, HealthCheckResponse_ServingStatus } from "../gen/health/v1/health_pb.js";

/**
 * @agentwire/core/grpc: what every agentwire gRPC server shares, on Connect. Service tables (one per
 * service, whatever transport carries them), `serveGrpc` with the one lifecycle, `grpc.health.v1`, and
 * the mapping of thrown errors to gRPC statuses.
 */
export { serviceTable, routesFor, type AnyServiceTable, type ServiceTable } from "./service-table.js";
export { serveGrpc, defaultMaxMessageBytes, type GrpcServerOptions, type ServeGrpcOptions } from "./serve-grpc.js";
export { grpcJsTransport, requestBytesOf, fieldBytesLength, type GrpcJsTransportOptions } from "./grpc-js-transport.js";
export { GrpcHealth, type GrpcHealthOptions } from "./health.js";
export { toConnectError, httpStatusForGrpcCode } from "./connect-error.js";
export {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from "../gen/health/v1/health_pb.js";

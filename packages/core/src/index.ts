/**
 * @agentwire/core: what the three protocol packages share, with no protocol knowledge. Logging, the
 * closed set of error codes, lossless JSON, Standard Schema validation, and the one server lifecycle
 * (`startServer`: `PORT`/`HOST`, drain, signals). gRPC pieces that need Connect are in
 * `@agentwire/core/grpc`.
 */
export { createLogger, silentLogger, type Logger, type LoggerOptions } from "./logger.js";
export { lazyChildLogger } from "./lazy-child-logger.js";
export { Redactor, type NamedSecret } from "./redactor.js";
export {
  AgentwireError,
  ErrorCode,
  grpcStatusForCode,
  httpStatusForCode,
  isBrandedInstance,
  messageOf,
  type AgentwireErrorOptions,
} from "./errors.js";
export {
  exactNumber,
  exactNumbers,
  isJsonObject,
  isLosslessNumber,
  LosslessNumber,
  parseJson,
  plainNumbers,
  stringifyJson,
  toNumber,
  type JsonObject,
  type JsonValue,
} from "./json.js";
export {
  formatIssues,
  isStandardSchema,
  issuePath,
  validateWithSchema,
  type StandardSchemaV1,
  type ValidationResult,
} from "./standard-schema.js";
export { checkPort, connectUrl, hostPort, isAnyAddress, parseHostPort, parseHttpUrl, portFromEnv, resolveListenAddress, type ListenAddressOptions } from "./listen-address.js";
export {
  startServer,
  type LifecycleOptions,
  type RunningServer,
  type ServerTransport,
  type StartServerOptions,
} from "./server-lifecycle.js";
export { CallTracker } from "./call-tracker.js";
export { listenGracefully, nodeServerTransport, type AnyServer, type ListeningServer } from "./graceful-server.js";
export { onShutdownSignals, type ShutdownSignalsOptions } from "./shutdown-signals.js";
export { startMetricsServer, type MetricsServerOptions, type MetricsSource } from "./metrics-server.js";

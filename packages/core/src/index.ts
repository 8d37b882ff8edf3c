export { createLogger, silentLogger, type Logger, type LoggerOptions } from "./logger.js";
export { lazyChildLogger } from "./lazy-child-logger.js";
export {
  AgentwireError,
  ErrorCode,
  grpcStatusForCode,
  httpStatusForCode,
  messageOf,
  type AgentwireErrorOptions,
} from "./errors.js";
export {
  formatIssues,
  isStandardSchema,
  issuePath,
  validateWithSchema,
  type StandardSchemaV1,
  type ValidationResult,
} from "./standard-schema.js";
export { listenGracefully, type AnyServer, type ListeningServer } from "./graceful-server.js";
export { CallTracker } from "./call-tracker.js";
export { onShutdownSignals, type ShutdownSignalsOptions } from "./shutdown-signals.js";
export { startMetricsServer, type MetricsServerOptions } from "./metrics-server.js";

/**
 * @agentwire/activeworkflow: write ActiveWorkflow remote agents in TypeScript.
 *
 * - `RemoteHttpAgent`: the base class; implement `check`, `receive` or both.
 * - `AgentContext` / `ReceiveContext`: what a call gets (options, memory, message, credentials) and how it
 *   answers (emit, log, error, setMemory).
 * - `serve`: one HTTP server for your agents, each at its own path, with JSON logs, a body limit,
 *   optional bearer/HMAC authentication and graceful shutdown.
 * - `createAgentHandler`: the request handler `serve` uses, raw body in, status and JSON out.
 * - `@agentwire/activeworkflow/testing`: an ActiveWorkflow-like driver and a small workflow runner.
 */
export { RemoteHttpAgent } from "./remote-http-agent.js";
export type { AgentContext, CheckContext, ReceiveContext } from "./agent-context.js";
export { CredentialError } from "./credential-error.js";
export { agentNamePattern, agentUrlEnvVar, assertAgentName, defaultAgentPath } from "./agent-name.js";
export {
  createAgentHandler,
  type AgentHandler,
  type AgentHandlerOptions,
  type AnyRemoteHttpAgent,
  type HandlerResponse,
} from "./agent-handler.js";
export { parseRequest, type ParsedRequest } from "./request-parser.js";
export { maxLogEntryLength, normalizeLogEntry } from "./result-builder.js";
export { signBody, type RequestAuthOptions } from "./request-auth.js";
export { serve, type ActiveWorkflowServer, type ServeOptions, type ServedAgent } from "./serve.js";
export { isPlainObject, type JsonObject } from "./json.js";
export {
  remoteAgentMethods,
  type AwMessage,
  type Credential,
  type ErrorBody,
  type Registration,
  type RemoteAgentMethod,
  type RemoteAgentResult,
} from "./wire-format.js";
export { AgentwireError, ErrorCode, httpStatusForCode, createLogger, type Logger, type StandardSchemaV1 } from "@agentwire/core";

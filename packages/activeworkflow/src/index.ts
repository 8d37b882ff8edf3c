/**
 * @agentwire/activeworkflow: write ActiveWorkflow remote agents in TypeScript.
 *
 * - `RemoteHttpAgent`: the base class; implement `check`, `receive` or both.
 * - `CheckContext` / `ReceiveContext`: what a call gets (options, memory, message, credentials, signal,
 *   `timeoutMs()`, logger) and how it answers (emit, log, error, setMemory).
 * - `serve`: one HTTP server for your agents, each at its own path, on core's server lifecycle.
 * - `createAgentHandler`: the request handler `serve` uses, raw body in, status and JSON out, to mount the
 *   agents in an HTTP server of your own.
 * - `@agentwire/activeworkflow/testing`: an ActiveWorkflow-like driver and a small workflow runner.
 *
 * JSON values are core's `JsonValue`: numbers arrive and leave exactly as ActiveWorkflow wrote them.
 */
export { RemoteHttpAgent } from "./remote-http-agent.js";
export type { AgentContext, CheckContext, ReceiveContext } from "./agent-context.js";
export { CredentialError } from "./credential-error.js";
// The name rule, for tools that check or suggest a type name before an agent exists (a scaffolder).
export { agentNamePattern } from "./agent-name.js";
// For mounting agents in an HTTP server or framework of your own instead of `serve`.
export {
  createAgentHandler,
  type AgentHandler,
  type AgentHandlerOptions,
  type AnyRemoteHttpAgent,
  type HandlerResponse,
} from "./agent-handler.js";
export type { RequestAuthOptions } from "./request-auth.js";
export { serve, type ActiveWorkflowServer, type ServeOptions } from "./serve.js";
export type { AgentsByPath, ServedAgent } from "./route-table.js";
export type { AwMessage, Credential, ErrorBody, Registration, RemoteAgentResult } from "./wire-format.js";
// From core, so an author needs neither @agentwire/core nor JSON.parse for wire data.
export {
  AgentwireError,
  ErrorCode,
  createLogger,
  isJsonObject,
  isLosslessNumber,
  LosslessNumber,
  parseJson,
  stringifyJson,
  toNumber,
  type JsonObject,
  type JsonValue,
  type Logger,
} from "@agentwire/core";

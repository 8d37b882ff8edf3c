import { performance } from "node:perf_hooks";
import {
  AgentwireError,
  formatIssues,
  httpStatusForCode,
  isStandardSchema,
  issuePath,
  messageOf,
  silentLogger,
  validateWithSchema,
  type Logger,
} from "@agentwire/core";
import { CallContext, type CheckContext, type ReceiveContext } from "./agent-context.js";
import { assertAgentName } from "./agent-name.js";
import { isPlainObject, toJson, describeType, type JsonObject } from "./json.js";
import { Redactor } from "./redactor.js";
import type { RemoteHttpAgent } from "./remote-http-agent.js";
import { parseRequest, type ParsedRequest } from "./request-parser.js";
import { ResultBuilder } from "./result-builder.js";
import type { ErrorBody, Registration, RemoteAgentResult } from "./wire-format.js";

/** Any agent, whatever its options type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRemoteHttpAgent = RemoteHttpAgent<any>;

export interface AgentHandlerOptions {
  /** Default: a silent logger (the handler is a library piece; `serve` passes its own). */
  logger?: Logger;
  /** Aborts every call's `ctx.signal`: `serve` fires it when a shutdown runs past its grace period. */
  shutdownSignal?: AbortSignal;
}

/** A status and the exact JSON text to send. */
export interface HandlerResponse {
  status: number;
  body: string;
}

/**
 * One agent's request handler: raw body in, status and JSON text out. `serve` runs it behind HTTP
 * (after routing, the size limit and authentication), and the testing driver calls it directly, so an
 * in-process test goes through exactly the parsing, validation and result building the server uses.
 *
 * ```ts
 * const handler = createAgentHandler(new DigestAgent());
 * const { status, body } = await handler.handleRequest('{"method":"register","params":{}}');
 * // 200 {"result":{"name":"DigestAgent","display_name":"Digest Agent",...}}
 * ```
 */
export interface AgentHandler {
  readonly agent: AnyRemoteHttpAgent;
  /** The checked registration, as `register` answers it. */
  readonly registration: Registration;
  /** Never rejects: bad input is a 4xx with an error body, an agent's exception a 200 with `errors`. */
  handleRequest(rawBody: string | Uint8Array, init?: { signal?: AbortSignal }): Promise<HandlerResponse>;
}

/** The JSON body and status of a refusal. */
export function errorResponse(err: AgentwireError): HandlerResponse {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  return { status: httpStatusForCode[err.code], body: JSON.stringify(body) };
}

/** Checks what ActiveWorkflow will do with the agent's metadata, at registration rather than at its boot. */
function registrationOf(agent: AnyRemoteHttpAgent): Registration {
  if (typeof agent !== "object" || agent === null) {
    throw new AgentwireError("invalid_argument", `${String(agent)} is not an agent: extend RemoteHttpAgent`);
  }
  const label = agent.constructor.name;
  assertAgentName(agent.name, label);
  const bad = (message: string): never => {
    throw new AgentwireError("invalid_argument", `${label} (${agent.name}): ${message}`);
  };
  if (typeof agent.displayName !== "string" || agent.displayName.trim() === "") {
    bad('displayName must be a non-empty string, e.g. "Digest Agent" (ActiveWorkflow shows it in the type picker)');
  }
  if (typeof agent.description !== "string") bad(`description must be a Markdown string; got ${describeType(agent.description)}`);
  if (!isPlainObject(agent.defaultOptions)) {
    bad(`defaultOptions must be a plain object (ActiveWorkflow pre-fills the options editor with it); got ${describeType(agent.defaultOptions)}`);
  }
  if (agent.optionsSchema !== undefined && !isStandardSchema(agent.optionsSchema)) {
    bad("optionsSchema must be a Standard Schema (zod, valibot, arktype ...)");
  }
  if (typeof agent.check !== "function" && typeof agent.receive !== "function") {
    bad("implements neither check nor receive: implement at least one");
  }
  let defaults: JsonObject;
  try {
    defaults = toJson<JsonObject>(agent.defaultOptions as JsonObject, "defaultOptions");
  } catch (err) {
    return bad(messageOf(err));
  }
  return { name: agent.name, display_name: agent.displayName, description: agent.description, default_options: defaults };
}

/**
 * Makes the handler for one agent, checking its metadata first: a name ActiveWorkflow cannot turn into a
 * Ruby constant, a missing display name or non-object default options fail here, at start-up, with a
 * message naming the agent, rather than as an ActiveWorkflow that will not boot.
 */
export function createAgentHandler(agent: AnyRemoteHttpAgent, options: AgentHandlerOptions = {}): AgentHandler {
  const registration = registrationOf(agent);
  // Computed once: ActiveWorkflow calls register at every process boot and every answer must be the same.
  const registerBody = JSON.stringify({ result: registration });
  const logger = (options.logger ?? silentLogger()).child({ agent: registration.name });

  async function runCall(request: Exclude<ParsedRequest, { method: "register" }>, signal: AbortSignal): Promise<HandlerResponse> {
    const started = performance.now();
    const redactor = new Redactor(request.credentials);
    const callLogger = redactor.wrapLogger(logger.child({ method: request.method }));
    const result = new ResultBuilder(redactor, callLogger);
    let memoryAfter: JsonObject = request.memory;
    let outcome: "ok" | "invalid_options" | "unimplemented" | "threw" = "ok";

    const merged: JsonObject = { ...structuredClone(registration.default_options), ...request.options };
    let callOptions: JsonObject | undefined = merged;
    if (agent.optionsSchema !== undefined) {
      const validated = await validateWithSchema(agent.optionsSchema, merged);
      if (validated.ok) {
        callOptions = validated.value as JsonObject;
      } else {
        callOptions = undefined;
        outcome = "invalid_options";
        for (const issue of validated.issues) {
          const path = issuePath(issue);
          result.error(path === "" ? `invalid options: ${issue.message}` : `invalid option "${path}": ${issue.message}`);
        }
        callLogger.warn({ issues: formatIssues(validated.issues) }, "options refused by optionsSchema");
      }
    }

    if (callOptions !== undefined) {
      const ctx = new CallContext({
        method: request.method,
        agentName: registration.name,
        options: callOptions,
        memory: request.memory,
        message: request.method === "receive" ? request.message : undefined,
        credentials: request.credentials,
        result,
        signal,
        logger: callLogger,
      });
      const implemented = request.method === "check" ? typeof agent.check === "function" : typeof agent.receive === "function";
      if (!implemented) {
        outcome = "unimplemented";
        result.error(
          `${registration.name} does not implement ${request.method}` +
            (request.method === "check" ? ": it only reacts to messages, so leave its schedule at \"never\"" : ": it only runs on its schedule, so do not link agents to it"),
        );
      } else {
        try {
          // Called as methods, so an agent's `this` is the agent.
          if (request.method === "check") await agent.check!(ctx as CheckContext);
          else await agent.receive!(ctx as ReceiveContext);
        } catch (err) {
          // What the agent emitted and logged before it threw is kept (ActiveWorkflow applies errors, logs,
          // memory and messages together, and those messages may already have had effects); the error is
          // shown as ActiveWorkflow shows any error: its message, in the agent's log.
          outcome = "threw";
          const text = messageOf(err);
          result.error(text.trim() === "" ? `${registration.name}.${request.method} threw ${err instanceof Error ? err.name : describeType(err)}` : text);
          // A refusal made on purpose (a missing credential, an AgentwireError) is a configuration
          // problem of the instance, not a bug: a warning without a stack.
          if (err instanceof AgentwireError) callLogger.warn({ code: err.code }, `${request.method} refused: ${text}`);
          else callLogger.error({ err }, `${request.method} threw: ${text}`);
        }
      }
      try {
        memoryAfter = toJson(ctx.memory, "memory");
      } catch (err) {
        result.error(`memory not saved: ${messageOf(err)}`);
      }
    }

    const body: { result: RemoteAgentResult } = { result: result.build(request.memory, memoryAfter) };
    const counts = {
      errors: body.result.errors?.length ?? 0,
      logs: body.result.logs?.length ?? 0,
      messages: body.result.messages?.length ?? 0,
      memoryChanged: body.result.memory !== undefined,
    };
    callLogger.info({ ms: Math.round((performance.now() - started) * 10) / 10, outcome, ...counts }, `${request.method} answered`);
    return { status: 200, body: JSON.stringify(body) };
  }

  async function handleRequest(rawBody: string | Uint8Array, init: { signal?: AbortSignal } = {}): Promise<HandlerResponse> {
    let request: ParsedRequest;
    try {
      request = parseRequest(rawBody);
    } catch (err) {
      const refusal = err instanceof AgentwireError ? err : new AgentwireError("invalid_argument", messageOf(err));
      logger.warn({ code: refusal.code, status: httpStatusForCode[refusal.code] }, `request refused: ${refusal.message}`);
      return errorResponse(refusal);
    }
    if (request.method === "register") {
      logger.info({ method: "register" }, "register answered");
      return { status: 200, body: registerBody };
    }
    const signals = [init.signal, options.shutdownSignal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 0 ? new AbortController().signal : signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
    try {
      return await runCall(request, signal);
    } catch (err) {
      // Only an SDK bug lands here; the agent's own exceptions were caught in runCall.
      logger.error({ err }, "internal error while answering");
      // The message stays generic: the cause could carry a credential value.
      return errorResponse(new AgentwireError("internal", "internal error in agentwire while answering; the agent server's log has the details"));
    }
  }

  return { agent, registration, handleRequest };
}

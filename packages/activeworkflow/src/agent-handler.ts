import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import {
  AgentwireError,
  exactNumbers,
  formatIssues,
  httpStatusForCode,
  isJsonObject,
  isStandardSchema,
  lazyChildLogger,
  issuePath,
  messageOf,
  silentLogger,
  stringifyJson,
  validateWithSchema,
  type JsonObject,
  type Logger,
} from "@agentwire/core";
import { CallContext, type CheckContext, type ReceiveContext } from "./agent-context.js";
import { assertAgentName } from "./agent-name.js";
import { CallSignal } from "./call-signal.js";
import { cloneJson, describeKind, jsonEqual, toJson, toJsonValue } from "./json-values.js";
import { Redactor } from "@agentwire/core";
import type { RemoteHttpAgent } from "./remote-http-agent.js";
import { parseRequest, type ParsedRequest } from "./request-parser.js";
import { ResultBuilder } from "./result-builder.js";
import type { ErrorBody, Registration } from "./wire-format.js";

/**
 * How long ActiveWorkflow waits for an answer: Net::HTTP's default read timeout, which ActiveWorkflow
 * never changes. It sends no deadline of its own; `ctx.timeoutMs()` counts this down from the request's arrival.
 */
export const activeWorkflowReadTimeoutMs = 60_000;

/** Any agent, whatever its options type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRemoteHttpAgent = RemoteHttpAgent<any>;

export interface AgentHandlerOptions {
  /** Default: a silent logger (the handler is a library piece; `serve` passes its own). */
  logger?: Logger;
  /**
   * Aborts every call's `ctx.signal`: `serve` fires it when a shutdown runs past its grace period. Each
   * call in flight that reads `ctx.signal` adds one listener to it and removes it when it answers, so its
   * listener limit is lifted (no MaxListenersExceededWarning under load).
   */
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
 * import { createAgentHandler, type RemoteHttpAgent } from "@agentwire/activeworkflow";
 *
 * declare const digestAgent: RemoteHttpAgent;
 * const handler = createAgentHandler(digestAgent);
 * const { status, body } = await handler.handleRequest('{"method":"register","params":{}}');
 * console.log(status, body); // 200 {"result":{"name":"DigestAgent","display_name":"Digest Agent",...}}
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
  if (typeof agent.description !== "string") bad(`description must be a Markdown string; got ${describeKind(agent.description)}`);
  if (!isJsonObject(agent.defaultOptions)) {
    bad(`defaultOptions must be a plain object (ActiveWorkflow pre-fills the options editor with it); got ${describeKind(agent.defaultOptions)}`);
  }
  if (agent.optionsSchema !== undefined && !isStandardSchema(agent.optionsSchema)) {
    bad("optionsSchema must be a Standard Schema (zod, valibot, arktype ...)");
  }
  if (typeof agent.check !== "function" && typeof agent.receive !== "function") {
    bad("implements neither check nor receive: implement at least one");
  }
  let defaults: JsonObject;
  try {
    defaults = toJson(agent.defaultOptions as JsonObject, "defaultOptions");
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
  return createServedAgentHandler(agent, options);
}

/** `createAgentHandler`, with `serve`'s entry point. */
export function createServedAgentHandler(agent: AnyRemoteHttpAgent, options: AgentHandlerOptions = {}): ServedAgentHandler {
  const registration = registrationOf(agent);
  // Computed once: ActiveWorkflow calls register at every process boot and every answer must be the same.
  const registerBody = stringifyJson({ result: registration })!;
  const logger = (options.logger ?? silentLogger()).child({ agent: registration.name });
  // Every call in flight that reads ctx.signal listens to it, so more than Node's default 10 is normal.
  if (options.shutdownSignal !== undefined) setMaxListeners(0, options.shutdownSignal);
  const defaults = registration.default_options;
  // Defaults holding objects are copied per call (an agent may mutate ctx.options); flat ones need no copy.
  const defaultsFlat = Object.values(defaults).every((value) => typeof value !== "object" || value === null);

  /** One call's state, from the options check to the answer. */
  interface CallScope {
    request: Exclude<ParsedRequest, { method: "register" }>;
    callSignal: CallSignal;
    result: ResultBuilder;
    logger: () => Logger;
    outcome: "ok" | "invalid_options" | "unimplemented" | "threw";
    debug: boolean;
    started: number;
    /** `performance.now()` past which ActiveWorkflow has stopped waiting. */
    deadline: number;
  }

  /**
   * Answers a call: the answer's text, or a promise of it when something on the way is asynchronous (an
   * options schema, an agent that returns a promise). A synchronous agent without a schema is answered
   * without a promise or a microtask of the SDK's own.
   */
  function runCall(request: Exclude<ParsedRequest, { method: "register" }>, callSignal: CallSignal, receivedAt: number): string | Promise<string> {
    const debug = logger.isLevelEnabled("debug");
    // Made on first use: a call whose answer holds no credential value builds no redactor, and a call that
    // logs nothing makes no logger.
    const credentials = request.credentials;
    const redacting = Redactor.needed(credentials);
    let redactor: Redactor | undefined;
    const getRedactor = (): Redactor => (redactor ??= new Redactor(credentials));
    let callLogger: Logger | undefined;
    const getCallLogger = (): Logger => (callLogger ??= lazyChildLogger(logger, { method: request.method }, redacting ? (child) => getRedactor().wrapLogger(child) : undefined));
    const scope: CallScope = {
      request,
      callSignal,
      result: new ResultBuilder(credentials, getRedactor, getCallLogger),
      logger: getCallLogger,
      outcome: "ok",
      debug,
      started: debug ? performance.now() : 0,
      deadline: receivedAt + activeWorkflowReadTimeoutMs,
    };

    // The parsed options belong to this call; only object-valued defaults need copying. Their numbers are
    // plain where a number holds them exactly (core's exactNumbers: `10.0` → 10; integers past 2^53 and
    // longer decimals keep their exact form): options are never sent back.
    const merged: JsonObject = { ...(defaultsFlat ? defaults : cloneJson(defaults)), ...exactNumbers(request.options) };
    if (agent.optionsSchema === undefined) return invoke(scope, merged);
    return validateWithSchema(agent.optionsSchema, merged).then((validated) => {
      if (validated.ok) return invoke(scope, validated.value as JsonObject);
      scope.outcome = "invalid_options";
      for (const issue of validated.issues) {
        const path = issuePath(issue);
        scope.result.error(path === "" ? `invalid options: ${issue.message}` : `invalid option "${path}": ${issue.message}`);
      }
      getCallLogger().warn({ issues: formatIssues(validated.issues) }, "options refused by optionsSchema");
      return answer(scope, undefined);
    });
  }

  /** Calls the agent's method with a fresh context, then answers. */
  function invoke(scope: CallScope, callOptions: JsonObject): string | Promise<string> {
    const { request, result } = scope;
    // The one copy of the memory: the agent's to mutate, while request.memory stays as received.
    const ctx = new CallContext({
      method: request.method,
      agentName: registration.name,
      options: callOptions,
      memory: cloneJson(request.memory),
      message: request.method === "receive" ? request.message : undefined,
      credentials: request.credentials,
      result,
      signal: () => scope.callSignal.signal,
      logger: scope.logger,
      deadline: scope.deadline,
    });
    const implemented = request.method === "check" ? typeof agent.check === "function" : typeof agent.receive === "function";
    if (!implemented) {
      scope.outcome = "unimplemented";
      result.error(
        `${registration.name} does not implement ${request.method}` +
          (request.method === "check" ? ": it only reacts to messages, so leave its schedule at \"never\"" : ": it only runs on its schedule, so do not link agents to it"),
      );
      return answer(scope, ctx);
    }
    let returned: unknown;
    try {
      // Called as methods, so an agent's `this` is the agent.
      returned = request.method === "check" ? agent.check!(ctx as CheckContext) : agent.receive!(ctx as ReceiveContext);
    } catch (err) {
      threw(scope, err);
      return answer(scope, ctx);
    }
    if (!isThenable(returned)) return answer(scope, ctx);
    return Promise.resolve(returned).then(
      () => answer(scope, ctx),
      (err: unknown) => {
        threw(scope, err);
        return answer(scope, ctx);
      },
    );
  }

  /**
   * What the agent emitted and logged before it threw is kept (ActiveWorkflow applies errors, logs, memory
   * and messages together, and those messages may already have had effects); the error is shown as
   * ActiveWorkflow shows any error: its message, in the agent's log.
   */
  function threw(scope: CallScope, err: unknown): void {
    const method = scope.request.method;
    scope.outcome = "threw";
    const text = messageOf(err);
    scope.result.error(text.trim() === "" ? `${registration.name}.${method} threw ${err instanceof Error ? err.name : describeKind(err)}` : text);
    // A refusal made on purpose (a missing credential, an AgentwireError) is a configuration problem of
    // the instance, not a bug: a warning without a stack.
    if (err instanceof AgentwireError) scope.logger().warn({ code: err.code }, `${method} refused: ${text}`);
    else scope.logger().error({ err }, `${method} threw: ${text}`);
  }

  /** The answer's text; `ctx` is undefined when the agent was not called (options refused). */
  function answer(scope: CallScope, ctx: CallContext | undefined): string {
    const memoryAfter = ctx === undefined ? undefined : changedMemory(scope.request.memory, ctx.memory, scope.result);
    const { body, result: sent } = scope.result.build(memoryAfter);
    if (scope.debug) {
      const counts = {
        errors: sent.errors?.length ?? 0,
        logs: sent.logs?.length ?? 0,
        messages: sent.messages?.length ?? 0,
        memoryChanged: sent.memory !== undefined,
      };
      scope
        .logger()
        .debug({ ms: Math.round((performance.now() - scope.started) * 10) / 10, outcome: scope.outcome, ...counts }, `${scope.request.method} answered`);
    }
    return body;
  }

  async function handle(
    rawBody: string | Uint8Array,
    requestSignal: AbortSignal | (() => AbortSignal) | undefined,
    receivedAt: number = performance.now(),
  ): Promise<HandlerResponse> {
    let request: ParsedRequest;
    try {
      request = parseRequest(rawBody);
    } catch (err) {
      const refusal = err instanceof AgentwireError ? err : new AgentwireError("invalid_argument", messageOf(err));
      logger.warn({ code: refusal.code, status: httpStatusForCode[refusal.code] }, `request refused: ${refusal.message}`);
      return errorResponse(refusal);
    }
    if (request.method === "register") {
      logger.debug({ method: "register" }, "register answered");
      return { status: 200, body: registerBody };
    }
    // One controller per call, listening to both and unlinked when the call ends (not AbortSignal.any,
    // which leaks on the long-lived shutdown signal in Node 20).
    const callSignal = new CallSignal(requestSignal, options.shutdownSignal);
    try {
      const body = runCall(request, callSignal, receivedAt);
      return { status: 200, body: typeof body === "string" ? body : await body };
    } catch (err) {
      // Only an SDK bug lands here; the agent's own exceptions were caught in runCall.
      logger.error({ err }, "internal error while answering");
      // The message stays generic: the cause could carry a credential value.
      return errorResponse(new AgentwireError("internal", "internal error in agentwire while answering; the agent server's log has the details"));
    } finally {
      callSignal.end();
    }
  }

  return {
    agent,
    registration,
    handleRequest: (rawBody, init = {}) => handle(rawBody, init.signal),
    handle,
  };
}

/**
 * The handler as `serve` uses it: `handle` also takes the request's signal as a function, called only
 * when the agent reads `ctx.signal`, so a call that never does costs no `AbortController`, and the
 * `performance.now()` at which the request arrived, from which `ctx.timeoutMs()` counts.
 */
export interface ServedAgentHandler extends AgentHandler {
  handle(rawBody: string | Uint8Array, requestSignal: AbortSignal | (() => AbortSignal) | undefined, receivedAt?: number): Promise<HandlerResponse>;
}

/**
 * The memory to send back: undefined when the agent left it as received (as JSON, key order ignored),
 * else the agent's memory as plain JSON. No round trip and no copy: a memory that is plain JSON already
 * (the usual case) is compared and sent as it is, and only the values that need it (a date, an
 * `undefined`, set by the agent) are converted, on new objects along their path; bigints and
 * LosslessNumbers stay as they are. A memory that cannot be JSON (a cycle) is not sent, with an `errors`
 * entry saying why.
 */
function changedMemory(before: JsonObject, after: JsonObject, result: ResultBuilder): JsonObject | undefined {
  if (jsonEqual(before, after)) return undefined;
  let json: JsonObject;
  try {
    json = toJsonValue(after, "memory", { copy: false });
  } catch (err) {
    result.error(`memory not saved: ${messageOf(err)}`);
    return undefined;
  }
  if (!isJsonObject(json)) {
    // Only a toJSON method on the memory itself gets here; ActiveWorkflow stores memory as an object.
    result.error(`memory not saved: memory must be a JSON object, but its toJSON gave ${describeKind(json)}`);
    return undefined;
  }
  return json !== after && jsonEqual(before, json) ? undefined : json;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}


import { abortError, untilAborted } from "../call-abort.js";
import type { ConnectRouter } from "@connectrpc/connect";
import { AgentwireError, messageOf, type Logger } from "@agentwire/core";
import { Action, EventType, LifecycleHook, type LifecycleEvent } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import type { PluginCallContext } from "../plugin.js";
import type { PluginProvider, ProviderRoutesContext } from "../plugin-provider.js";
import { toConnectError } from "../wire-error.js";
import { formatPayloadProblems, readPayload } from "./payload-shapes.js";
import { lifecycleEventNames, type LifecycleEventName, type LifecyclePayloads } from "./payloads.js";
import type { LifecycleResult } from "./results.js";

/**
 * The response header a CANCEL's reason travels in, percent-encoded UTF-8 (ours: `LifecycleEventResponse`
 * has no field for it, and a platform that does not know the header ignores it).
 */
export const cancelReasonHeader = "agentwire-cancel-reason";

/**
 * What to answer when a handler throws, or returns something that is not a valid answer (a MODIFY payload of
 * the wrong shape, for one):
 * - `"cancel"`: CANCEL the event (fail closed), with the error as the cancel reason.
 * - `"continue"`: CONTINUE (fail open).
 * - `"error"`: fail the call (an `AgentwireError` or `ConnectError` keeps its code, anything else is
 *   INTERNAL with its message) and leave the decision to the platform's own failure policy.
 *
 * Every policy logs the error, with the event type and agent, at error level.
 */
export type LifecycleFailurePolicy = "cancel" | "continue" | "error";

/** What a handler gets besides its payload. */
export interface LifecycleContext<K extends LifecycleEventName = LifecycleEventName> extends PluginCallContext {
  /** The event's type, e.g. `"TOOL_CALL"`. */
  readonly event: K;
  /** `LifecycleEvent.agent_name`: the agent that triggered the event. */
  readonly agentName: string;
}

/** A handler's answer: `proceed()`, `modify(payload)`, `cancel(reason)`, or nothing (CONTINUE). */
export type LifecycleHandlerResult<P> = LifecycleResult<P> | undefined | void;

/** Handles one event type: gets that type's payload, answers CONTINUE, MODIFY or CANCEL. */
export type LifecycleHandler<K extends LifecycleEventName> = (
  payload: LifecyclePayloads[K],
  context: LifecycleContext<K>,
) => LifecycleHandlerResult<LifecyclePayloads[K]> | Promise<LifecycleHandlerResult<LifecyclePayloads[K]>>;

/** A handler per event type, by the type's name. */
export type LifecycleHandlers = { readonly [K in LifecycleEventName]?: LifecycleHandler<K> };

export interface LifecycleHookOptions {
  /** The handlers, by event type. An event type without one (or one this SDK does not know) is CONTINUEd. */
  on: LifecycleHandlers;
  /**
   * What a failing handler answers (see `LifecycleFailurePolicy`): one policy for every event type, or one
   * per type. Default: `"cancel"` for TOOL_CALL (a guard that cannot decide must not let a tool run),
   * `"continue"` for every other type (a hook that breaks must not stop the agent).
   */
  onError?: LifecycleFailurePolicy | { readonly [K in LifecycleEventName]?: LifecycleFailurePolicy };
}

/** A LifecycleHook provider: attach it with `plugin.addProvider(hook)`. */
export interface LifecycleHookProvider extends PluginProvider {
  /** The event types that have a handler, in `EventType` order. */
  readonly events: readonly LifecycleEventName[];
}

type ErasedHandler = (payload: unknown, context: LifecycleContext) => unknown;

interface Decision {
  action: Action.CONTINUE | Action.MODIFY | Action.CANCEL;
  modifiedPayloadJson?: Uint8Array;
  reason?: string;
}

const policies: readonly LifecycleFailurePolicy[] = ["cancel", "continue", "error"];
const defaultPolicy = (event: LifecycleEventName): LifecycleFailurePolicy => (event === "TOOL_CALL" ? "cancel" : "continue");
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * A LifecycleHook provider: the platform calls `OnEvent` for each event of an agent's run (conversation
 * start and end, turns, LLM requests and responses, tool calls and results, handoffs), and the handler for
 * that event type answers CONTINUE, MODIFY with a new payload, or CANCEL.
 *
 * - Each handler gets its event's payload parsed and typed (`LifecyclePayloads`): known fields missing or
 *   `null` read as "" / 0 / false / [], unknown fields are kept. A payload that is not JSON is refused with
 *   INVALID_ARGUMENT naming the event type, whether or not a handler exists for it; one whose known fields
 *   have the wrong JSON type is refused (naming the field) when a handler would receive it.
 * - No handler for the type, an event type this SDK does not know, or a handler that returns nothing: CONTINUE.
 * - `modify(payload)`: the payload is checked against the event's shape and sent JSON-encoded in
 *   `modified_payload_json`.
 * - A handler that throws: see `onError`.
 *
 * ```ts
 * const hook = createLifecycleHook({
 *   on: {
 *     TOOL_CALL: (payload) => (payload.tool_name === "shell" ? cancel("shell is disabled") : undefined),
 *     LLM_REQUEST: (payload) =>
 *       modify({ ...payload, messages: payload.messages.map((m) => ({ ...m, content: m.content.replaceAll("hunter2", "[REDACTED]") })) }),
 *   },
 * });
 * plugin.addProvider(hook);
 * ```
 */
export function createLifecycleHook(options: LifecycleHookOptions): LifecycleHookProvider {
  const handlers = readHandlers(options.on);
  const policyFor = readPolicies(options.onError);
  const events = lifecycleEventNames.filter((name) => handlers.has(name));

  async function onEvent(req: LifecycleEvent, signal: AbortSignal, baseLogger: Logger): Promise<Decision> {
    const name = knownEventName(req.type);
    const label = EventType[req.type] ?? `event type ${req.type}`;
    const logger = baseLogger.child({ event: label, agent: req.agentName });
    let value: unknown;
    try {
      value = parseJson(req.payloadJson, label);
    } catch (err) {
      logger.warn(`OnEvent refused: ${messageOf(err)}`);
      throw err;
    }
    const handler = name === undefined ? undefined : handlers.get(name);
    if (name === undefined || handler === undefined) {
      logger.debug(name === undefined ? "event type not known to this SDK: CONTINUE" : "no handler: CONTINUE");
      return { action: Action.CONTINUE };
    }
    const reading = readPayload(name, value);
    if (!reading.ok) {
      const message = `invalid ${name} payload_json: ${formatPayloadProblems(reading.problems)}`;
      logger.warn(`OnEvent refused: ${message}`);
      throw new AgentwireError("invalid_argument", message, { details: { event: name, problems: reading.problems } });
    }
    let decision: Decision;
    try {
      const context: LifecycleContext = { event: name, agentName: req.agentName, signal, logger };
      const returned = await untilAborted(
        Promise.resolve().then(() => handler(reading.payload, context)),
        signal,
      );
      decision = decide(name, returned);
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      return fail(name, policyFor(name), err, logger);
    }
    if (decision.action === Action.CANCEL) logger.info({ reason: decision.reason }, `${name} cancelled${decision.reason ? `: ${decision.reason}` : ""}`);
    else logger.debug({ action: Action[decision.action] }, `${name} answered ${Action[decision.action]}`);
    return decision;
  }

  return {
    capability: Capability.LIFECYCLE_HOOK,
    service: LifecycleHook,
    events,
    registerRoutes(router: ConnectRouter, { logger }: ProviderRoutesContext): void {
      router.service(LifecycleHook, {
        onEvent: async (req, ctx) => {
          try {
            const decision = await onEvent(req, ctx.signal, logger);
            if (decision.reason !== undefined) ctx.responseHeader.set(cancelReasonHeader, encodeReason(decision.reason));
            return decision.modifiedPayloadJson === undefined
              ? { action: decision.action }
              : { action: decision.action, modifiedPayloadJson: decision.modifiedPayloadJson };
          } catch (err) {
            throw toConnectError(err);
          }
        },
      });
    },
  };
}

function knownEventName(type: EventType): LifecycleEventName | undefined {
  const name = EventType[type] as string | undefined;
  return lifecycleEventNames.find((known) => known === name);
}

/** The payload as JSON. An empty `payload_json` is `{}`: proto3 cannot tell empty bytes from none sent. */
function parseJson(bytes: Uint8Array, label: string): unknown {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AgentwireError("invalid_argument", `${label} payload_json is not JSON: not UTF-8 text (${bytes.length} bytes)`, {
      details: { event: label },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // V8 quotes the text it could not parse; a payload can hold secrets, so the message (and log) does not.
    const problem = messageOf(err).replace(/, ".*" is not valid JSON$/s, "");
    throw new AgentwireError("invalid_argument", `${label} payload_json is not JSON: ${problem}`, { details: { event: label } });
  }
}

/** The wire answer for what a handler returned; throws (to the failure policy) for anything else. */
function decide(name: LifecycleEventName, returned: unknown): Decision {
  if (returned === undefined) return { action: Action.CONTINUE };
  const action = typeof returned === "object" && returned !== null ? (returned as { action?: unknown }).action : undefined;
  if (action === "CONTINUE") return { action: Action.CONTINUE };
  if (action === "CANCEL") {
    const reason = (returned as { reason?: unknown }).reason;
    return typeof reason === "string" && reason !== "" ? { action: Action.CANCEL, reason } : { action: Action.CANCEL };
  }
  if (action === "MODIFY" && Object.hasOwn(returned as object, "payload")) {
    const payload = (returned as { payload: unknown }).payload;
    const reading = readPayload(name, payload);
    if (!reading.ok) {
      throw new AgentwireError("internal", `the ${name} handler's MODIFY payload does not fit the event: ${formatPayloadProblems(reading.problems)}`);
    }
    let json: string;
    try {
      // The payload as read: known fields the handler left out are sent as their zero values.
      json = JSON.stringify(reading.payload);
    } catch (err) {
      throw new AgentwireError("internal", `the ${name} handler's MODIFY payload cannot be JSON-encoded: ${messageOf(err)}`, { cause: err });
    }
    return { action: Action.MODIFY, modifiedPayloadJson: encoder.encode(json) };
  }
  throw new AgentwireError(
    "internal",
    `the ${name} handler returned ${describeReturn(returned)}: return proceed(), modify(payload), cancel(reason) or nothing`,
  );
}

function describeReturn(value: unknown): string {
  if (typeof value !== "object" || value === null) return messageOf(value);
  const action = (value as { action?: unknown }).action;
  if (action === "MODIFY") return "a MODIFY without a payload";
  return action === undefined ? "an object without an action" : `an unknown action ${messageOf(action)}`;
}

function fail(name: LifecycleEventName, policy: LifecycleFailurePolicy, err: unknown, logger: Logger): Decision {
  const message = messageOf(err);
  if (policy === "error") {
    logger.error({ err }, `${name} handler failed: ${message} (onError "error": failing the call)`);
    throw err;
  }
  if (policy === "cancel") {
    logger.error({ err }, `${name} handler failed: ${message} (onError "cancel": answering CANCEL)`);
    return { action: Action.CANCEL, reason: `lifecycle hook failed: ${message}` };
  }
  logger.error({ err }, `${name} handler failed: ${message} (onError "continue": answering CONTINUE)`);
  return { action: Action.CONTINUE };
}

/** A header value: lone surrogates replaced (they cannot be encoded), at most 1 000 characters, percent-encoded. */
function encodeReason(reason: string): string {
  const wellFormed = reason.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  return encodeURIComponent(Array.from(wellFormed).slice(0, 1000).join(""));
}

function readHandlers(on: unknown): Map<LifecycleEventName, ErasedHandler> {
  if (typeof on !== "object" || on === null) {
    throw new AgentwireError("invalid_argument", "createLifecycleHook: `on` must be an object of handlers by event type, e.g. { TOOL_CALL: (payload) => ... }");
  }
  const handlers = new Map<LifecycleEventName, ErasedHandler>();
  for (const [key, handler] of Object.entries(on)) {
    const name = lifecycleEventNames.find((known) => known === key);
    if (name === undefined) {
      throw new AgentwireError("invalid_argument", `createLifecycleHook: on.${key} is not an event type; use one of ${lifecycleEventNames.join(", ")}`);
    }
    if (handler === undefined) continue;
    if (typeof handler !== "function") {
      throw new AgentwireError("invalid_argument", `createLifecycleHook: on.${key} must be a function, got ${typeof handler}`);
    }
    handlers.set(name, handler as ErasedHandler);
  }
  return handlers;
}

function readPolicies(onError: LifecycleHookOptions["onError"]): (event: LifecycleEventName) => LifecycleFailurePolicy {
  const check = (where: string, value: unknown): LifecycleFailurePolicy => {
    const policy = policies.find((p) => p === value);
    if (policy === undefined) {
      throw new AgentwireError("invalid_argument", `createLifecycleHook: ${where} is ${messageOf(value)}; use "cancel", "continue" or "error"`);
    }
    return policy;
  };
  if (onError === undefined) return defaultPolicy;
  if (typeof onError === "string") {
    const policy = check("onError", onError);
    return () => policy;
  }
  const byEvent = new Map<LifecycleEventName, LifecycleFailurePolicy>();
  for (const [key, value] of Object.entries(onError)) {
    const name = lifecycleEventNames.find((known) => known === key);
    if (name === undefined) {
      throw new AgentwireError("invalid_argument", `createLifecycleHook: onError.${key} is not an event type; use one of ${lifecycleEventNames.join(", ")}`);
    }
    if (value !== undefined) byEvent.set(name, check(`onError.${key}`, value));
  }
  return (event) => byEvent.get(event) ?? defaultPolicy(event);
}


// The LifecycleHook service of one hook: parses each event's payload (losslessly), runs the handler for its
// type, and turns what it returns into CONTINUE, MODIFY (with the new payload, written losslessly) or CANCEL,
// applying the handler's failure policy when it throws.
import type { Logger } from "@agentwire/core";
import { AgentwireError, messageOf, parseJson, stringifyJson, type JsonValue } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable } from "@agentwire/core/grpc";
import { abortError, untilAborted } from "../call-abort.js";
import { Action, EventType, LifecycleHook as LifecycleHookService, type LifecycleEvent } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { CallContext, type ContextSource } from "../plugin-context.js";
import type { ProviderRuntime } from "../provider.js";
import { hookEntries, type LifecycleContext, type LifecycleFailurePolicy } from "./lifecycle-hook.js";
import { formatPayloadProblems, readPayload } from "./payload-shapes.js";
import { lifecycleEventNames, type LifecycleEventName } from "./payloads.js";

/**
 * The response header a CANCEL's reason travels in, percent-encoded UTF-8 (ours: `LifecycleEventResponse`
 * has no field for it, and a platform that does not know the header ignores it).
 */
export const cancelReasonHeader = "agentwire-cancel-reason";

class HookCallContext extends CallContext implements LifecycleContext {
  constructor(
    source: ContextSource,
    signal: AbortSignal,
    timeoutMs: () => number | undefined,
    logger: Logger,
    readonly event: LifecycleEventName,
    readonly agentName: string,
  ) {
    super(source, signal, timeoutMs, logger);
  }
}

interface Decision {
  action: Action.CONTINUE | Action.MODIFY | Action.CANCEL;
  modifiedPayloadJson?: Uint8Array;
  reason?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function knownEventName(type: EventType): LifecycleEventName | undefined {
  const name = EventType[type] as string | undefined;
  return lifecycleEventNames.find((known) => known === name);
}

/**
 * The payload as JSON, parsed losslessly (an integer past 2^53 is a `bigint`, `1.0` a `LosslessNumber`). An
 * empty `payload_json` is `{}`: proto3 cannot tell empty bytes from none sent.
 */
function parsePayload(bytes: Uint8Array, label: string): JsonValue {
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
    return parseJson(text);
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
      json = stringifyJson(reading.payload) ?? "null";
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

/** What OnEvent does for one event: parse, find the handler, run it, decide. */
async function onEvent(hook: object, plugin: ContextSource, req: LifecycleEvent, signal: AbortSignal, timeoutMs: () => number | undefined, baseLogger: Logger): Promise<Decision> {
  const name = knownEventName(req.type);
  const label = EventType[req.type] ?? `event type ${req.type}`;
  const logger = baseLogger.child({ event: label, agent: req.agentName });
  let value: JsonValue;
  try {
    value = parsePayload(req.payloadJson, label);
  } catch (err) {
    logger.warn(`OnEvent refused: ${messageOf(err)}`);
    throw err;
  }
  const entry = name === undefined ? undefined : hookEntries(hook).get(name);
  if (name === undefined || entry === undefined) {
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
    const context = new HookCallContext(plugin, signal, timeoutMs, logger, name, req.agentName);
    const returned = await untilAborted(
      Promise.resolve().then(() => entry.handler(reading.payload, context)),
      signal,
    );
    decision = decide(name, returned);
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    return fail(name, entry.onError, err, logger);
  }
  if (decision.action === Action.CANCEL) logger.info({ reason: decision.reason }, `${name} cancelled${decision.reason ? `: ${decision.reason}` : ""}`);
  else logger.debug({ action: Action[decision.action] }, `${name} answered ${Action[decision.action]}`);
  return decision;
}

/** The `LifecycleHook` service table of one hook, for one server or transport. */
export function hookServiceTable(hook: object, { plugin, logger }: ProviderRuntime): AnyServiceTable {
  return serviceTable(LifecycleHookService, {
    onEvent: async (req, ctx) => {
      try {
        const decision = await onEvent(hook, plugin, req, ctx.signal, ctx.timeoutMs, logger);
        if (decision.reason !== undefined) ctx.responseHeader.set(cancelReasonHeader, encodeReason(decision.reason));
        return decision.modifiedPayloadJson === undefined
          ? { action: decision.action }
          : { action: decision.action, modifiedPayloadJson: decision.modifiedPayloadJson };
      } catch (err) {
        throw toConnectError(err);
      }
    },
  });
}

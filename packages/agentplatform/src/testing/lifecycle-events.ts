// Sending lifecycle events the way a platform does: the payload written as JSON into `payload_json`, the
// answer decoded (the action by name, the MODIFY payload parsed losslessly, the cancel reason header).
import type { CallOptions, Client } from "@connectrpc/connect";
import { parseJson, stringifyJson } from "@agentwire/core";
import { Action, EventType, type LifecycleHook } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { cancelReasonHeader } from "../lifecycle/hook-service.js";
import type { LifecycleEventName, LifecyclePayloads } from "../lifecycle/payloads.js";

/** A typed `agentplatform.v1.LifecycleHook` client. */
type LifecycleHookClient = Client<typeof LifecycleHook>;

/** `T` itself, or any of its fields (at any depth) plus fields it does not have. */
type PayloadInit<T> = T extends readonly (infer E)[]
  ? readonly PayloadInit<E>[]
  : T extends object
    ? T | ({ readonly [K in keyof T]?: PayloadInit<T[K]> } & { readonly [field: string]: unknown })
    : T;

/**
 * A payload to send for event type `K`: the full payload, or any of its known fields (typed, at any depth)
 * plus others, to test that a hook passes fields it does not know through.
 */
export type LifecyclePayloadInit<K extends LifecycleEventName> = PayloadInit<LifecyclePayloads[K]>;

export interface SendEventOptions {
  /** `LifecycleEvent.agent_name`. Default: `"test-agent"`. */
  agentName?: string;
  /** Cancels the call. Default: none. */
  signal?: AbortSignal;
  /** The call's deadline, in milliseconds. Default: none. */
  timeoutMs?: number;
}

/** A hook's answer, decoded. */
export interface SentEvent<P> {
  /** The `Action` by name; `ACTION_UNSPECIFIED` (0) would be a broken plugin's answer. */
  action: "CONTINUE" | "MODIFY" | "CANCEL" | "ACTION_UNSPECIFIED";
  /** `modified_payload_json` parsed (losslessly), when the response has one. Not checked against the event's shape. */
  payload?: P;
  /** The cancel reason from the `agentwire-cancel-reason` header, when the hook gave one. */
  reason?: string;
}

/**
 * Sends one event the way a platform does (`payload` JSON-encoded, losslessly, into `payload_json`; a
 * `Uint8Array` is sent as it is, to test payloads that are not JSON) and decodes the answer. A refused
 * call rejects with the `ConnectError`.
 */
export function sendEvent(
  client: LifecycleHookClient,
  type: LifecycleEventName | EventType,
  payload: Uint8Array,
  options?: SendEventOptions,
): Promise<SentEvent<unknown>>;
export function sendEvent<K extends LifecycleEventName>(
  client: LifecycleHookClient,
  type: K,
  payload: LifecyclePayloadInit<K>,
  options?: SendEventOptions,
): Promise<SentEvent<LifecyclePayloads[K]>>;
/** An event type by number, e.g. one this SDK does not know: the payload is any JSON value. */
export function sendEvent(client: LifecycleHookClient, type: LifecycleEventName | EventType, payload: unknown, options?: SendEventOptions): Promise<SentEvent<unknown>>;
export async function sendEvent(
  client: LifecycleHookClient,
  type: LifecycleEventName | EventType,
  payload: unknown,
  options: SendEventOptions = {},
): Promise<SentEvent<unknown>> {
  const payloadJson = payload instanceof Uint8Array ? payload : new TextEncoder().encode(stringifyJson(payload) ?? "null");
  const header: { reason: string | null } = { reason: null };
  const callOptions: CallOptions = {
    onHeader: (headers) => {
      header.reason = headers.get(cancelReasonHeader);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const res = await client.onEvent(
    { type: typeof type === "number" ? type : EventType[type], agentName: options.agentName ?? "test-agent", payloadJson },
    callOptions,
  );
  const sent: SentEvent<unknown> = { action: actionName(res.action) };
  if (res.modifiedPayloadJson !== undefined) {
    const text = new TextDecoder().decode(res.modifiedPayloadJson);
    try {
      sent.payload = parseJson(text);
    } catch (err) {
      throw new Error(`the hook answered ${sent.action} with a modified_payload_json that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause: err });
    }
  }
  if (header.reason !== null) sent.reason = decodeURIComponent(header.reason);
  return sent;
}

function actionName(action: Action): SentEvent<unknown>["action"] {
  switch (action) {
    case Action.CONTINUE:
      return "CONTINUE";
    case Action.MODIFY:
      return "MODIFY";
    case Action.CANCEL:
      return "CANCEL";
    default:
      return "ACTION_UNSPECIFIED";
  }
}

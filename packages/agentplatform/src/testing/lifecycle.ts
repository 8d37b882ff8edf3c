// Testing helpers for the lifecycle provider: a LifecycleHook client and `sendEvent`, which encodes a payload
// the way a platform does and decodes the answer.
import { createClient, type CallOptions, type Client, type Transport } from "@connectrpc/connect";
import type { Logger } from "@agentwire/core";
import { Action, EventType, LifecycleHook } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { cancelReasonHeader } from "../lifecycle/lifecycle-hook.js";
import type { LifecycleEventName, LifecyclePayloads } from "../lifecycle/payloads.js";
import { Plugin, type AnyPlugin } from "../plugin.js";
import { createInProcessTransport } from "./in-process.js";

/** A typed `agentplatform.v1.LifecycleHook` client: `onEvent`. */
export type LifecycleHookClient = Client<typeof LifecycleHook>;

/**
 * A LifecycleHook client for `target`: a plugin (called in this process, through the same routes as
 * `servePlugin`) or any transport (`createNetworkTransport(server.url)` for a served one).
 *
 * ```ts
 * const hooks = createLifecycleHookClient(plugin);
 * const res = await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell", arguments_json: "{}" });
 * expect(res.action).toBe("CANCEL");
 * ```
 */
export function createLifecycleHookClient(target: AnyPlugin | Transport, options: { logger?: Logger } = {}): LifecycleHookClient {
  const transport = target instanceof Plugin ? createInProcessTransport(target, options) : target;
  return createClient(LifecycleHook, transport);
}

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
  /** `modified_payload_json` parsed, when the response has one. Not checked against the event's shape. */
  payload?: P;
  /** The cancel reason from the `agentwire-cancel-reason` header, when the hook gave one. */
  reason?: string;
}

/**
 * Sends one event the way a platform does (`payload` JSON-encoded into `payload_json`; a `Uint8Array` is
 * sent as it is, to test payloads that are not JSON) and decodes the answer. A refused call rejects with
 * the `ConnectError`.
 *
 * ```ts
 * const res = await sendEvent(hooks, "LLM_REQUEST", { model: "m", messages: [{ role: "user", content: "key sk-123" }] });
 * expect(res).toEqual({ action: "MODIFY", payload: expect.objectContaining({ model: "m" }) });
 * ```
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
export function sendEvent(client: LifecycleHookClient, type: EventType, payload: unknown, options?: SendEventOptions): Promise<SentEvent<unknown>>;
export async function sendEvent(
  client: LifecycleHookClient,
  type: LifecycleEventName | EventType,
  payload: unknown,
  options: SendEventOptions = {},
): Promise<SentEvent<unknown>> {
  const payloadJson = payload instanceof Uint8Array ? payload : new TextEncoder().encode(JSON.stringify(payload));
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
      sent.payload = JSON.parse(text) as unknown;
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

import { AgentwireError, messageOf } from "@agentwire/core";
import type { ConfigSchema } from "../config-schema.js";
import { LifecycleHook as LifecycleHookService } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import type { PluginContext } from "../plugin-context.js";
import { checkDeclarable, declarationFailed, ProviderBase } from "../provider.js";
import { hookServiceTable } from "./hook-service.js";
import { lifecycleEventNames, type LifecycleEventName, type LifecyclePayloads } from "./payloads.js";
import type { LifecycleResult } from "./results.js";

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

/** What a handler gets besides its payload: the plugin's context, the event type and the agent. */
export interface LifecycleContext<S extends ConfigSchema = ConfigSchema, K extends LifecycleEventName = LifecycleEventName> extends PluginContext<S> {
  /** The event's type, e.g. `"TOOL_CALL"`. */
  readonly event: K;
  /** `LifecycleEvent.agent_name`: the agent that triggered the event. */
  readonly agentName: string;
}

/** A handler's answer: `proceed()`, `modify(payload)`, `cancel(reason)`, or nothing (CONTINUE). */
export type LifecycleHandlerResult<P> = LifecycleResult<P> | undefined | void;

/** Handles one event type: gets that type's payload, answers CONTINUE, MODIFY or CANCEL. */
export type LifecycleHandler<K extends LifecycleEventName, S extends ConfigSchema = ConfigSchema> = (
  payload: LifecyclePayloads[K],
  context: LifecycleContext<S, K>,
) => LifecycleHandlerResult<LifecyclePayloads[K]> | Promise<LifecycleHandlerResult<LifecyclePayloads[K]>>;

/** Options of one handler. */
export interface LifecycleHandlerOptions {
  /**
   * What the handler answers when it fails (see `LifecycleFailurePolicy`). Default: `"cancel"` for
   * TOOL_CALL (a guard that cannot decide must not let a tool run), `"continue"` for every other type (a
   * hook that breaks must not stop the agent).
   */
  onError?: LifecycleFailurePolicy;
}

/** A declared handler, as the service runs it. */
export interface HookEntry {
  readonly handler: (payload: unknown, context: LifecycleContext) => unknown;
  readonly onError: LifecycleFailurePolicy;
}

const policies: readonly LifecycleFailurePolicy[] = ["cancel", "continue", "error"];
const defaultPolicy = (event: LifecycleEventName): LifecycleFailurePolicy => (event === "TOOL_CALL" ? "cancel" : "continue");
const entriesOf = new WeakMap<object, Map<LifecycleEventName, HookEntry>>();

/** The handlers a hook declared, by event type. */
export function hookEntries(hook: object): ReadonlyMap<LifecycleEventName, HookEntry> {
  return entriesOf.get(hook) ?? new Map();
}

/**
 * A plugin's lifecycle hook, served as `agentplatform.v1.LifecycleHook/OnEvent`: the platform calls it for
 * each event of an agent's run (conversation start and end, turns, LLM requests and responses, tool calls
 * and results, handoffs), and the handler for that event type answers CONTINUE, MODIFY with a new payload,
 * or CANCEL. Extend it, declare handlers with `this.on(...)` in the class body, and give an instance to the
 * plugin: `Register` then reports LIFECYCLE_HOOK.
 *
 * - Each handler gets its event's payload parsed (losslessly) and typed (`LifecyclePayloads`): known fields
 *   missing or `null` read as "" / 0 / false / [], unknown fields are kept exactly as sent. A payload that
 *   is not JSON is refused with INVALID_ARGUMENT naming the event type, whether or not a handler exists for
 *   it; one whose known fields have the wrong JSON type is refused (naming the field) when a handler would
 *   receive it.
 * - No handler for the type, an event type this SDK does not know, or a handler that returns nothing: CONTINUE.
 * - `modify(payload)`: the payload is checked against the event's shape and sent JSON-encoded (losslessly)
 *   in `modified_payload_json`.
 * - A handler that throws: see `LifecycleFailurePolicy`.
 *
 * ```ts
 * import { cancel, LifecycleHook, modify } from "@agentwire/agentplatform";
 *
 * export class Guard extends LifecycleHook {
 *   toolCall = this.on("TOOL_CALL", (payload) => (payload.tool_name === "shell" ? cancel("shell is disabled") : undefined));
 *   llmRequest = this.on("LLM_REQUEST", (payload) =>
 *     modify({ ...payload, messages: payload.messages.map((m) => ({ ...m, content: m.content.replaceAll("hunter2", "[REDACTED]") })) }),
 *   );
 * }
 * ```
 */
export abstract class LifecycleHook<S extends ConfigSchema = Record<never, never>> extends ProviderBase<S> {
  readonly capability = Capability.LIFECYCLE_HOOK;

  constructor() {
    super("LifecycleHook", LifecycleHookService, (runtime) => hookServiceTable(this, runtime));
    entriesOf.set(this, new Map());
  }

  /**
   * Declares the handler of one event type; call it in the class body (`toolCall = this.on("TOOL_CALL", ...)`)
   * or the constructor. The payload is typed from the event, the context's config from the class's config
   * schema. Refused with INVALID_ARGUMENT for an event type the contract does not define or a bad policy,
   * ALREADY_EXISTS for a type that has a handler, FAILED_PRECONDITION once the hook is attached to its plugin.
   * Returns the event type.
   */
  protected on<K extends LifecycleEventName>(event: K, handler: LifecycleHandler<K, S>, options: LifecycleHandlerOptions = {}): K {
    try {
      return this.declare(event, handler as unknown as HookEntry["handler"], options);
    } catch (err) {
      return declarationFailed(this, err);
    }
  }

  private declare<K extends LifecycleEventName>(event: K, handler: HookEntry["handler"], options: LifecycleHandlerOptions): K {
    checkDeclarable(this, `a ${String(event)} handler`);
    const entries = entriesOf.get(this)!;
    if (!lifecycleEventNames.includes(event)) {
      throw new AgentwireError("invalid_argument", `${messageOf(event)} is not an event type; use one of ${lifecycleEventNames.join(", ")}`);
    }
    if (entries.has(event)) throw new AgentwireError("already_exists", `${this.constructor.name} has two ${event} handlers; declare one per event type`);
    if (typeof handler !== "function") throw new AgentwireError("invalid_argument", `the ${event} handler must be a function, got ${typeof handler}`);
    const onError = options.onError ?? defaultPolicy(event);
    if (!policies.includes(onError)) {
      throw new AgentwireError("invalid_argument", `the ${event} handler's onError is ${messageOf(onError)}; use "cancel", "continue" or "error"`);
    }
    entries.set(event, { handler, onError });
    return event;
  }

  /** The event types that have a handler, in `EventType` order. */
  get events(): readonly LifecycleEventName[] {
    const entries = hookEntries(this);
    return lifecycleEventNames.filter((name) => entries.has(name));
  }
}

import type { JsonObject, StandardSchemaV1 } from "@agentwire/core";
import type { CheckContext, ReceiveContext } from "./agent-context.js";

/**
 * The base of an ActiveWorkflow remote agent. ActiveWorkflow calls `register` at every boot to learn the
 * type, `check` when the agent's schedule fires (or a user presses Run), and `receive` once for each
 * message a linked agent emits. Implement `check`, `receive` or both; a call to the one you leave out is
 * answered with an `errors` entry, not a crash.
 *
 * The SDK handles the protocol: merging `defaultOptions` under the received options and validating them
 * with `optionsSchema`, copying memory and sending it back only when it changed, turning a thrown error
 * into an `errors` entry, and keeping credential values out of logs and results.
 *
 * An agent object is shared by every call and must keep no state of its own: ActiveWorkflow sends the
 * instance's options and memory on each call, and two calls can overlap.
 *
 * ```ts
 * import { z } from "zod";
 * import { RemoteHttpAgent, type CheckContext, type JsonValue, type ReceiveContext } from "@agentwire/activeworkflow";
 *
 * const options = z.object({ max_items: z.number().int().positive(), title: z.string() });
 * type Options = z.infer<typeof options>;
 *
 * export class DigestAgent extends RemoteHttpAgent<Options> {
 *   readonly name = "DigestAgent"; // becomes the Ruby constant Agents::DigestAgent: keep it stable
 *   readonly displayName = "Digest Agent";
 *   readonly description = "Collects messages and, on its schedule, emits them as one digest.";
 *   readonly defaultOptions = { max_items: 20, title: "Daily digest" };
 *   override readonly optionsSchema = options;
 *
 *   override receive(ctx: ReceiveContext<Options>): void {
 *     const items: JsonValue[] = Array.isArray(ctx.memory.items) ? ctx.memory.items : [];
 *     ctx.updateMemory({ items: [...items, ctx.payload].slice(-ctx.options.max_items) });
 *   }
 *
 *   override check(ctx: CheckContext<Options>): void {
 *     const items: JsonValue[] = Array.isArray(ctx.memory.items) ? ctx.memory.items : [];
 *     if (items.length === 0) return ctx.log("nothing to digest");
 *     ctx.emit({ title: ctx.options.title, items });
 *     ctx.setMemory({});
 *   }
 * }
 * ```
 */
export abstract class RemoteHttpAgent<Options extends JsonObject = JsonObject> {
  /**
   * The type's stable id: CamelCase letters and digits starting with a capital (`^[A-Z][A-Za-z0-9]*$`),
   * checked when a server or driver takes the agent. ActiveWorkflow makes it the Ruby class
   * `Agents::<name>` and stores it on every instance, so renaming it orphans existing agents.
   */
  abstract readonly name: string;
  /** Shown in ActiveWorkflow's agent type picker, e.g. "Digest Agent". */
  abstract readonly displayName: string;
  /** Markdown; ActiveWorkflow renders it on the new-agent page and uses its first paragraph as the summary. */
  abstract readonly description: string;
  /** Pre-fills the options editor in ActiveWorkflow, and is merged under the received options on every call. */
  abstract readonly defaultOptions: Options;
  /**
   * Validates the merged options on every call (any Standard Schema: zod, valibot, arktype). A failure is
   * answered with an `errors` entry naming each bad option's path, and the agent's method is not called.
   */
  readonly optionsSchema?: StandardSchemaV1<unknown, Options>;

  /** Runs when the schedule fires or a user runs the agent; `ctx.message` is undefined. */
  check?(ctx: CheckContext<Options>): Promise<void> | void;

  /** Runs once per message from a linked agent; `ctx.payload` is the message's payload. */
  receive?(ctx: ReceiveContext<Options>): Promise<void> | void;
}

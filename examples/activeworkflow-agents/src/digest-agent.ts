import {
  LosslessNumber,
  RemoteHttpAgent,
  type AgentContext,
  type CheckContext,
  type JsonObject,
  type JsonValue,
  type ReceiveContext,
} from "@agentwire/activeworkflow";
import { z } from "zod";

const digestOptions = z.object({
  max_items: z.number({ error: "must be a positive integer, e.g. 100" }).int("must be a positive integer, e.g. 100").positive("must be a positive integer, e.g. 100"),
});

export type DigestOptions = z.infer<typeof digestOptions>;

/** What `DigestAgent` emits: the queued payloads, oldest first. */
export interface Digest extends JsonObject {
  count: number;
  items: JsonObject[];
}

/**
 * Collects the payloads of the messages it receives and emits them together as one message
 * `{"count": n, "items": [payload, …]}`, oldest first, every value exactly as it came (an id past 2^53, a
 * price written `2.50`):
 *
 * - `receive` appends the payload to `memory.queue`; once the queue holds `max_items` (or more, after
 *   `max_items` was lowered) it emits everything queued as one digest and empties the queue.
 * - `check` (its schedule, or Run) emits whatever is queued, however little; an empty queue emits nothing.
 *
 * The queue lives in ActiveWorkflow's memory for the instance, so the server keeps no state and can be
 * restarted at any time. ActiveWorkflow may run two `receive` jobs of one agent at once (two workers), and
 * then the later memory write wins and a payload can be lost: run a single worker, or accept that a digest
 * is best effort.
 */
export class DigestAgent extends RemoteHttpAgent<DigestOptions> {
  readonly name = "DigestAgent"; // ActiveWorkflow's type id (Agents::DigestAgent): never rename it
  readonly displayName = "Digest Agent";
  readonly description = [
    "Collects the messages it receives and emits them together as one message.",
    "",
    "Every received message's payload is queued in the agent's memory. When `max_items` payloads are queued,",
    'the agent emits `{"count": n, "items": [payload, …]}` (oldest first) and empties the queue. Schedule the',
    "agent to also emit whatever is queued at fixed times; an empty queue emits nothing.",
    "",
    "Options:",
    "",
    "- `max_items`: how many payloads make a full digest (a positive integer, default 100).",
  ].join("\n");
  readonly defaultOptions = { max_items: 100 };
  override readonly optionsSchema = digestOptions;

  override receive(ctx: ReceiveContext<DigestOptions>): void {
    const queue = [...queueOf(ctx), ctx.payload];
    if (queue.length >= ctx.options.max_items) flush(ctx, queue);
    else ctx.updateMemory({ queue });
  }

  override check(ctx: CheckContext<DigestOptions>): void {
    const queue = queueOf(ctx);
    if (queue.length === 0) {
      ctx.log("queue empty: nothing to emit");
      return;
    }
    flush(ctx, queue);
  }
}

function queueOf(ctx: AgentContext<DigestOptions>): JsonObject[] {
  const queue = ctx.memory.queue;
  if (queue === undefined) return [];
  if (Array.isArray(queue)) return queue as JsonObject[];
  // Only a hand-edited memory gets here; say so rather than fail every call from now on.
  ctx.error(`memory.queue is not a list (${preview(queue)}); starting a new queue`);
  return [];
}

/** A short JSON preview for a message; exact numbers (a bigint, a `LosslessNumber`) shown as their digits. */
function preview(value: JsonValue): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" || item instanceof LosslessNumber ? String(item) : item)).slice(0, 100);
}

function flush(ctx: AgentContext<DigestOptions>, queue: JsonObject[]): void {
  const digest: Digest = { count: queue.length, items: queue };
  ctx.emit(digest);
  ctx.updateMemory({ queue: [] });
  ctx.log(`emitted a digest of ${queue.length} message${queue.length === 1 ? "" : "s"}`);
}

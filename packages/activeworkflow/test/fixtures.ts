import { Writable } from "node:stream";
import { z } from "zod";
import { createLogger, RemoteHttpAgent, type CheckContext, type JsonObject, type JsonValue, type ReceiveContext } from "../src/index.js";

/** Parsed JSON in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const digestOptions = z.object({
  max_items: z.number().int().positive(),
  title: z.string().min(1),
  nested: z.object({ level: z.number() }).optional(),
});
type DigestOptions = z.infer<typeof digestOptions>;

/** Collects payloads on receive; emits them as one digest on check. */
export class DigestAgent extends RemoteHttpAgent<DigestOptions> {
  readonly name: string = "DigestAgent";
  readonly displayName: string = "Digest Agent";
  readonly description = "Collects messages and emits a **digest**.";
  readonly defaultOptions = { max_items: 20, title: "Daily digest" };
  override readonly optionsSchema = digestOptions;

  override async receive(ctx: ReceiveContext<DigestOptions>) {
    const items = [...((ctx.memory.items as JsonValue[] | undefined) ?? []), ctx.payload];
    ctx.updateMemory({ items: items.slice(-ctx.options.max_items) });
  }

  override async check(ctx: CheckContext<DigestOptions>) {
    const items = (ctx.memory.items as JsonValue[] | undefined) ?? [];
    if (items.length === 0) {
      ctx.log("nothing to digest");
      return;
    }
    ctx.emit({ title: ctx.options.title, items });
    ctx.setMemory({});
  }
}

/** Echoes what it gets, for checking the context. */
export class EchoAgent extends RemoteHttpAgent {
  readonly name: string = "EchoAgent";
  readonly displayName: string = "Echo Agent";
  readonly description = "Echoes.";
  readonly defaultOptions = { greeting: "hello", keep: "default" };

  override async receive(ctx: ReceiveContext) {
    ctx.emit({ payload: ctx.payload, message: ctx.message as JsonObject, options: ctx.options, method: ctx.method });
  }

  override async check(ctx: CheckContext) {
    ctx.emit({ options: ctx.options, memory: ctx.memory, message: ctx.message ?? "none", method: ctx.method });
    ctx.memory.touched = (Number(ctx.memory.touched ?? 0) || 0) + 1;
  }
}

/** Receives only. */
export class SinkAgent extends RemoteHttpAgent {
  readonly name: string = "SinkAgent";
  readonly displayName: string = "Sink";
  readonly description = "Stores what it receives.";
  readonly defaultOptions = {};

  override async receive(ctx: ReceiveContext) {
    const seen = (ctx.memory.seen as JsonValue[] | undefined) ?? [];
    ctx.setMemory({ seen: [...seen, ctx.payload] });
  }
}

/** Checks only: emits `count` numbered messages. */
export class CounterAgent extends RemoteHttpAgent<{ count: number }> {
  readonly name: string = "CounterAgent";
  readonly displayName: string = "Counter";
  readonly description = "Emits numbered messages.";
  readonly defaultOptions = { count: 2 };

  override async check(ctx: CheckContext<{ count: number }>) {
    for (let n = 1; n <= ctx.options.count; n++) ctx.emit({ n });
  }
}

/** A promise to wait on and the function that settles it: what a test waits for instead of sleeping. */
export function latch<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A logger whose JSON lines a test reads, and waits for. */
export function captureLogger(level: "debug" | "info" | "warn" = "debug") {
  const lines: Array<Record<string, Json>> = [];
  const waiters: Array<{ match: (line: Record<string, Json>) => boolean; resolve: (line: Record<string, Json>) => void }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString().split("\n")) {
        if (text.trim() === "") continue;
        const line = JSON.parse(text) as Record<string, Json>;
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      callback();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines,
    /** Resolves with the first line (already written or to come) whose `msg` matches. */
    waitFor(msg: RegExp): Promise<Record<string, Json>> {
      const match = (line: Record<string, Json>) => msg.test(String(line.msg));
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

// Agents used by the service tests: small, but each exercises a path the server must get right. Also what
// the literal tests share.
import { PassThrough } from "node:stream";
import { createLogger, type Logger } from "@agentwire/core";
import {
  AsyncAgent,
  defineTask,
  LiteralTypeError,
  SyncAgent,
  TaskFailure,
  types,
  type MetricsContext,
  type TaskContext,
  type TaskResource,
} from "../src/index.js";
import type { StandardSchemaV1 } from "@agentwire/core";

/** Jobs kept in a Map shared by every instance, standing in for an external system. */
export const jobs = new Map<string, { n: number; polls: number; deleted: number }>();

const counterMetaSchema: StandardSchemaV1<unknown, { jobId: string }> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (value) =>
      typeof value === "object" && value !== null && typeof (value as { jobId?: unknown }).jobId === "string"
        ? { value: value as { jobId: string } }
        : { issues: [{ message: "jobId must be a string", path: ["jobId"] }] },
  },
};

export const doublerTask = defineTask({ taskType: "doubler", inputs: { n: types.integer() }, outputs: { doubled: types.integer() } });

/** Doubles `n` after two polls; `n = 13` makes create throw, `n = 7` makes get fail the task. */
export class DoublerAgent extends AsyncAgent<typeof doublerTask, { jobId: string }> {
  readonly name = "Doubler";
  readonly task = doublerTask;
  override readonly metaSchema = counterMetaSchema;

  async create(ctx: TaskContext<typeof doublerTask>) {
    const n = Number(ctx.inputs.n);
    if (n === 13) throw new Error("unlucky number 13");
    const jobId = `job-${jobs.size + 1}`;
    jobs.set(jobId, { n, polls: 0, deleted: 0 });
    return { jobId };
  }

  async get(meta: { jobId: string }) {
    const job = jobs.get(meta.jobId);
    if (!job) return this.failed(`no job ${meta.jobId}`);
    if (job.deleted > 0) return this.aborted();
    if (job.n === 7) throw new TaskFailure("seven is not allowed", { code: "SEVEN" });
    job.polls += 1;
    if (job.polls < 3) return this.running({ logLinks: [{ name: "dash", uri: `https://dash.example/${meta.jobId}` }] });
    return this.succeeded({ doubled: job.n * 2 });
  }

  async delete(meta: { jobId: string }) {
    const job = jobs.get(meta.jobId);
    if (job) job.deleted += 1;
  }

  override async getMetrics(meta: { jobId: string }, ctx: MetricsContext) {
    return ctx.queries.map((metric) => ({
      metric,
      data: { resultType: "matrix", result: [{ metric: { job: meta.jobId }, values: [[ctx.start!.getTime() / 1000, "0.5"]] }] },
    }));
  }

  override async *getLogs(meta: { jobId: string }) {
    yield `log of ${meta.jobId}`;
    yield { message: "second line", originator: "system" as const, timestamp: new Date(0) };
  }
}

export const brokenTask = defineTask({ taskType: "broken", version: 2, inputs: { mode: types.string() } });

/** Misbehaves on purpose: every way an author (without TypeScript) can return something Propeller would misread. */
export class BrokenAgent extends AsyncAgent<typeof brokenTask, { mode: string }> {
  readonly name = "Broken";
  readonly task = brokenTask;

  async create(ctx: TaskContext<typeof brokenTask>) {
    const mode = String(ctx.inputs.mode);
    if (mode === "fail-create") throw new TaskFailure("quota exceeded for project", { code: "QUOTA" });
    if (mode === "no-meta") return undefined as unknown as { mode: string };
    return { mode };
  }

  async get(meta: { mode: string }): Promise<TaskResource> {
    if (meta.mode === "bad-phase") return { phase: "DONE" } as never;
    if (meta.mode === "outputs-while-running") return { phase: "RUNNING", outputs: { x: 1 } } as never;
    if (meta.mode === "bad-output") return this.succeeded({ x: Symbol("nope") });
    if (meta.mode === "plain-outputs") return { x: 1 } as never;
    throw new TypeError(`cannot read properties of undefined (mode ${meta.mode})`);
  }

  async delete() {}
}

export const greetTask = defineTask({ taskType: "greet", inputs: { who: types.string() }, outputs: { greeting: types.string(), length: types.integer() } });

export class GreeterAgent extends SyncAgent<typeof greetTask> {
  readonly name = "Greeter";
  readonly task = greetTask;

  async execute(ctx: TaskContext<typeof greetTask>) {
    const { who } = ctx.inputs;
    if (who === "nobody") throw new TaskFailure("nobody to greet", { code: "EMPTY", recoverable: true });
    if (who === "crash") throw new RangeError("greeting buffer overflow");
    if (who === "pending") return { phase: "RUNNING" } as never;
    if (who === "plain") return { greeting: "hi" } as never;
    const greeting = `${typeof ctx.custom.greeting === "string" ? ctx.custom.greeting : "hello"}, ${who}`;
    return this.succeeded({ greeting, length: greeting.length });
  }
}

type LogLine = Record<string, unknown>;

/**
 * A logger whose JSON lines the test can read: `lines()` now, or `logged(match)`, a latch that resolves
 * with the first line matching (already written or still to come).
 */
export function capturedLogger(): { logger: Logger; lines: () => LogLine[]; logged: (match: (line: LogLine) => boolean) => Promise<LogLine> } {
  const stream = new PassThrough();
  const lines: LogLine[] = [];
  let partial = "";
  stream.on("data", (c: Buffer) => {
    const parts = (partial + c.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) if (part !== "") lines.push(JSON.parse(part) as LogLine);
    stream.emit("lines");
  });
  return {
    logger: createLogger({ destination: stream, level: "debug" }),
    lines: () => [...lines],
    logged: (match) =>
      new Promise((resolve) => {
        const look = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          stream.off("lines", look);
          resolve(found);
        };
        stream.on("lines", look);
        look();
      }),
  };
}

/** The LiteralTypeError `fn` throws; any other error is rethrown, and throwing nothing fails. */
export function refusal(fn: () => unknown): LiteralTypeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LiteralTypeError) return e;
    throw e;
  }
  throw new Error("expected a LiteralTypeError");
}

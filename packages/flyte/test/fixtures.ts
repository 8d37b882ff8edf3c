// Agents used by the service tests: small, but each exercises a path the server must get right. Also what
// the literal tests share.
import { PassThrough } from "node:stream";
import { createLogger, type Logger } from "@agentwire/core";
import { AsyncAgent, LiteralTypeError, SyncAgent, TaskFailure, types, type MetricsQuery, type TaskContext, type TaskResource } from "../src/index.js";
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

/** Doubles `n` after two polls; `n = 13` makes create throw, `n = 7` makes get fail the task. */
export class DoublerAgent extends AsyncAgent<{ jobId: string }, { n: number }> {
  readonly name = "Doubler";
  readonly taskCategory = { name: "doubler", version: 0 };
  override readonly inputTypes = { n: types.integer() };
  override readonly outputTypes = { doubled: types.integer() };
  override readonly metaSchema = counterMetaSchema;

  async create(ctx: TaskContext<{ n: number }>) {
    if (ctx.inputs.n === 13) throw new Error("unlucky number 13");
    const jobId = `job-${jobs.size + 1}`;
    jobs.set(jobId, { n: ctx.inputs.n, polls: 0, deleted: 0 });
    return { jobId };
  }

  async get(meta: { jobId: string }): Promise<TaskResource> {
    const job = jobs.get(meta.jobId);
    if (!job) return { phase: "FAILED", message: `no job ${meta.jobId}` };
    if (job.deleted > 0) return { phase: "ABORTED" };
    if (job.n === 7) throw new TaskFailure("seven is not allowed", { code: "SEVEN" });
    job.polls += 1;
    if (job.polls < 3) return { phase: "RUNNING", logLinks: [{ name: "dash", uri: `https://dash.example/${meta.jobId}` }] };
    return { phase: "SUCCEEDED", outputs: { doubled: job.n * 2 } };
  }

  async delete(meta: { jobId: string }) {
    const job = jobs.get(meta.jobId);
    if (job) job.deleted += 1;
  }

  override async getMetrics(meta: { jobId: string }, query: MetricsQuery) {
    return query.queries.map((metric) => ({
      metric,
      data: { resultType: "matrix", result: [{ metric: { job: meta.jobId }, values: [[query.start!.getTime() / 1000, "0.5"]] }] },
    }));
  }

  override async *getLogs(meta: { jobId: string }) {
    yield `log of ${meta.jobId}`;
    yield { message: "second line", originator: "system" as const, timestamp: new Date(0) };
  }
}

/** Misbehaves on purpose: every way an author can return something Propeller would misread. */
export class BrokenAgent extends AsyncAgent<{ mode: string }, { mode: string }> {
  readonly name = "Broken";
  readonly taskCategory = { name: "broken", version: 2 };
  override readonly inputTypes = { mode: types.string() };

  async create(ctx: TaskContext<{ mode: string }>) {
    if (ctx.inputs.mode === "fail-create") throw new TaskFailure("quota exceeded for project", { code: "QUOTA" });
    if (ctx.inputs.mode === "no-meta") return undefined as unknown as { mode: string };
    return { mode: ctx.inputs.mode };
  }

  async get(meta: { mode: string }): Promise<TaskResource> {
    if (meta.mode === "bad-phase") return { phase: "DONE" as never };
    if (meta.mode === "outputs-while-running") return { phase: "RUNNING", outputs: { x: 1 } };
    if (meta.mode === "bad-output") return { phase: "SUCCEEDED", outputs: { x: Symbol("nope") } };
    throw new TypeError(`cannot read properties of undefined (mode ${meta.mode})`);
  }

  async delete() {}
}

export class GreeterAgent extends SyncAgent<{ who: string }> {
  readonly name = "Greeter";
  readonly taskCategory = { name: "greet" };
  override readonly inputTypes = { who: types.string() };
  override readonly outputTypes = { greeting: types.string(), length: types.integer() };

  async execute(ctx: TaskContext<{ who: string }>) {
    const { who } = ctx.inputs;
    if (who === "nobody") throw new TaskFailure("nobody to greet", { code: "EMPTY", recoverable: true });
    if (who === "crash") throw new RangeError("greeting buffer overflow");
    if (who === "pending") return { phase: "RUNNING" } as TaskResource;
    const greeting = `${typeof ctx.custom.greeting === "string" ? ctx.custom.greeting : "hello"}, ${who}`;
    return { greeting, length: greeting.length };
  }
}

/** A logger whose JSON lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
  return {
    logger: createLogger({ destination: stream, level: "debug" }),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
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

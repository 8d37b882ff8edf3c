import { AsyncAgent, defineTask, types, type DeleteContext, type GetContext, type TaskContext } from "@agentwire/flyte";
import { z } from "zod";
import type { JobApi } from "./job-api.js";

/**
 * The task type this agent serves, declared once. Propeller routes tasks whose template `type` is
 * "example_job" here; `inputs` and `outputs` type `ctx.inputs` and `this.succeeded(…)` below, and the SDK
 * checks and converts the values by them. Change the interface to your job's.
 */
export const jobTask = defineTask({
  taskType: "example_job",
  inputs: {
    text: types.string(),
    /** How long the (dev) job takes; leave it out for 0. */
    seconds: types.optional(types.integer()),
  },
  outputs: { words: types.integer(), lines: types.integer() },
});

/**
 * resource_meta: what CreateTask returns and every GetTask/DeleteTask gets back, on any replica, after any
 * restart. Only what finds the job again (an id), never a secret or the job API's URL (that comes from the
 * environment). The schema checks it before get/delete see it: a forged or stale handle is refused with
 * INVALID_ARGUMENT. The id goes into a URL path, hence the strict pattern.
 */
const jobMeta = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "jobId must be the id CreateTask returned") });
export type JobMeta = z.infer<typeof jobMeta>;

/**
 * An async Flyte agent (connector): CreateTask submits a job to the job API, GetTask polls its state,
 * DeleteTask cancels it.
 */
export class JobAgent extends AsyncAgent<typeof jobTask, JobMeta> {
  readonly name = "Example Job Agent"; // the name ListAgents shows
  readonly task = jobTask;
  override readonly metaSchema = jobMeta;

  constructor(private readonly jobs: JobApi) {
    super();
  }

  /** CreateTask: start the job and return at once (Propeller gives this call 10 s). */
  async create(ctx: TaskContext<typeof jobTask>): Promise<JobMeta> {
    const { text, seconds } = ctx.inputs; // typed by jobTask: string, number | bigint | null
    // Your code: turn the inputs into your job's request.
    const jobId = await this.jobs.submit({ text, seconds: Number(seconds ?? 0) }, ctx.signal);
    ctx.logger.info({ jobId }, "job submitted");
    return { jobId };
  }

  /** GetTask: report the job's state. Propeller polls this every 30 s until a terminal phase. */
  async get(meta: JobMeta, ctx: GetContext) {
    const job = await this.jobs.status(meta.jobId, ctx.signal);
    // Your code: map your job's states to the phases. Links shown in the Flyte console go in logLinks.
    switch (job.state) {
      case "running":
        return this.running({ message: `job ${meta.jobId} is running` });
      case "succeeded":
        return this.succeeded({ words: job.result.words, lines: job.result.lines });
      case "failed":
        // The job failed: FAILED, with a message the workflow's user can act on.
        return this.failed(`job ${meta.jobId} failed: ${job.error}`, { code: "JOB_FAILED" });
      case "cancelled":
        return this.aborted({ message: `job ${meta.jobId} was cancelled` });
      case "unknown":
        return this.failed(`job ${meta.jobId} is unknown to the job API (it may have lost its state)`, { code: "JOB_UNKNOWN", origin: "system" });
    }
  }

  /** DeleteTask: cancel the job. Must be idempotent: Propeller retries aborts and may abort a finished job. */
  async delete(meta: JobMeta, ctx: DeleteContext): Promise<void> {
    await this.jobs.cancel(meta.jobId, ctx.signal);
    ctx.logger.info({ jobId: meta.jobId }, "job cancelled");
  }
}

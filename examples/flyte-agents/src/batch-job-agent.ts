import { hostname } from "node:os";
import { AgentwireError, AsyncAgent, defineTask, types, type GetContext, type TaskContext } from "@agentwire/flyte";
import { z } from "zod";
import { BatchJobStore } from "./batch-job-store.js";

/** What finds a job again: its id (a directory name) and its process group. Validated on every call. */
const batchJobMeta = z.object({
  jobId: z.string().uuid("jobId must be the UUID CreateTask returned"),
  pgid: z.number().int().positive(),
  /** Where the process runs: only that host can see or signal it. */
  host: z.string().min(1),
});
export type BatchJobMeta = z.infer<typeof batchJobMeta>;

/** Outputs carry at most this much stdout; the whole file stays on disk and a note says so. */
const maxStdoutBytes = 1024 * 1024;
const stderrTailBytes = 2048;

/** Task type `batch_job` (v0): a shell script in, its exit code and stdout out. */
export const batchJobTask = defineTask({
  taskType: "batch_job",
  inputs: { script: types.string() },
  outputs: { exit_code: types.integer(), stdout: types.string() },
});

/**
 * Serves `batch_job`: runs the input `script` with `sh -c` as a detached process group. GetTask is
 * RUNNING until it ends, then SUCCEEDED (exit 0) or FAILED with the exit code and the tail of stderr;
 * DeleteTask kills it (GetTask then answers ABORTED). Under Flyte 2, each secret of the task's connection
 * is an environment variable of the script under its own name (`$api_token`); the SDK redacts their values
 * from the call's logs and from the FAILED message a stderr tail would otherwise leak them into.
 */
export class BatchJobAgent extends AsyncAgent<typeof batchJobTask, BatchJobMeta> {
  readonly name = "Batch Job Agent";
  readonly task = batchJobTask;
  override readonly metaSchema = batchJobMeta;

  constructor(readonly store = new BatchJobStore()) {
    super();
  }

  async create(ctx: TaskContext<typeof batchJobTask>): Promise<BatchJobMeta> {
    const job = await this.store.start(ctx.inputs.script, secretEnv(ctx.connection?.secrets));
    ctx.logger.info({ jobId: job.jobId, pgid: job.pgid }, "batch job started");
    return { ...job, host: hostname() };
  }

  async get(meta: BatchJobMeta, ctx: GetContext) {
    const logLinks = [{ name: "stdout", uri: `file://${this.store.dir(meta.jobId)}/stdout` }];
    if (!(await this.store.exists(meta.jobId))) {
      return this.failed(
        `job ${meta.jobId} is unknown here: its directory is missing under ${this.store.root} (is BATCH_JOBS_DIR shared by every replica?)`,
        { code: "JOB_UNKNOWN", origin: "system" },
      );
    }
    let exitCode = await this.store.exitCode(meta.jobId);
    if (exitCode === undefined) {
      if (await this.store.wasDeleted(meta.jobId)) return this.aborted({ message: "job was deleted", logLinks });
      // Another host's processes are invisible here; the exit code on the shared directory will tell.
      if (meta.host !== hostname()) return this.running({ message: `running on host ${meta.host}`, logLinks });
      if (this.store.isRunning(meta.pgid)) return this.running({ logLinks });
      // The wrapper writes the exit code just before it exits: it may have done so since the first read.
      exitCode = await this.store.exitCode(meta.jobId);
      if (exitCode === undefined) {
        return this.failed(`job process ${meta.pgid} ended without recording an exit code (killed from outside?)`, {
          code: "JOB_LOST",
          origin: "system",
          logLinks,
        });
      }
    }
    if (exitCode !== 0) {
      const stderr = (await this.store.tail(meta.jobId, "stderr", stderrTailBytes)).trimEnd();
      ctx.logger.info({ jobId: meta.jobId, exitCode, stderrTail: stderr }, "batch job failed");
      return this.failed(`script exited with code ${exitCode}${stderr ? `; stderr (tail): ${stderr}` : "; stderr is empty"}`, {
        code: "NONZERO_EXIT",
        logLinks,
      });
    }
    const stdout = await this.store.head(meta.jobId, "stdout", maxStdoutBytes);
    const note =
      stdout.size > maxStdoutBytes
        ? `\n[agentwire: stdout truncated: ${stdout.size} bytes, the first ${maxStdoutBytes} kept; the whole output is in ${this.store.dir(meta.jobId)}/stdout]\n`
        : "";
    return this.succeeded({ exit_code: exitCode, stdout: stdout.text + note }, { logLinks });
  }

  async delete(meta: BatchJobMeta): Promise<void> {
    // Idempotent: a second delete, or one after the job finished, only rewrites the marker.
    if (!(await this.store.exists(meta.jobId))) return;
    if ((await this.store.exitCode(meta.jobId)) !== undefined) return;
    if (meta.host !== hostname()) {
      // Signalling a process group id on another host would hit an unrelated process.
      throw new AgentwireError(
        "failed_precondition",
        `batch job ${meta.jobId} runs on host ${meta.host}, not ${hostname()}; DeleteTask must reach the replica that started it`,
      );
    }
    await this.store.kill(meta.jobId, meta.pgid);
  }
}

/** Connection secrets as environment variables: only names a shell can read (`[A-Za-z_][A-Za-z0-9_]*`). */
function secretEnv(secrets: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new AgentwireError("invalid_argument", `connection secret ${JSON.stringify(name)} cannot be an environment variable name; name secrets with letters, digits and _ (not starting with a digit)`);
    }
    env[name] = value;
  }
  return env;
}

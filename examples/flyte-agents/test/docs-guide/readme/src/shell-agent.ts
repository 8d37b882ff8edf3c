// src/shell-agent.ts
import { AsyncAgent, defineTask, types, type TaskContext } from "@agentwire/flyte";

/** Where the jobs run (a batch system's client in production, a fake in tests). */
export interface JobRunner {
  start(script: string, signal: AbortSignal): Promise<string>;
  state(id: string): Promise<{ done: boolean; exitCode: number }>;
  kill(id: string): Promise<void>;
}

export const shellTask = defineTask({
  taskType: "shell",
  inputs: { script: types.string() },
  outputs: { exit_code: types.integer() },
});

export class ShellAgent extends AsyncAgent<typeof shellTask, { jobId: string }> {
  readonly name = "Shell Agent";
  readonly task = shellTask;

  constructor(private readonly jobs: JobRunner) {
    super();
  }

  async create(ctx: TaskContext<typeof shellTask>) {
    return { jobId: await this.jobs.start(ctx.inputs.script, ctx.signal) }; // ctx.inputs.script: string
  }
  async get(meta: { jobId: string }) {
    const job = await this.jobs.state(meta.jobId);
    return job.done ? this.succeeded({ exit_code: job.exitCode }) : this.running();
  }
  async delete(meta: { jobId: string }) {
    await this.jobs.kill(meta.jobId); // idempotent: Propeller retries aborts
  }
}

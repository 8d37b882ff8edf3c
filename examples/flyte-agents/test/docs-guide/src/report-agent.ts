// src/report-agent.ts
import { AsyncAgent, defineTask, types, type DeleteContext, type GetContext, type TaskContext } from "@agentwire/flyte";
import { z } from "zod";

/** The task type, declared once: Propeller routes by `taskType`, the SDK checks and converts by the types. */
export const reportTask = defineTask({
  taskType: "report",
  inputs: { query: types.string() },
  outputs: { rows: types.integer(), url: types.string() },
});

/** The part of the report service's API the agent uses (its HTTP client in production, a fake in tests). */
export interface ReportService {
  submit(query: string, signal: AbortSignal): Promise<string>;
  status(runId: string, signal: AbortSignal): Promise<{ state: "queued" | "running" | "done" | "error"; rows?: number; error?: string }>;
  cancel(runId: string, signal: AbortSignal): Promise<void>;
}

// What CreateTask returns and every GetTask/DeleteTask gets back: only the id, never a secret.
const reportMeta = z.object({ runId: z.string().min(1) });
type ReportMeta = z.infer<typeof reportMeta>;

export class ReportAgent extends AsyncAgent<typeof reportTask, ReportMeta> {
  readonly name = "Report Agent"; // Agent.name in ListAgents
  readonly task = reportTask;
  override readonly metaSchema = reportMeta;

  constructor(private readonly reports: ReportService) {
    super();
  }

  async create(ctx: TaskContext<typeof reportTask>) {
    return { runId: await this.reports.submit(ctx.inputs.query, ctx.signal) };
  }

  async get(meta: ReportMeta, ctx: GetContext) {
    const run = await this.reports.status(meta.runId, ctx.signal);
    // Propeller only records phase changes: send the final links from the first answer on.
    const logLinks = [{ name: "Report run", uri: `https://reports.example.com/runs/${meta.runId}` }];
    switch (run.state) {
      case "queued":
        return this.queued({ message: "waiting for a report worker", logLinks });
      case "running":
        return this.running({ logLinks });
      case "done":
        return this.succeeded({ rows: run.rows ?? 0, url: `https://reports.example.com/runs/${meta.runId}/result.csv` }, { logLinks });
      case "error":
        return this.failed(`report run ${meta.runId} failed: ${run.error ?? "no reason given"}`, { code: "REPORT_FAILED", logLinks });
    }
  }

  async delete(meta: ReportMeta, ctx: DeleteContext) {
    await this.reports.cancel(meta.runId, ctx.signal); // must succeed for a finished or already-cancelled run
  }
}

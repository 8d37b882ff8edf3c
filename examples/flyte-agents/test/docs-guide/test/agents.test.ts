// test/agents.test.ts
// docs/flyte.md ("Test them") shows this file as written; guide-sync.test.ts keeps the two identical.
import { describe, expect, it } from "vitest";
import { Code, defineTask, types } from "@agentwire/flyte";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { ExchangeRateAgent, exchangeRateTask } from "../src/exchange-rate-agent.js";
import { ReportAgent, reportTask, type ReportService } from "../src/report-agent.js";

/** An in-memory report service: a run is queued, then running, then done on poll `pollsUntilDone`. */
class FakeReports implements ReportService {
  readonly cancelled: string[] = [];
  private readonly polls = new Map<string, number>();
  constructor(private readonly pollsUntilDone = 3) {}
  async submit() {
    const runId = `run-${this.polls.size + 1}`;
    this.polls.set(runId, 0);
    return runId;
  }
  async status(runId: string) {
    const n = (this.polls.get(runId) ?? 0) + 1;
    this.polls.set(runId, n);
    if (n >= this.pollsUntilDone) return { state: "done" as const, rows: 42 };
    return { state: n === 1 ? ("queued" as const) : ("running" as const) };
  }
  async cancel(runId: string) {
    this.cancelled.push(runId);
  }
}

function driverFor(reports: ReportService = new FakeReports()) {
  const agents = [
    new ReportAgent(reports),
    new ExchangeRateAgent(async (from, to) => (from === "EUR" && to === "USD" ? 1.25 : undefined)),
  ];
  // pollIntervalMs: Propeller polls every 30 s; a test does not want to wait that long.
  return createFlyteDriver({ agents, pollIntervalMs: 5 });
}

describe("ReportAgent", () => {
  it("runs a report to SUCCEEDED with typed outputs", async () => {
    const run = await driverFor().run(reportTask, { query: "select count(*) from orders" });
    expect(run.mode).toBe("async");
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ rows: 42, url: "https://reports.example.com/runs/run-1/result.csv" });
    // Only phase changes are recorded, as in Propeller.
    expect(run.events.map((e) => e.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
  });

  it("cancels the run when the execution is aborted", async () => {
    const reports = new FakeReports(Infinity); // never finishes
    const controller = new AbortController();
    const driver = createFlyteDriver({
      agents: [new ReportAgent(reports)],
      pollIntervalMs: 5,
      onEvent: (event) => event.phase === "RUNNING" && controller.abort(), // abort once it runs
    });
    const run = await driver.run(reportTask, { query: "select * from events" }, { signal: controller.signal });
    expect(run.phase).toBe("ABORTED");
    expect(reports.cancelled).toEqual(["run-1"]);
  });

  it("refuses an input of the wrong type before create runs", async () => {
    // A workflow whose task declares `query` as an integer: the template Propeller sends says so.
    const misdeclared = defineTask({ taskType: "report", inputs: { query: types.integer() } });
    const run = await driverFor().run(misdeclared, { query: 7 });
    expect(run.phase).toBe("RETRYABLE_FAILED"); // what Propeller makes of any CreateTask error
    expect(run.error?.code).toBe(Code.InvalidArgument);
    expect(run.error?.rawMessage).toContain('input "query": expected string, got number 7');
  });
});

describe("ExchangeRateAgent", () => {
  it("converts in one call", async () => {
    const run = await driverFor().run(exchangeRateTask, { from: "EUR", to: "USD", amount: 100 });
    expect(run.mode).toBe("sync"); // ListAgents says is_sync, so the driver used ExecuteTaskSync
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ converted: 125, rate: 1.25 });
  });

  it("reports an unknown pair as a task failure with a code", async () => {
    const run = await driverFor().run(exchangeRateTask, { from: "EUR", to: "XXX", amount: 1 });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toBe("no exchange rate from EUR to XXX");
    expect(run.resource?.agentError?.code).toBe("UNKNOWN_CURRENCY");
  });
});

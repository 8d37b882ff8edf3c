// What every handler sees in its context: the caller's deadline (timeoutMs), the signal, a logger, the
// category; and inputs converted to the task's declared types whatever the template says.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ExecuteTaskSyncRequestSchema, type ExecuteTaskSyncRequest } from "../src/gen/flyteidl/admin/agent_pb.js";
import {
  AsyncAgent,
  defineTask,
  SyncAgent,
  toLiteralMap,
  types,
  type AgentContext,
  type DeleteContext,
  type GetContext,
  type LogsContext,
  type MetricsContext,
  type TaskContext,
} from "../src/index.js";
import { createFlyteDriver, taskTemplate } from "../src/testing/index.js";

type Seen = { operation: string; timeoutMs: number | undefined; aborted: boolean; category: AgentContext["taskCategory"] };

const watchTask = defineTask({ taskType: "watch", inputs: { at: types.datetime(), n: types.integer() } });
const watchSyncTask = defineTask({ taskType: "watch_sync", outputs: { ok: types.boolean() } });

function record(seen: Seen[], operation: string, ctx: AgentContext): void {
  seen.push({ operation, timeoutMs: ctx.timeoutMs(), aborted: ctx.signal.aborted, category: ctx.taskCategory });
  ctx.logger.debug(`${operation} ran`);
}

class WatchAgent extends AsyncAgent<typeof watchTask, { id: string }> {
  readonly name = "Watch";
  readonly task = watchTask;
  readonly seen: Seen[] = [];
  inputs: TaskContext<typeof watchTask>["inputs"] | undefined;

  async create(ctx: TaskContext<typeof watchTask>) {
    record(this.seen, "create", ctx);
    this.inputs = ctx.inputs;
    return { id: "w" };
  }
  async get(_meta: { id: string }, ctx: GetContext) {
    record(this.seen, "get", ctx);
    return this.running();
  }
  async delete(_meta: { id: string }, ctx: DeleteContext) {
    record(this.seen, "delete", ctx);
  }
  override async *getLogs(_meta: { id: string }, ctx: LogsContext) {
    record(this.seen, "logs", ctx);
    yield "one line";
  }
  override async getMetrics(_meta: { id: string }, ctx: MetricsContext) {
    record(this.seen, "metrics", ctx);
    return [];
  }
}

class WatchSyncAgent extends SyncAgent<typeof watchSyncTask> {
  readonly name = "Watch Sync";
  readonly task = watchSyncTask;
  readonly seen: Seen[] = [];
  async execute(ctx: TaskContext<typeof watchSyncTask>) {
    record(this.seen, "execute", ctx);
    return this.succeeded({ ok: true });
  }
}

describe("handler contexts", () => {
  it("give every handler the caller's deadline through timeoutMs(), and an unaborted signal", async () => {
    const agent = new WatchAgent();
    const syncAgent = new WatchSyncAgent();
    const { clients } = createFlyteDriver({ agents: [agent, syncAgent] });
    const call = { timeoutMs: 30_000 };
    const category = { name: "watch", version: 0 };
    const { resourceMeta } = await clients.async.createTask(
      { template: taskTemplate(watchTask), inputs: toLiteralMap({ at: new Date(0), n: 1 }, watchTask.inputs) },
      call,
    );
    await clients.async.getTask({ taskCategory: category, resourceMeta }, call);
    await clients.async.getTaskMetrics({ taskCategory: category, resourceMeta, queries: ["q"] }, call);
    for await (const _ of clients.async.getTaskLogs({ taskCategory: category, resourceMeta }, call)) {
      // drain
    }
    await clients.async.deleteTask({ taskCategory: category, resourceMeta }, call);
    async function* stream(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "header", value: { template: taskTemplate(watchSyncTask) } } });
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: {} } });
    }
    for await (const _ of clients.sync.executeTaskSync(stream(), call)) {
      // one reply
    }

    const seen = [...agent.seen, ...syncAgent.seen];
    expect(seen.map((s) => s.operation)).toEqual(["create", "get", "metrics", "logs", "delete", "execute"]);
    for (const s of seen) {
      expect(s.timeoutMs, s.operation).toBeGreaterThan(0);
      expect(s.timeoutMs, s.operation).toBeLessThanOrEqual(30_000);
      expect(s.aborted, s.operation).toBe(false);
    }
    expect(agent.seen[0]?.category).toEqual({ name: "watch", version: 0 });
    expect(syncAgent.seen[0]?.category).toEqual({ name: "watch_sync", version: 0 });
  });

  it("say undefined when the caller set no deadline", async () => {
    const agent = new WatchAgent();
    const { clients } = createFlyteDriver({ agents: [agent] });
    await clients.async.createTask({ template: taskTemplate(watchTask), inputs: toLiteralMap({ at: new Date(0), n: 1 }, watchTask.inputs) });
    expect(agent.seen[0]?.timeoutMs).toBeUndefined();
  });

  it("convert inputs to the task's declared types when the template declares others", async () => {
    const agent = new WatchAgent();
    const { clients } = createFlyteDriver({ agents: [agent] });
    // A template (another SDK's, or an older version of the task) that calls them a string and a float.
    const loose = defineTask({ taskType: "watch", inputs: { at: types.string(), n: types.float() } });
    await clients.async.createTask({
      template: taskTemplate(loose),
      inputs: toLiteralMap({ at: "2024-05-01T12:00:00.5Z", n: 3 }, loose.inputs),
    });
    expect(agent.inputs).toEqual({ at: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 500)), n: 3 });
    expect(agent.inputs?.at).toBeInstanceOf(Date);
  });
});

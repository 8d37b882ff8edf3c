import { describe, expect, it } from "vitest";
import { RemoteHttpAgent, type CheckContext, type ReceiveContext } from "../src/index.js";
import { createActiveWorkflowDriver, createWorkflowRunner } from "../src/testing/index.js";
import { CounterAgent, DigestAgent, SinkAgent } from "./fixtures.js";

/** Re-emits each payload with a hop count: linked in a loop, it never stops by itself. */
class RelayAgent extends RemoteHttpAgent {
  readonly name = "RelayAgent";
  readonly displayName = "Relay";
  readonly description = "Passes messages on.";
  readonly defaultOptions = {};
  override async receive(ctx: ReceiveContext) {
    ctx.emit({ ...ctx.payload, hops: Number(ctx.payload.hops ?? 0) + 1 });
  }
  override async check(ctx: CheckContext) {
    ctx.emit({ hops: 0 });
  }
}

/** Answers null logs: the real client would raise. */
class BrokenRaw extends SinkAgent {
  override readonly name = "BrokenAgent";
}

describe("WorkflowRunner", () => {
  it("routes each emitted message as one receive to every linked receiver, breadth-first", async () => {
    const at = new Date("2024-05-01T12:00:00.000Z");
    const workflow = createWorkflowRunner({ now: () => at, timeZone: "UTC" });
    const counter = await workflow.add(createActiveWorkflowDriver({ agent: new CounterAgent() }), { name: "counter", options: { count: 2 } });
    const sinkDriver = createActiveWorkflowDriver({ agent: new SinkAgent() });
    const sinkA = await workflow.add(sinkDriver, { name: "sink A" });
    const sinkB = await workflow.add(sinkDriver, { name: "sink B" });
    const digest = await workflow.add(createActiveWorkflowDriver({ agent: new DigestAgent() }), { name: "digest" });
    workflow.link(counter, sinkA).link(counter, sinkB).link(counter, digest).link(counter, sinkA);

    const run = await workflow.check(counter);
    expect(run.steps.map((s) => `${s.method} ${s.agent.name}${s.message ? ` #${s.message.id}` : ""}`)).toEqual([
      "check counter",
      "receive sink A #1",
      "receive sink B #1",
      "receive digest #1",
      "receive sink A #2",
      "receive sink B #2",
      "receive digest #2",
    ]);
    expect(run.messages).toEqual([
      { id: 1, user_id: 1, agent_id: counter.id, payload: { n: 1 }, created_at: "2024-05-01T12:00:00.000+00:00", updated_at: "2024-05-01T12:00:00.000+00:00", expires_at: null },
      { id: 2, user_id: 1, agent_id: counter.id, payload: { n: 2 }, created_at: "2024-05-01T12:00:00.000+00:00", updated_at: "2024-05-01T12:00:00.000+00:00", expires_at: null },
    ]);
    expect(run.warnings).toEqual([]);
    expect(run.stoppedAtMaxSteps).toBe(false);
    // Memory is kept per instance between calls, even for instances of one agent type.
    expect(sinkA.memory).toEqual({ seen: [{ n: 1 }, { n: 2 }] });
    expect(sinkB.memory).toEqual({ seen: [{ n: 1 }, { n: 2 }] });
    expect(digest.memory).toEqual({ items: [{ n: 1 }, { n: 2 }] });
    expect(new Set([counter.id, sinkA.id, sinkB.id, digest.id]).size).toBe(4);

    // The digest's own check then delivers its digest onward (nothing linked: no further steps).
    const next = await workflow.check(digest);
    expect(next.steps).toHaveLength(1);
    expect(next.messages[0]).toMatchObject({ id: 3, agent_id: digest.id, payload: { title: "Daily digest", items: [{ n: 1 }, { n: 2 }] } });
  });

  it("skips disabled receivers", async () => {
    const workflow = createWorkflowRunner();
    const counter = await workflow.add(createActiveWorkflowDriver({ agent: new CounterAgent() }), { options: { count: 1 } });
    const off = await workflow.add(createActiveWorkflowDriver({ agent: new SinkAgent() }), { disabled: true });
    workflow.link(counter, off);
    const run = await workflow.check(counter);
    expect(run.steps).toHaveLength(1);
    expect(off.memory).toEqual({});
  });

  it("makes no call to a disabled agent it is asked to check or deliver to: one skipped step", async () => {
    const workflow = createWorkflowRunner();
    const counter = await workflow.add(createActiveWorkflowDriver({ agent: new CounterAgent() }), { options: { count: 2 }, disabled: true });
    const sink = await workflow.add(createActiveWorkflowDriver({ agent: new SinkAgent() }), { disabled: true });
    workflow.link(counter, sink);
    const checked = await workflow.check(counter);
    expect(checked.steps.map((s) => [s.method, s.agent.name, s.outcome.skipped, s.outcome.status])).toEqual([["check", counter.name, true, undefined]]);
    expect(checked.messages).toEqual([]);
    const received = await workflow.receive(sink, { a: 1 });
    expect(received.steps.map((s) => [s.method, s.outcome.skipped])).toEqual([["receive", true]]);
    expect(sink.memory).toEqual({});
    expect(sink.log).toEqual([]);
    sink.disabled = false;
    expect((await workflow.receive(sink, { a: 1 })).steps[0]!.outcome.skipped).toBe(false);
    expect(sink.memory).toEqual({ seen: [{ a: 1 }] });
  });

  it("stops at maxSteps and says how many deliveries were left", async () => {
    const workflow = createWorkflowRunner({ maxSteps: 5 });
    const relay = createActiveWorkflowDriver({ agent: new RelayAgent() });
    const a = await workflow.add(relay, { name: "a" });
    const b = await workflow.add(relay, { name: "b" });
    workflow.link(a, b).link(b, a);
    const run = await workflow.check(a);
    expect(run.steps.map((s) => s.agent.name)).toEqual(["a", "b", "a", "b", "a"]);
    expect(run.steps.at(-1)!.created[0]!.payload).toEqual({ hops: 4 });
    expect(run.stoppedAtMaxSteps).toBe(true);
    expect(run.pending).toBe(1);
  });

  it("starts from an injected message and collects every step's warnings", async () => {
    const workflow = createWorkflowRunner();
    const rawDriver = createActiveWorkflowDriver({
      transport: { target: "broken", post: async () => ({ status: 200, body: '{"result":{"logs":null}}' }) },
    });
    const relay = await workflow.add(createActiveWorkflowDriver({ agent: new RelayAgent() }), { name: "relay" });
    const broken = await workflow.add(rawDriver, { name: "broken", options: {} });
    workflow.link(relay, broken);
    const run = await workflow.receive(relay, { start: true });
    expect(run.steps.map((s) => `${s.method} ${s.agent.name}`)).toEqual(["receive relay", "receive broken"]);
    expect(run.steps[0]!.message!.payload).toEqual({ start: true });
    expect(run.warnings).toEqual([expect.objectContaining({ code: "field_null", step: 2, agent: "broken", fatal: true })]);
    expect(broken.log).toEqual([{ level: 4, message: "Exception during receive. result.logs is null" }]);
  });

  it("refuses links to agents it does not hold", async () => {
    const workflow = createWorkflowRunner();
    const driver = createActiveWorkflowDriver({ agent: new BrokenRaw() });
    const inside = await workflow.add(driver);
    const outside = await driver.createInstance({ id: 99 });
    expect(() => workflow.link(inside, outside)).toThrow(/is not in this workflow: add it with workflow.add first/);
  });
});

import { Code, createRouterTransport } from "@connectrpc/connect";
import { beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { AsyncAgentService, SyncAgentService } from "../src/gen/flyteidl/service/agent_pb.js";
import { defineTask } from "../src/index.js";
import { AgentwireError } from "@agentwire/core";
import { createFlyteDriver, TaskExecution_Phase, type FlyteDriver, type FlyteDriverOptions, type FlyteDriverSettings, type PhaseEvent } from "../src/testing/index.js";
import { DoublerAgent, doublerTask, GreeterAgent, greetTask, jobs } from "./fixtures.js";

function driver(options: FlyteDriverSettings = {}) {
  return createFlyteDriver({ agents: [new DoublerAgent(), new GreeterAgent()], pollIntervalMs: 5, ...options });
}

describe("FlyteDriver", () => {
  beforeEach(() => jobs.clear());

  it("runs an async task to SUCCEEDED with typed outputs, recording phase changes only", async () => {
    const events: PhaseEvent[] = [];
    const run = await driver({ onEvent: (e) => events.push(e) }).run(doublerTask, { n: 5 });
    expectTypeOf(run.outputs).toEqualTypeOf<{ doubled: number | bigint } | undefined>();
    expect(run.mode).toBe("async");
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ doubled: 10 });
    // Two RUNNING polls collapse into one event, as Propeller emits events only on phase changes.
    expect(run.events.map((e) => e.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(events).toEqual(run.events);
    expect(run.events[1]?.logLinks?.[0]?.name).toBe("dash");
  });

  it("takes the task from the agent, typed, when given the agent", async () => {
    const greeter = new GreeterAgent();
    const d = createFlyteDriver({ agents: [greeter] });
    const run = await d.run(greeter, { who: "Cy" });
    expectTypeOf(run.outputs).toEqualTypeOf<{ greeting: string; length: number | bigint } | undefined>();
    expect(run.outputs).toEqual({ greeting: "hello, Cy", length: 9 });
  });

  it("routes sync task types through ExecuteTaskSync, as ListAgents says", async () => {
    const run = await driver().run(greetTask, { who: "Bo" }, { custom: { greeting: "hey" } });
    expect(run.mode).toBe("sync");
    expect(run.outputs).toEqual({ greeting: "hey, Bo", length: 7 });
    const failed = await driver().run(greetTask, { who: "nobody" });
    expect(failed.phase).toBe("RETRYABLE_FAILED");
    expect(failed.resource?.agentError?.code).toBe("EMPTY");
  });

  it("sends DeleteTask when aborted and ends ABORTED", async () => {
    const controller = new AbortController();
    const d = driver({ onEvent: (e) => e.phase === "RUNNING" && controller.abort() });
    const run = await d.run(doublerTask, { n: 1 }, { signal: controller.signal });
    expect(run.phase).toBe("ABORTED");
    expect(run.endedBy).toBe("signal");
    expect(jobs.get("job-1")?.deleted).toBe(1);
  });

  it("sends DeleteTask when the task's timeout passes and ends FAILED", async () => {
    const run = await driver({ pollIntervalMs: 50 }).run(doublerTask, { n: 1 }, { timeoutMs: 60 });
    expect(run.phase).toBe("FAILED");
    expect(run.endedBy).toBe("timeout");
    expect(run.message).toContain("timed out");
    expect(jobs.get("job-1")?.deleted).toBe(1);
  });

  it("turns a CreateTask error into a retryable failure carrying the rpc error, as Propeller does", async () => {
    const run = await driver().run(defineTask({ taskType: "nope" }));
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.error?.code).toBe(Code.NotFound);
    expect(run.message).toMatch(/^failed to create task from connector with rpc error: code = NotFound desc = no agent for task type "nope"/);
  });

  it("fails the task after more than maxSystemFailures GetTask errors", async () => {
    let gets = 0;
    const transport = createRouterTransport((router) =>
      router.service(AsyncAgentService, {
        createTask: () => ({ resourceMeta: new Uint8Array([1]) }),
        getTask: () => {
          gets += 1;
          throw new Error("backend down");
        },
      }),
    );
    const run = await createFlyteDriver({ transport, pollIntervalMs: 1, maxSystemFailures: 2 }).run(defineTask({ taskType: "x" }));
    expect(gets).toBe(3);
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.message).toContain("GetTask failed with rpc error: code = Internal");
  });

  it("routes everything async when the server has no metadata service (UNIMPLEMENTED)", async () => {
    const transport = createRouterTransport((router) =>
      router.service(AsyncAgentService, {
        createTask: () => ({ resourceMeta: new TextEncoder().encode("{}") }),
        getTask: () => ({ resource: { phase: 3 /* SUCCEEDED */ } }),
      }),
    );
    const d = createFlyteDriver({ transport, pollIntervalMs: 1 });
    expect((await d.refreshAgents()).size).toBe(0);
    const run = await d.run(defineTask({ taskType: "anything" }));
    expect(run.mode).toBe("async");
    expect(run.phase).toBe("SUCCEEDED");
  });

  it("reads an empty resource the way Propeller does: a retryable failure", async () => {
    const transport = createRouterTransport((router) =>
      router.service(AsyncAgentService, {
        createTask: () => ({ resourceMeta: new Uint8Array([1]) }),
        getTask: () => ({ resource: {} }),
      }),
    );
    const run = await createFlyteDriver({ transport, pollIntervalMs: 1 }).run(defineTask({ taskType: "x" }));
    expect(run.phase).toBe("RETRYABLE_FAILED");
  });

  it("getTaskResource answers the Resource as sent: an empty phase stays 0, unknown phases stay numbers", async () => {
    const phases = [0, 99];
    const transport = createRouterTransport((router) =>
      router.service(AsyncAgentService, {
        createTask: () => ({ resourceMeta: new Uint8Array([1]) }),
        getTask: () => ({ resource: { phase: phases.shift() ?? 0, message: "raw" } }),
      }),
    );
    const d = createFlyteDriver({ transport });
    const launched = await d.launch(defineTask({ taskType: "x" }));
    expect(await d.getTaskResource(launched)).toMatchObject({ phase: 0, message: "raw" });
    expect((await d.getTaskResource(launched))?.phase).toBe(99);
  });

  it("launch and deleteTask take the output prefix and per-call options (headers, signal) of a raw test", async () => {
    const seen: Array<{ prefix?: string; header: string | null }> = [];
    const transport = createRouterTransport((router) =>
      router.service(AsyncAgentService, {
        createTask: (req, ctx) => {
          seen.push({ prefix: req.outputPrefix, header: ctx.requestHeader.get("x-test") });
          return { resourceMeta: new Uint8Array([7]) };
        },
        deleteTask: (_req, ctx) => {
          seen.push({ header: ctx.requestHeader.get("x-test") });
          return {};
        },
      }),
    );
    const d = createFlyteDriver({ transport });
    const launched = await d.launch(defineTask({ taskType: "x" }), {}, { outputPrefix: "s3://b/raw", call: { headers: { "x-test": "create" } } });
    expect(launched.outputPrefix).toBe("s3://b/raw");
    await d.deleteTask(launched, { headers: { "x-test": "delete" } });
    expect(seen).toEqual([{ prefix: "s3://b/raw", header: "create" }, { header: "delete" }]);
  });

  it("executeTaskSync sends header then inputs and returns every reply, not just the first", async () => {
    const seen: string[] = [];
    const transport = createRouterTransport((router) =>
      router.service(SyncAgentService, {
        executeTaskSync: async function* (requests) {
          for await (const r of requests) seen.push(r.part.case ?? "none");
          yield { res: { case: "header" as const, value: { resource: { phase: TaskExecution_Phase.SUCCEEDED } } } };
          yield { res: { case: "header" as const, value: { resource: { phase: TaskExecution_Phase.RUNNING } } } };
        },
      }),
    );
    const { replies, request } = await createFlyteDriver({ transport }).executeTaskSync(doublerTask, { n: 2 }, { outputPrefix: "s3://b/p" });
    expect(seen).toEqual(["header", "inputs"]);
    expect(replies.map((r) => (r.res.case === "header" ? r.res.value.resource?.phase : undefined))).toEqual([TaskExecution_Phase.SUCCEEDED, TaskExecution_Phase.RUNNING]);
    expect(request.header.part.case === "header" && request.header.part.value.outputPrefix).toBe("s3://b/p");
  });

  it("is a FlyteDriver, made from one target and the common settings", () => {
    expectTypeOf(createFlyteDriver).returns.toEqualTypeOf<FlyteDriver>();
    expectTypeOf<{ url: string; callTimeoutMs: number }>().toMatchTypeOf<FlyteDriverOptions>();
    // Settings without a target are not options: they fail to compile, not at the first call.
    expectTypeOf<FlyteDriverSettings>().not.toMatchTypeOf<FlyteDriverOptions>();
    expectTypeOf<{ pollIntervalMs: number }>().not.toMatchTypeOf<FlyteDriverOptions>();
  });

  it("refuses no target or two, naming the three it takes", () => {
    const none = {} as FlyteDriverOptions;
    expect(() => createFlyteDriver(none)).toThrow(AgentwireError);
    expect(() => createFlyteDriver(none)).toThrow("createFlyteDriver needs exactly one of `agents` (in-process), `url` (a server over gRPC) or `transport`; got none");
    const two = { agents: [new DoublerAgent()], url: "http://127.0.0.1:8000" } as FlyteDriverOptions;
    expect(() => createFlyteDriver(two)).toThrow("got agents and url");
  });
});

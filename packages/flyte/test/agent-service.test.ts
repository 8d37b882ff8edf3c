import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { beforeEach, describe, expect, it } from "vitest";
import { ExecuteTaskSyncRequestSchema, State, type ExecuteTaskSyncRequest } from "../src/gen/flyteidl/admin/agent_pb.js";
import { defineTask, fromLiteralMap, toLiteralMap, types } from "../src/index.js";
import { createFlyteDriver, HealthCheckResponse_ServingStatus, TaskExecution_Phase, taskTemplate } from "../src/testing/index.js";
import { brokenTask, BrokenAgent, capturedLogger, DoublerAgent, doublerTask, GreeterAgent, greetTask, jobs } from "./fixtures.js";
import { grpcError } from "@agentwire/test-support";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

function setup() {
  const captured = capturedLogger();
  const { clients } = createFlyteDriver({ agents: [new DoublerAgent(), new BrokenAgent(), new GreeterAgent()], logger: captured.logger });
  return { ...clients, logs: captured.lines, logged: captured.logged };
}

describe("AgentMetadataService", () => {
  it("lists every agent with categories, deprecated task types and is_sync", async () => {
    const { metadata } = setup();
    const { agents } = await metadata.listAgents({});
    const byName = Object.fromEntries(agents.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(["Broken", "Doubler", "Greeter"]);
    expect(byName.Doubler!.isSync).toBe(false);
    expect(byName.Greeter!.isSync).toBe(true);
    expect(byName.Broken!.supportedTaskCategories.map((c) => [c.name, c.version])).toEqual([["broken", 2]]);
    expect(byName.Broken!.supportedTaskTypes).toEqual(["broken"]);
  });

  it("answers GetAgent, and NOT_FOUND naming the known agents for an unknown one", async () => {
    const { metadata } = setup();
    expect((await metadata.getAgent({ name: "Greeter" })).agent?.supportedTaskTypes).toEqual(["greet"]);
    const err = await grpcError(metadata.getAgent({ name: "Nope" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toContain('"Nope"');
    expect(err.rawMessage).toContain('"Doubler"');
  });
});

describe("AsyncAgentService", () => {
  beforeEach(() => jobs.clear());

  it("creates, polls and returns typed outputs from resource_meta alone", async () => {
    const { async } = setup();
    const { resourceMeta } = await async.createTask({
      template: taskTemplate(doublerTask),
      inputs: toLiteralMap({ n: 21 }, doublerTask.inputs),
      outputPrefix: "s3://bucket/out",
    });
    expect(JSON.parse(new TextDecoder().decode(resourceMeta))).toEqual({ jobId: "job-1" });

    const category = { name: "doubler", version: 0 };
    const first = await async.getTask({ taskCategory: category, resourceMeta });
    expect(first.resource?.phase).toBe(TaskExecution_Phase.RUNNING);
    expect(first.resource?.state).toBe(State.RUNNING);
    expect(first.resource?.logLinks[0]?.uri).toBe("https://dash.example/job-1");
    await async.getTask({ taskCategory: category, resourceMeta });
    // A second server (fresh transport, same external system) answers from the bytes alone.
    const other = setup().async;
    const done = await other.getTask({ taskCategory: category, resourceMeta });
    expect(done.resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    expect(done.resource?.state).toBe(State.SUCCEEDED);
    expect(fromLiteralMap(done.resource!.outputs, doublerTask.outputs)).toEqual({ doubled: 42 });
  });

  it("routes GetTask by the deprecated task_type when task_category is unset", async () => {
    const { async } = setup();
    const { resourceMeta } = await async.createTask({
      template: taskTemplate(doublerTask),
      inputs: toLiteralMap({ n: 1 }, doublerTask.inputs),
    });
    const res = await async.getTask({ taskType: "doubler", resourceMeta });
    expect(res.resource?.phase).toBe(TaskExecution_Phase.RUNNING);
  });

  it("refuses an unknown task type or version with NOT_FOUND naming it and the known ones", async () => {
    const { async } = setup();
    const err = await grpcError(async.createTask({ template: taskTemplate(defineTask({ taskType: "bigquery" })), inputs: {} }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe('no agent for task type "bigquery" version 0; this server has: doubler (v0), broken (v2), greet (v0)');
    const wrongVersion = await grpcError(async.getTask({ taskCategory: { name: "broken", version: 1 }, resourceMeta: enc({ mode: "x" }) }));
    expect(wrongVersion.code).toBe(Code.NotFound);
    expect(wrongVersion.rawMessage).toContain('"broken" version 1');
  });

  it("refuses requests missing what routing needs", async () => {
    const { async } = setup();
    const noTemplate = await grpcError(async.createTask({}));
    expect(noTemplate.code).toBe(Code.InvalidArgument);
    expect(noTemplate.rawMessage).toContain("template is required");
    const noType = await grpcError(async.createTask({ template: { type: "" } }));
    expect(noType.rawMessage).toContain("template.type is empty");
    const noCategory = await grpcError(async.getTask({ resourceMeta: enc({ jobId: "x" }) }));
    expect(noCategory.code).toBe(Code.InvalidArgument);
    expect(noCategory.rawMessage).toContain("task_category.name is empty");
  });

  it("refuses a missing or mistyped input naming it", async () => {
    const { async } = setup();
    const missing = await grpcError(
      async.createTask({ template: taskTemplate(defineTask({ taskType: "doubler", inputs: {} })), inputs: toLiteralMap({}, {}) }),
    );
    expect(missing.code).toBe(Code.InvalidArgument);
    expect(missing.rawMessage).toContain('missing input "n"');

    const mistyped = await grpcError(
      async.createTask({
        template: taskTemplate(defineTask({ taskType: "doubler", inputs: { n: types.string() } })),
        inputs: toLiteralMap({ n: "three" }, { n: types.string() }),
      }),
    );
    expect(mistyped.code).toBe(Code.InvalidArgument);
    expect(mistyped.rawMessage).toMatch(/input "n": expected integer, got string "three"/);
    expect(jobs.size).toBe(0);
  });

  it("refuses bad resource_meta with INVALID_ARGUMENT and keeps serving", async () => {
    const { async } = setup();
    const category = { name: "doubler", version: 0 };
    const empty = await grpcError(async.getTask({ taskCategory: category, resourceMeta: new Uint8Array() }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.rawMessage).toContain("resource_meta is empty");
    const garbage = await grpcError(async.getTask({ taskCategory: category, resourceMeta: new Uint8Array([0xff, 0x00, 0x7b]) }));
    expect(garbage.code).toBe(Code.InvalidArgument);
    expect(garbage.rawMessage).toContain("resource_meta (3 bytes) is not valid for DoublerAgent");
    const invalid = await grpcError(async.deleteTask({ taskCategory: category, resourceMeta: enc({ jobId: 5 }) }));
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.rawMessage).toBe("resource_meta for DoublerAgent is invalid: jobId: jobId must be a string");
    // Still serving.
    const ok = await async.createTask({ template: taskTemplate(doublerTask), inputs: toLiteralMap({ n: 2 }, doublerTask.inputs) });
    expect(ok.resourceMeta.byteLength).toBeGreaterThan(0);
  });

  it("turns an agent exception into INTERNAL with its message, logged with its stack", async () => {
    const { async, logged } = setup();
    const err = await grpcError(
      async.createTask({ template: taskTemplate(doublerTask), inputs: toLiteralMap({ n: 13 }, doublerTask.inputs) }),
    );
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toBe("unlucky number 13");
    const line = await logged((l) => l.msg === "create failed: unlucky number 13");
    expect(line?.level).toBe(50);
    expect(String((line?.err as { stack?: string })?.stack)).toContain("DoublerAgent.create");
  });

  it("refuses what Propeller would misread in an agent's answer", async () => {
    const { async } = setup();
    const category = { name: "broken", version: 2 };
    const badPhase = await grpcError(async.getTask({ taskCategory: category, resourceMeta: enc({ mode: "bad-phase" }) }));
    expect(badPhase.code).toBe(Code.Internal);
    expect(badPhase.rawMessage).toContain('returned phase "DONE"; a phase is one of QUEUED');
    const early = await grpcError(async.getTask({ taskCategory: category, resourceMeta: enc({ mode: "outputs-while-running" }) }));
    expect(early.rawMessage).toContain("returned outputs with phase RUNNING");
    const badOutput = await grpcError(async.getTask({ taskCategory: category, resourceMeta: enc({ mode: "bad-output" }) }));
    expect(badOutput.code).toBe(Code.Internal);
    expect(badOutput.rawMessage).toContain('output "x"');
    const plain = await grpcError(async.getTask({ taskCategory: category, resourceMeta: enc({ mode: "plain-outputs" }) }));
    expect(plain.code).toBe(Code.Internal);
    expect(plain.rawMessage).toBe(
      "BrokenAgent.get returned an object without a phase ({ x }); it must return a result such as this.succeeded(outputs) or this.failed(message)",
    );
    const noMeta = await grpcError(
      async.createTask({ template: taskTemplate(brokenTask), inputs: toLiteralMap({ mode: "no-meta" }, brokenTask.inputs) }),
    );
    expect(noMeta.rawMessage).toContain("BrokenAgent.create returned undefined");
  });

  it("reports a TaskFailure from get as a FAILED resource with an agent error", async () => {
    const { async } = setup();
    const { resourceMeta } = await async.createTask({
      template: taskTemplate(doublerTask),
      inputs: toLiteralMap({ n: 7 }, doublerTask.inputs),
    });
    const { resource } = await async.getTask({ taskCategory: { name: "doubler", version: 0 }, resourceMeta });
    expect(resource?.phase).toBe(TaskExecution_Phase.FAILED);
    expect(resource?.message).toBe("seven is not allowed");
    expect(resource?.agentError?.code).toBe("SEVEN");
  });

  it("answers FAILED_PRECONDITION for a TaskFailure thrown by create", async () => {
    const { async } = setup();
    const err = await grpcError(
      async.createTask({ template: taskTemplate(brokenTask), inputs: toLiteralMap({ mode: "fail-create" }, brokenTask.inputs) }),
    );
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe("quota exceeded for project");
  });

  it("refuses async calls for a sync agent", async () => {
    const { async } = setup();
    const err = await grpcError(async.createTask({ template: taskTemplate(greetTask), inputs: {} }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain("served by a sync agent (Greeter); call ExecuteTaskSync");
  });

  it("answers GetTaskMetrics with the agent's series, and UNIMPLEMENTED where it has none", async () => {
    const { async } = setup();
    const { results } = await async.getTaskMetrics({
      taskCategory: { name: "doubler", version: 0 },
      resourceMeta: enc({ jobId: "j9" }),
      queries: ["EXECUTION_METRIC_USED_CPU_AVG"],
      startTime: { seconds: 1700000000n, nanos: 0 },
    });
    expect(results).toHaveLength(1);
    expect(results[0]?.metric).toBe("EXECUTION_METRIC_USED_CPU_AVG");
    expect(results[0]?.data).toEqual({ resultType: "matrix", result: [{ metric: { job: "j9" }, values: [[1700000000, "0.5"]] }] });
    const none = await grpcError(async.getTaskMetrics({ taskCategory: { name: "broken", version: 2 }, resourceMeta: enc({ mode: "x" }) }));
    expect(none.code).toBe(Code.Unimplemented);
    expect(none.rawMessage).toContain("does not report metrics");
  });

  it("streams logs, and answers UNIMPLEMENTED where an agent has none", async () => {
    const { async } = setup();
    const lines: string[] = [];
    for await (const part of async.getTaskLogs({ taskCategory: { name: "doubler", version: 0 }, resourceMeta: enc({ jobId: "j" }) })) {
      if (part.part.case === "body") lines.push(...part.part.value.structuredLines.map((l) => l.message));
    }
    expect(lines).toEqual(["log of j", "second line"]);
    const none = await grpcError(
      (async () => {
        for await (const _ of async.getTaskLogs({ taskCategory: { name: "broken", version: 2 }, resourceMeta: enc({ mode: "x" }) })) {
          // drain
        }
      })(),
    );
    expect(none.code).toBe(Code.Unimplemented);
    expect(none.rawMessage).toContain("does not stream logs");
  });
});

describe("SyncAgentService", () => {
  async function* propellerStream(who: string | undefined, custom = {}): AsyncIterable<ExecuteTaskSyncRequest> {
    yield create(ExecuteTaskSyncRequestSchema, {
      part: { case: "header", value: { template: taskTemplate(greetTask, { custom }), outputPrefix: "s3://b/o" } },
    });
    if (who !== undefined) {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: toLiteralMap({ who }, greetTask.inputs) } });
    }
  }

  async function collect(requests: AsyncIterable<ExecuteTaskSyncRequest>) {
    const { sync } = setup();
    const out = [];
    for await (const r of sync.executeTaskSync(requests)) out.push(r);
    return out;
  }

  it("answers exactly one header with a SUCCEEDED resource carrying the outputs", async () => {
    const replies = await collect(propellerStream("Ada", { greeting: "hi" }));
    expect(replies).toHaveLength(1);
    const header = replies[0]!.res;
    expect(header.case).toBe("header");
    const resource = header.case === "header" ? header.value.resource! : undefined;
    expect(resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    expect(fromLiteralMap(resource!.outputs, greetTask.outputs)).toEqual({ greeting: "hi, Ada", length: 7 });
  });

  it("turns a TaskFailure into a RETRYABLE_FAILED resource with the agent error", async () => {
    const [reply] = await collect(propellerStream("nobody"));
    const resource = reply!.res.case === "header" ? reply!.res.value.resource : undefined;
    expect(resource?.phase).toBe(TaskExecution_Phase.RETRYABLE_FAILED);
    expect(resource?.message).toBe("nobody to greet");
    expect(resource?.agentError?.code).toBe("EMPTY");
  });

  it("answers INTERNAL for an exception, a non-terminal phase, and outputs returned without a result", async () => {
    const crash = await grpcError(collect(propellerStream("crash")));
    expect(crash.code).toBe(Code.Internal);
    expect(crash.rawMessage).toBe("greeting buffer overflow");
    const pending = await grpcError(collect(propellerStream("pending")));
    expect(pending.code).toBe(Code.Internal);
    expect(pending.rawMessage).toContain("a sync agent must return a terminal phase");
    const plain = await grpcError(collect(propellerStream("plain")));
    expect(plain.code).toBe(Code.Internal);
    expect(plain.rawMessage).toBe(
      "GreeterAgent.execute returned an object without a phase ({ greeting }); it must return a result such as this.succeeded(outputs) or this.failed(message)",
    );
  });

  it("names the missing input when the stream ends after the header", async () => {
    const err = await grpcError(collect(propellerStream(undefined)));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain('missing input "who"');
  });

  it("refuses a stream that starts with inputs, or routes to an async agent", async () => {
    async function* inputsFirst(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: {} } });
    }
    const wrongOrder = await grpcError(collect(inputsFirst()));
    expect(wrongOrder.code).toBe(Code.InvalidArgument);
    expect(wrongOrder.rawMessage).toContain("the first message must be a header");

    async function* toAsync(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "header", value: { template: taskTemplate(doublerTask) } } });
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: toLiteralMap({ n: 1 }, undefined) } });
    }
    const wrongKind = await grpcError(collect(toAsync()));
    expect(wrongKind.code).toBe(Code.InvalidArgument);
    expect(wrongKind.rawMessage).toContain("served by an async agent (Doubler); call CreateTask");
  });
});

describe("grpc.health.v1", () => {
  it("reports SERVING for the server and each agent service, NOT_FOUND for others", async () => {
    const { health } = setup();
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "flyteidl.service.AsyncAgentService" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    const err = await grpcError(health.check({ service: "example.Unknown" }));
    expect(err.code).toBe(Code.NotFound);
  });
});

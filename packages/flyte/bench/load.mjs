// The load generator's side of the Flyte bench: one connect-node gRPC client per server (one HTTP/2
// connection, as Propeller keeps), sending the same pre-built requests to every server and checking the
// answers. Runs in the bench's main process (the servers are child processes); the cells themselves are
// run by bench-kit/cells.mjs.
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { toLiteralMap } from "@agentwire/flyte";
import { taskTemplate } from "@agentwire/flyte/testing";
import { benchTask } from "./bench-agent.mjs";
import {
  AsyncAgentService,
  CreateTaskRequestSchema,
  GetTaskRequestSchema,
  TaskExecutionMetadataSchema,
} from "./.bench-out/descriptors.mjs";

export const TASK_TYPE = "bench_task";
/** Propeller sets a deadline on every agent call (10 s by default); so do we, so servers arm a timer. */
const CALL_TIMEOUT_MS = 10_000;

export function createBenchClient(baseUrl) {
  return createClient(AsyncAgentService, createGrpcTransport({ baseUrl }));
}

/** What Propeller sends for a task with one integer input, built once and reused for every call. */
export function createTaskRequest() {
  const template = taskTemplate(benchTask);
  // The task name the figures in docs/benchmarks.md were measured with (the request's bytes stay the same).
  template.id.name = "bench.task";
  return create(CreateTaskRequestSchema, {
    inputs: toLiteralMap({ n: 1 }, undefined, { direction: "input" }),
    template,
    outputPrefix: "s3://bench-bucket/metadata/propeller/bench-a0/n0/data/0",
    taskExecutionMetadata: create(TaskExecutionMetadataSchema, {
      taskExecutionId: {
        taskId: { project: "flytesnacks", domain: "development", name: "bench.task", version: "v1" },
        nodeExecutionId: { nodeId: "n0", executionId: { project: "flytesnacks", domain: "development", name: "a0" } },
        retryAttempt: 0,
      },
      namespace: "flytesnacks-development",
      k8sServiceAccount: "default",
    }),
  });
}

export function getTaskRequest(resourceMeta) {
  return create(GetTaskRequestSchema, {
    taskType: TASK_TYPE,
    taskCategory: { name: TASK_TYPE, version: 0 },
    resourceMeta,
    outputPrefix: "s3://bench-bucket/metadata/propeller/bench-a0/n0/data/0",
  });
}

/** One call of `rpc`, checking the answer is what the bench agent returns. */
export function caller(client, rpc, requests) {
  if (rpc === "CreateTask") {
    return async () => {
      const res = await client.createTask(requests.create, { timeoutMs: CALL_TIMEOUT_MS });
      if (res.resourceMeta.byteLength === 0) throw new Error("CreateTask answered an empty resource_meta");
    };
  }
  return async () => {
    const res = await client.getTask(requests.get, { timeoutMs: CALL_TIMEOUT_MS });
    const lit = res.resource?.outputs?.literals.n?.value;
    if (lit?.case !== "scalar") throw new Error("GetTask answered no output n");
  };
}

// The load generator's side of the Flyte bench: one connect-node gRPC client per server (one HTTP/2
// connection, as Propeller keeps), sending the same pre-built requests to every server and checking the
// answers. Flyte 1 servers get flyteidl.service's AsyncAgentService requests, as Propeller sends them; Flyte 2
// servers get flyteidl2.connector's AsyncConnectorService requests carrying the same template, input and
// metadata, as Flyte 2's executor sends them. Runs in the bench's main process (the servers are child
// processes); the cells themselves are run by bench-kit/cells.mjs.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { toLiteralMap } from "@agentwire/flyte";
import { taskTemplate } from "@agentwire/flyte/testing";
import { benchTask } from "./bench-agent.mjs";
import {
  AsyncAgentService,
  AsyncConnectorService,
  CreateTaskRequestSchema,
  CreateTaskRequestSchemaV2,
  GetTaskRequestSchema,
  GetTaskRequestSchemaV2,
  LiteralSchema,
  LiteralSchemaV2,
  TaskExecutionMetadataSchema,
  TaskExecutionMetadataSchemaV2,
  TaskTemplateSchema,
  TaskTemplateSchemaV2,
} from "./.bench-out/descriptors.mjs";

export const TASK_TYPE = "bench_task";
/** Propeller sets a deadline on every agent call (10 s by default); so do we, so servers arm a timer. */
const CALL_TIMEOUT_MS = 10_000;

/** A client of the server's task service: Flyte 1's AsyncAgentService, or Flyte 2's AsyncConnectorService with `protocol` "v2". */
export function createBenchClient(baseUrl, protocol = "v1") {
  return createClient(protocol === "v2" ? AsyncConnectorService : AsyncAgentService, createGrpcTransport({ baseUrl }));
}

/** A message as its twin in the other protocol (the wire forms are the same): through its bytes. */
function convert(from, value, to) {
  return fromBinary(to, toBinary(from, value));
}

/**
 * What Propeller sends for a task with one integer input, built once and reused for every call; with
 * `protocol` "v2", what Flyte 2's executor sends for the same task (inputs as named literals, a connection).
 */
export function createTaskRequest(protocol = "v1") {
  const v1 = createTaskRequestV1();
  if (protocol !== "v2") return v1;
  return create(CreateTaskRequestSchemaV2, {
    inputs: { literals: Object.entries(v1.inputs.literals).map(([name, value]) => ({ name, value: convert(LiteralSchema, value, LiteralSchemaV2) })) },
    template: convert(TaskTemplateSchema, v1.template, TaskTemplateSchemaV2),
    outputPrefix: v1.outputPrefix,
    taskExecutionMetadata: convert(TaskExecutionMetadataSchema, v1.taskExecutionMetadata, TaskExecutionMetadataSchemaV2),
    connection: { taskType: TASK_TYPE, secrets: {}, configs: {} },
  });
}

function createTaskRequestV1() {
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

export function getTaskRequest(resourceMeta, protocol = "v1") {
  if (protocol === "v2") {
    return create(GetTaskRequestSchemaV2, {
      taskCategory: { name: TASK_TYPE, version: 0 },
      resourceMeta,
      outputPrefix: "s3://bench-bucket/metadata/propeller/bench-a0/n0/data/0",
      connection: { taskType: TASK_TYPE, secrets: {}, configs: {} },
    });
  }
  return create(GetTaskRequestSchema, {
    taskType: TASK_TYPE,
    taskCategory: { name: TASK_TYPE, version: 0 },
    resourceMeta,
    outputPrefix: "s3://bench-bucket/metadata/propeller/bench-a0/n0/data/0",
  });
}

/** Throws unless `res` is what the bench agent answers to `rpc` (v2: output `n` among the named literals). */
export function checkAnswer(rpc, res, protocol = "v1") {
  if (rpc === "CreateTask") {
    if (res.resourceMeta.byteLength === 0) throw new Error("CreateTask answered an empty resource_meta");
    return;
  }
  const literals = res.resource?.outputs?.literals;
  const lit = protocol === "v2" ? literals?.find((l) => l.name === "n")?.value?.value : literals?.n?.value;
  if (lit?.case !== "scalar") throw new Error("GetTask answered no output n");
}

/** One call of `rpc` through a connect client, checking the answer (checkAnswer). */
export function caller(client, rpc, requests, protocol = "v1") {
  if (rpc === "CreateTask") return async () => checkAnswer(rpc, await client.createTask(requests.create, { timeoutMs: CALL_TIMEOUT_MS }), protocol);
  return async () => checkAnswer(rpc, await client.getTask(requests.get, { timeoutMs: CALL_TIMEOUT_MS }), protocol);
}

/**
 * What the Go load generator (bench-kit/grpcload) sends for `rpc`: the method's path, the request's bytes,
 * the per-call deadline, and `check(bytes)`, which decodes an answer it brings back and runs checkAnswer.
 */
export function wireCall(rpc, requests, protocol = "v1") {
  const service = protocol === "v2" ? AsyncConnectorService : AsyncAgentService;
  const method = service.methods.find((m) => m.name === rpc);
  const request = rpc === "CreateTask" ? requests.create : requests.get;
  return {
    method: `/${service.typeName}/${method.name}`,
    request: toBinary(method.input, request),
    timeoutMs: CALL_TIMEOUT_MS,
    check: (bytes) => checkAnswer(rpc, fromBinary(method.output, bytes), protocol),
  };
}

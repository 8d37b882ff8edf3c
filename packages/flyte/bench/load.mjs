// The load generator: one connect-node gRPC client per server (one HTTP/2 connection, as Propeller keeps),
// sending the same pre-built requests to every server. Runs in the bench's main process; the servers are
// child processes.
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { toLiteralMap, types } from "@agentwire/flyte";
import { taskTemplate } from "@agentwire/flyte/testing";
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
  const spec = { type: TASK_TYPE, inputs: { n: types.integer() }, outputs: { n: types.integer() }, name: "bench.task" };
  return create(CreateTaskRequestSchema, {
    inputs: toLiteralMap({ n: 1 }, undefined, { direction: "input" }),
    template: taskTemplate(spec),
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

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; undefined when unreadable. */
export function processCpuMs(pid, clockTicks) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Keeps `concurrency` calls in flight until `durationMs` has passed or `maxCalls` calls have started,
 * whichever comes first, then waits for the stragglers. Returns throughput and latency percentiles.
 */
export async function runCell(call, { concurrency, durationMs, maxCalls, serverPid, clockTicks }) {
  const latencies = new Float64Array(maxCalls);
  let started = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const cpu0 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  async function worker() {
    while (started < maxCalls && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        await call();
        latencies[done++] = performance.now() - s;
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const clientCpu = process.cpuUsage(client0);
  const cpu1 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
  const sorted = latencies.subarray(0, done).sort();
  const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return {
    calls: done,
    errors,
    firstError: firstError === undefined ? undefined : String(firstError?.message ?? firstError),
    elapsedMs,
    throughput: (done / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    serverCpuMs,
    serverCpuUsPerCall: serverCpuMs === undefined || done === 0 ? undefined : (serverCpuMs * 1000) / done,
    clientCpuUsPerCall: done === 0 ? undefined : (clientCpu.user + clientCpu.system) / done,
    serverCpuUtil: serverCpuMs === undefined ? undefined : serverCpuMs / elapsedMs,
    clientCpuUtil: (clientCpu.user + clientCpu.system) / 1000 / elapsedMs,
  };
}

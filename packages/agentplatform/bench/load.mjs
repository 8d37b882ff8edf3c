// The load generator: one connect-node gRPC client transport per server (one HTTP/2 connection, as a
// platform keeps one per plugin), sending the same requests to every server and checking every answer.
// Runs in the bench's main process; the servers are child processes.
import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { FinishReason, LLMProvider, PluginService, ToolProvider } from "./.bench-out/descriptors.mjs";
import { DELTAS, TOOL_ARGUMENTS, TOOL_RESULT, USAGE } from "./workload.mjs";

/** Deadlines the client sets, as a platform does: the server arms a timer for each call. */
const TOOL_TIMEOUT_MS = 10_000;
const COMPLETE_TIMEOUT_MS = 30_000;

export function createBenchClients(baseUrl) {
  const transport = createGrpcTransport({ baseUrl });
  return {
    tools: createClient(ToolProvider, transport),
    llm: createClient(LLMProvider, transport),
    plugin: createClient(PluginService, transport),
  };
}

/** The Complete request: a short conversation, as the platform sends one. */
export const completeRequest = {
  model: "bench-model",
  messages: [
    { role: "system", content: "You are a benchmark." },
    { role: "user", content: "Say a thousand small things." },
  ],
  maxTokens: 4096,
};

/**
 * One call of `rpc` against `clients`, checking the answer. Resolves to what the cell counts: for
 * ExecuteTool `{ units: 1 }`, for Complete `{ units: <deltas received>, firstMs }` (ms from the call's start
 * to its first event).
 */
export function caller(clients, rpc, { tool = "add" } = {}) {
  if (rpc === "ExecuteTool") {
    const request = { name: tool, argumentsJson: TOOL_ARGUMENTS };
    return async () => {
      const res = await clients.tools.executeTool(request, { timeoutMs: TOOL_TIMEOUT_MS });
      if (res.isError || res.resultJson !== TOOL_RESULT) throw new Error(`ExecuteTool answered ${JSON.stringify(res.resultJson)} (is_error ${res.isError})`);
      return ONE;
    };
  }
  if (rpc === "Complete") {
    return async () => {
      const t0 = performance.now();
      let firstMs;
      let deltas = 0;
      let usage = false;
      let finish;
      for await (const res of clients.llm.complete(completeRequest, { timeoutMs: COMPLETE_TIMEOUT_MS })) {
        firstMs ??= performance.now() - t0;
        const ev = res.event;
        if (ev.case === "delta") deltas++;
        else if (ev.case === "usage") usage = ev.value.outputTokens === USAGE.outputTokens;
        else if (ev.case === "finish") finish = ev.value.reason;
      }
      if (deltas !== DELTAS || !usage || finish !== FinishReason.STOP) {
        throw new Error(`Complete answered ${deltas} deltas (expected ${DELTAS}), usage ${usage}, finish ${finish}`);
      }
      return { units: deltas, firstMs };
    };
  }
  throw new Error(`unknown rpc ${rpc} (ExecuteTool, Complete)`);
}
const ONE = { units: 1 };

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

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Keeps `concurrency` calls in flight until `durationMs` has passed or `maxCalls` calls have started,
 * whichever comes first, then waits for the stragglers (each call is bounded by its deadline). Returns
 * throughput (calls and units per second), latency percentiles and CPU use.
 */
export async function runCell(call, { concurrency, durationMs, maxCalls, serverPid, clockTicks, keepLatencies = false }) {
  const latencies = new Float64Array(maxCalls);
  const firsts = new Float64Array(maxCalls);
  let started = 0;
  let done = 0;
  let units = 0;
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
        const r = await call();
        latencies[done] = performance.now() - s;
        firsts[done] = r.firstMs ?? NaN;
        done++;
        units += r.units;
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
  const sorted = latencies.slice(0, done).sort();
  const sortedFirst = firsts.slice(0, done).sort();
  const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return {
    calls: done,
    units,
    errors,
    firstError: firstError === undefined ? undefined : String(firstError?.message ?? firstError),
    elapsedMs,
    throughput: (done / elapsedMs) * 1000,
    unitsPerSec: (units / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    firstEventP50Ms: percentile(sortedFirst, 50),
    firstEventP99Ms: percentile(sortedFirst, 99),
    serverCpuMs,
    serverCpuUsPerCall: serverCpuMs === undefined || done === 0 ? undefined : (serverCpuMs * 1000) / done,
    clientCpuUsPerCall: done === 0 ? undefined : (clientCpu.user + clientCpu.system) / done,
    serverCpuUtil: serverCpuMs === undefined ? undefined : serverCpuMs / elapsedMs,
    clientCpuUtil: (clientCpu.user + clientCpu.system) / 1000 / elapsedMs,
    latencies: keepLatencies ? Array.from(sorted) : undefined,
  };
}

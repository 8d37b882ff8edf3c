// The load generator's side of the AgentPlatform bench: one connect-node gRPC client transport per server
// (one HTTP/2 connection, as a platform keeps one per plugin), sending the same requests to every server
// and checking every answer. Runs in the bench's main process (the servers are child processes); the
// cells themselves are run by bench-kit/cells.mjs with `units` (a Complete stream counts its deltas).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
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

/**
 * What the Go load generator (bench-kit/grpcload) sends for `rpc`: the method's path, the request's bytes,
 * the deadline, whether it streams, and `check(result)`, which throws unless a cell's figures and the last
 * answer it brought back are what the bench plugin answers (ExecuteTool: result_json "42"; Complete: DELTAS
 * deltas, the usage and the finish per stream, the last message a finish STOP).
 */
export function wireCall(rpc, { tool = "add" } = {}) {
  const service = rpc === "ExecuteTool" ? ToolProvider : LLMProvider;
  const method = service.methods.find((m) => m.name === rpc);
  if (!method) throw new Error(`unknown rpc ${rpc} (ExecuteTool, Complete)`);
  const request = rpc === "ExecuteTool" ? { name: tool, argumentsJson: TOOL_ARGUMENTS } : completeRequest;
  return {
    method: `/${service.typeName}/${method.name}`,
    request: toBinary(method.input, create(method.input, request)),
    timeoutMs: rpc === "ExecuteTool" ? TOOL_TIMEOUT_MS : COMPLETE_TIMEOUT_MS,
    ...(rpc === "Complete" ? { stream: "server" } : {}),
    check(result) {
      if (result.calls === 0) return;
      const last = fromBinary(method.output, result.sample);
      if (rpc === "ExecuteTool") {
        if (last.isError || last.resultJson !== TOOL_RESULT) throw new Error(`ExecuteTool answered ${JSON.stringify(last.resultJson)} (is_error ${last.isError})`);
        return;
      }
      if (result.units !== result.calls * (DELTAS + 2)) throw new Error(`Complete streams sent ${result.units / result.calls} messages each (expected ${DELTAS} deltas, usage, finish)`);
      if (last.event.case !== "finish" || last.event.value.reason !== FinishReason.STOP) throw new Error(`a Complete stream ended with ${last.event.case}, not finish STOP`);
    },
  };
}

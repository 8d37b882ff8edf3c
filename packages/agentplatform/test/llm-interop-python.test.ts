// An LLM provider streamed to the official Python gRPC stack: grpc_tools.protoc generates stubs from our
// .proto files and grpcio reads Complete streams from a plugin served by serve, as a Python platform
// would: the oneof cases, the id on every tool-call delta and the name on the first only, usage before the
// finish, the finish reason's enum name, error codes, and a client-side cancel reaching the author.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@agentwire/core";
import { pythonSuiteName } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentwireError,
  FinishReason,
  LLMProvider,
  Plugin,
  serve,
  type CompletionContext,
  type CompletionRequest,
  type PluginServer,
} from "../src/index.js";
import { packageRoot, requirePython, runPython, skipPython } from "./python.js";

const suite = "an LLM provider streamed to grpcio through stubs protoc generated from our .proto files";

interface PythonRun {
  register: { name: string; capabilities: string[] } | null;
  calls: { events: Record<string, Record<string, unknown> | null>[]; error: { code: string; details: string } | null }[];
}

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let server: PluginServer | undefined;
  let cancelled: unknown;
  let onCancel: () => void = () => {};
  const cancelledLatch = new Promise<void>((resolve) => (onCancel = resolve));

  class ScriptedLLM extends LLMProvider {
    override async complete(request: CompletionRequest, { emit, signal }: CompletionContext) {
      switch (request.model) {
          case "tools":
            emit.text(`${request.messages.length} messages, ${request.tools.map((t) => t.name).join("+")}, t=${request.temperature}, max=${request.maxTokens}`);
            emit.startToolCall("call_1", request.tools[0]!.name);
            emit.toolCallArguments("call_1", '{"city":');
            emit.toolCallArguments("call_1", '"Paris"}');
            emit.usage({ inputTokens: 120, outputTokens: 14 });
            return;
          case "quota":
            throw new AgentwireError("resource_exhausted", "monthly budget spent");
          case "hang":
            emit.text("thinking");
            await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
            cancelled = signal.reason ?? "aborted";
            onCancel();
            return;
          default:
            emit.text("plain");
            emit.finish(FinishReason.MAX_TOKENS);
        }
    }
  }
  const plugin = new Plugin({
    name: "scripted-llm",
    version: "1.0.0",
    manifest: { description: "A scripted LLM", author: "agentwire tests" },
    providers: [new ScriptedLLM()],
  });

  beforeAll(async () => {
    requirePython();
    stubs = mkdtempSync(join(tmpdir(), "agentplatform-llm-py-"));
    const protoRoot = join(packageRoot, "proto");
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("reads tool-call, error, MAX_TOKENS and cancelled streams", async () => {
    const spec = {
      register: { config: {}, env_vars: {} },
      calls: [
        {
          request: {
            model: "tools",
            temperature: 0.7,
            max_tokens: 64,
            messages: [
              { role: "user", content: "Weather?" },
              { role: "assistant", tool_calls: [{ id: "c0", name: "get_weather", arguments_json: "{}" }] },
              { role: "tool", content: "{}", tool_call_id: "c0" },
            ],
            available_tools: [{ name: "get_weather", description: "Weather", parameters_json_schema: '{"type":"object"}' }],
          },
        },
        // Every Complete carries a message: one with none is refused before the provider runs.
        { request: { model: "quota", messages: [{ role: "user", content: "hi" }] } },
        { request: { model: "plain", messages: [{ role: "user", content: "hi" }] } },
        { request: { model: "hang", messages: [{ role: "user", content: "hi" }] }, cancel_after: 1 },
      ],
    };
    const out = JSON.parse(await runPython([join(packageRoot, "test/interop/llm_complete.py"), stubs, `127.0.0.1:${server!.port}`, JSON.stringify(spec)])) as PythonRun;
    expect(out.register).toEqual({ name: "scripted-llm", capabilities: ["LLM_PROVIDER"] });
    const [tools, quota, plain, hang] = out.calls;
    expect(tools).toEqual({
      events: [
        { delta: { content: "3 messages, get_weather, t=0.7, max=64" } },
        { tool_call_delta: { id: "call_1", name: "get_weather" } },
        { tool_call_delta: { id: "call_1", arguments_chunk: '{"city":' } },
        { tool_call_delta: { id: "call_1", arguments_chunk: '"Paris"}' } },
        { usage: { input_tokens: 120, output_tokens: 14 } },
        { finish: { reason: "TOOL_USE" } },
      ],
      error: null,
    });
    expect(quota).toEqual({ events: [], error: { code: "RESOURCE_EXHAUSTED", details: "monthly budget spent" } });
    expect(plain).toEqual({ events: [{ delta: { content: "plain" } }, { finish: { reason: "MAX_TOKENS" } }], error: null });
    expect(hang!.events).toEqual([{ delta: { content: "thinking" } }]);
    expect(hang!.error?.code).toBe("CANCELLED");
    await cancelledLatch;
    expect(cancelled).toBeDefined();
  });
});

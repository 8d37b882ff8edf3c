// A LifecycleHook served by serve and called by grpcio through stubs grpc_tools.protoc generated from our
// .proto files, as a Python platform would: `payload_json` bytes in, `modified_payload_json` presence
// (proto3 `optional`) and the cancel reason header out, refusals as gRPC status codes.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { pythonSuiteName } from "@agentwire/test-support";
import { cancel, LifecycleHook, modify, Plugin, serve, type PluginServer } from "../src/index.js";
import { packageRoot, requirePython, runPython, skipPython } from "./python.js";

const suite = "a LifecycleHook called by grpcio through stubs protoc generated from our .proto files";

class Hooks extends LifecycleHook {
  toolCall = this.on("TOOL_CALL", (payload) => (payload.tool_name === "shell" ? cancel(`tool ${payload.tool_name} is disabled — ask an admin`) : undefined));
  llmRequest = this.on("LLM_REQUEST", (payload) =>
    modify({ ...payload, messages: payload.messages.map((m) => ({ ...m, content: m.content.replaceAll("hunter2", "[REDACTED]") })) }),
  );
  toolResult = this.on("TOOL_RESULT", () => {
    throw new Error("boom");
  });
}

interface EventOutcome {
  action?: string;
  has_modified_payload?: boolean;
  modified_payload?: unknown;
  reason?: string | null;
  error?: { code: string; details: string };
}

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let server: PluginServer | undefined;

  beforeAll(async () => {
    requirePython();
    stubs = mkdtempSync(join(tmpdir(), "agentplatform-lifecycle-py-"));
    const protoRoot = join(packageRoot, "proto");
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    const plugin = new Plugin({
      name: "hooks",
      version: "0.1.0",
      manifest: { description: "Hooks for the interop test", author: "agentwire tests" },
      providers: [new Hooks()],
    });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("answers OnEvent: CANCEL with the reason header, CONTINUE without a payload, MODIFY with one, refusals by code", async () => {
    const events = [
      { type: "TOOL_CALL", agent_name: "ops", payload: JSON.stringify({ tool_name: "shell", arguments_json: '{"cmd":"rm -rf /"}' }) },
      { type: "TOOL_CALL", agent_name: "ops", payload: JSON.stringify({ tool_name: "get_weather", arguments_json: "{}" }) },
      {
        type: "LLM_REQUEST",
        agent_name: "ops",
        payload: JSON.stringify({ model: "m", messages: [{ role: "user", content: "my password is hunter2 ✓" }], tools: [], trace_id: "t-1" }),
      },
      { type: "TOOL_CALL", agent_name: "ops", payload: "tool_name=shell" },
      { type: 42, agent_name: "ops", payload: "{}" },
      { type: "TOOL_RESULT", agent_name: "ops", payload: JSON.stringify({ tool_name: "t", result_json: "{}", is_error: false }) },
    ];
    const out = JSON.parse(await runPython([join(packageRoot, "test/interop/lifecycle_client.py"), stubs, `127.0.0.1:${server!.port}`, JSON.stringify(events)])) as {
      events: EventOutcome[];
    };
    expect(out.events).toHaveLength(6);
    expect(out.events[0]).toEqual({ action: "CANCEL", has_modified_payload: false, modified_payload: null, reason: "tool shell is disabled — ask an admin" });
    expect(out.events[1]).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
    expect(out.events[2]).toEqual({
      action: "MODIFY",
      has_modified_payload: true,
      modified_payload: { model: "m", messages: [{ role: "user", content: "my password is [REDACTED] ✓", tool_calls: [] }], tools: [], trace_id: "t-1" },
      reason: null,
    });
    expect(out.events[3]!.error?.code).toBe("INVALID_ARGUMENT");
    expect(out.events[3]!.error?.details).toMatch(/^TOOL_CALL payload_json is not JSON: /);
    expect(out.events[4]).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
    // A handler that throws on anything but TOOL_CALL fails open by default.
    expect(out.events[5]).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
  });
});

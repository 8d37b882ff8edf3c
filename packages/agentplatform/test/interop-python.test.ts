// Interop with the official Python gRPC stack: grpc_tools.protoc generates Python stubs from our .proto files
// (a second compiler, besides buf, accepting the contract), and grpcio calls a plugin served by serve,
// as a Python platform would. The manifest it fetches is parsed with python-hcl2.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { pythonSuiteName } from "@agentwire/test-support";
import { serve, type PluginServer } from "../src/index.js";
import { TestHook, TestTools, validConfig, weatherPlugin } from "./fixtures.js";
import { packageRoot, parseHcl, requirePython, runPython, skipPython } from "./python.js";

const suite = "a plugin called by grpcio through stubs protoc generated from our .proto files";

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let server: PluginServer | undefined;
  const tools = new TestTools();
  tools.add("forecast", { description: "Forecast for a city" }, () => null);
  const plugin = weatherPlugin({ providers: [new TestHook(), tools] });

  beforeAll(async () => {
    requirePython();
    stubs = mkdtempSync(join(tmpdir(), "agentplatform-py-"));
    const protoRoot = join(packageRoot, "proto");
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("generates stubs for all six files", () => {
    expect(readdirSync(join(stubs, "agentplatform/v1")).filter((f) => f.endsWith(".py")).sort()).toEqual([
      "lifecycle_pb2.py",
      "lifecycle_pb2_grpc.py",
      "llm_pb2.py",
      "llm_pb2_grpc.py",
      "platform_pb2.py",
      "platform_pb2_grpc.py",
      "plugin_pb2.py",
      "plugin_pb2_grpc.py",
      "tool_pb2.py",
      "tool_pb2_grpc.py",
      "view_pb2.py",
      "view_pb2_grpc.py",
    ]);
  });

  it("answers Register, Health, GetManifest, grpc.health.v1 and a provider's service", async () => {
    const out = JSON.parse(
      await runPython([join(packageRoot, "test/interop/plugin_client.py"), stubs, `127.0.0.1:${server!.port}`, JSON.stringify({ ...validConfig, max_results: "7" })]),
    ) as {
      enums: Record<string, number>;
      register: { name: string; capabilities: string[]; metadata: Record<string, string> };
      refusal: { code: string; details: string } | null;
      health: string;
      manifest_hcl: string;
      grpc_health: Record<string, string>;
      tools: unknown[];
    };
    expect(out.enums).toEqual({ TOOL_PROVIDER: 2, SERVING: 1, NOT_SERVING: 2 });
    expect(out.register).toEqual({
      name: "weather",
      capabilities: ["TOOL_PROVIDER", "LIFECYCLE_HOOK"],
      metadata: { homepage: "https://weather.example.com", version: "1.2.0", protocol_version: "1" },
    });
    expect(plugin.config).toMatchObject({ max_results: 7, retries: 2 });
    expect(plugin.env).toEqual({ PLATFORM_HOST_ADDR: "127.0.0.1:7000" });
    expect(out.refusal?.code).toBe("INVALID_ARGUMENT");
    for (const field of ["api_key_env", "units", "retries", "verbose"]) expect(out.refusal?.details).toContain(`${field}: `);
    expect(out.health).toBe("SERVING");
    expect(out.manifest_hcl).toBe(plugin.manifestHcl);
    const manifest = (await parseHcl(out.manifest_hcl)) as { plugin: Array<Record<string, { version: string; type: string }>> };
    expect(manifest.plugin[0]!.weather).toMatchObject({ version: "1.2.0", type: "remote" });
    expect(out.grpc_health).toEqual({ "": "SERVING", plugin: "SERVING", "agentplatform.v1.Plugin": "SERVING", "agentplatform.v1.ToolProvider": "SERVING" });
    expect(out.tools).toEqual([{ name: "forecast", description: "Forecast for a city", parameters_json_schema: '{"type":"object","properties":{}}' }]);
  });
});

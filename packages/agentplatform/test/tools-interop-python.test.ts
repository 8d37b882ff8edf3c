// The tools provider called by the official Python gRPC stack (grpcio, stubs protoc generated from our
// .proto files), as a Python platform would call it: ListTools, then ExecuteTool answering results,
// is_error results and NOT_FOUND.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "@agentwire/core";
import { pythonSuiteName } from "@agentwire/test-support";
import { defineConfigSchema, Plugin, serve, ToolProvider, type PluginServer } from "../src/index.js";
import { packageRoot, requirePython, runPython, skipPython } from "./python.js";

const suite = "a ToolProvider called by grpcio through stubs protoc generated from our .proto files";

const configSchema = defineConfigSchema({ units: { type: "string", options: ["metric", "imperial"], default: "metric" } });

class WeatherTools extends ToolProvider<typeof configSchema> {
  forecast = this.tool(
    "forecast",
    { description: "Forecast for a city", inputSchema: z.object({ city: z.string().describe("City name"), days: z.number().int().min(1).max(7).default(1) }) },
    ({ city, days }, { config }) => ({ city, days, units: config.units, summary: `☀️ in ${city}` }),
  );
  convert = this.tool(
    "convert",
    { description: "Converts a temperature", inputSchema: { type: "object", properties: { celsius: { type: "number" } }, required: ["celsius"], additionalProperties: false } },
    ({ celsius }) => Number(celsius) * 1.8 + 32,
  );
  outage = this.tool("outage", { description: "Always fails" }, () => {
    throw new Error("weather service unreachable");
  });
}

interface Seen {
  capabilities: string[];
  tools: { name: string; description: string; parameters: Record<string, unknown> }[];
  calls: ({ is_error: boolean; result: unknown } | { code: string; details: string })[];
}

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let server: PluginServer | undefined;

  beforeAll(async () => {
    requirePython();
    stubs = mkdtempSync(join(tmpdir(), "agentplatform-tools-py-"));
    const protoRoot = join(packageRoot, "proto");
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });

    const plugin = new Plugin({
      name: "weather",
      version: "1.0.0",
      manifest: { description: "Weather", author: "agentwire tests", configSchema },
      providers: [new WeatherTools()],
    });
    server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("lists the tools and answers results, is_error results and NOT_FOUND", async () => {
    const script = {
      config: { units: "imperial" },
      calls: [
        { name: "forecast", arguments_json: JSON.stringify({ city: "Zürich" }) },
        { name: "convert", arguments_json: '{"celsius": 100}' },
        { name: "convert", arguments_json: "" },
        { name: "convert", arguments_json: "{celsius: 100}" },
        { name: "forecast", arguments_json: '{"city": "Oslo", "days": 9}' },
        { name: "outage" },
        { name: "nowcast", arguments_json: "{}" },
      ],
    };
    const seen = JSON.parse(await runPython([join(packageRoot, "test/interop/tools_client.py"), stubs, `127.0.0.1:${server!.port}`, JSON.stringify(script)])) as Seen;
    expect(seen.capabilities).toEqual(["TOOL_PROVIDER"]);
    expect(seen.tools.map((t) => t.name)).toEqual(["forecast", "convert", "outage"]);
    expect(seen.tools[0]).toEqual({
      name: "forecast",
      description: "Forecast for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string", description: "City name" }, days: { type: "integer", minimum: 1, maximum: 7, default: 1 } },
        required: ["city"],
      },
    });
    for (const tool of seen.tools) expect(tool.parameters.type).toBe("object");
    const [forecast, converted, empty, notJson, outOfRange, outage, unknown] = seen.calls;
    expect(forecast).toEqual({ is_error: false, result: { city: "Zürich", days: 1, units: "imperial", summary: "☀️ in Zürich" } });
    expect(converted).toEqual({ is_error: false, result: 212 });
    expect(empty).toEqual({ is_error: true, result: { error: 'invalid arguments for tool "convert": celsius: required', issues: [{ path: "celsius", message: "required" }] } });
    expect(notJson).toMatchObject({ is_error: true, result: { error: expect.stringContaining('invalid arguments for tool "convert": arguments_json is not valid JSON') as unknown } });
    expect(outOfRange).toMatchObject({ is_error: true, result: { error: expect.stringMatching(/^invalid arguments for tool "forecast": days: Too big/) as unknown } });
    expect(outage).toEqual({ is_error: true, result: { error: "weather service unreachable" } });
    expect(unknown).toEqual({ code: "NOT_FOUND", details: 'plugin "weather" has no tool "nowcast" (its tools: forecast, convert, outage)' });
  });
});

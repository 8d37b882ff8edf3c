// The same workspace shape with a plugin written in Python with grpcio (stubs grpc_tools.protoc generates
// from our .proto files), started by the host as a local plugin: the host drives any language.
//
// Needs the Python venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chunk, FakeOpenAI, processOutput, pythonSkipReason, pythonSuiteName, requirePython, sse, textStream, toolCallArgs, toolCallStart } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples, startHostProcess, type HostProcess } from "./host-process.js";

const repo = resolve(import.meta.dirname, "../../..");
const protoRoot = join(repo, "packages/agentplatform/proto");
// The conformance harness's grpcio plugin: a tool provider (get_weather) and a lifecycle hook.
const pythonPlugin = join(repo, "packages/conformance/test/fixtures/agentplatform/grpcio_plugin.py");

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("a workspace with a grpcio plugin under the host"), () => {
  const dir = mkdtempSync(join(tmpdir(), "agentwire-host-workspace-py-"));
  let host: HostProcess;
  let upstream: FakeOpenAI;

  beforeAll(async () => {
    const python = requirePython(repo);
    const stubs = join(dir, "stubs");
    mkdirSync(stubs);
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await processOutput(python, ["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot, timeoutMs: 120_000 });
    upstream = await FakeOpenAI.start();
    writeFileSync(
      join(dir, "weather.hcl"),
      `workspace "weather" {
  env = { OPENAI_API_KEY = "fake-key" }
  plugin "pyweather" {
    source = "${python} ${pythonPlugin} ${stubs}"
  }
  plugin "openai" {
    source = "node dist/main.js"
    cwd    = "${join(examples, "plugin-openai")}"
    config {
      base_url = "${upstream.baseUrl}"
    }
  }
  agent "forecaster" {
    instructions = "You report the weather."
    llm          = "openai"
    model        = "gpt-4o-mini"
  }
}
`,
    );
    host = await startHostProcess(dir, `state: ":memory:"\nhttp: { port: 0 }\nagentplatform:\n  workspaces: [weather.hcl]\n`);
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers the Python plugin through its handshake and runs its tool and its hook in a conversation", async () => {
    const { body } = await host.api<{ plugins: Array<{ name: string; kind: string; state: string; capabilities: string[]; tools: string[] }> }>("GET", "/api/v1/workspaces/weather");
    expect(body.plugins.find((p) => p.name === "pyweather")).toMatchObject({ kind: "local", state: "registered", capabilities: ["TOOL_PROVIDER", "LIFECYCLE_HOOK"], tools: ["get_weather"] });
    upstream.reply({ pieces: sse([chunk(toolCallStart(0, "call_w", "get_weather")), chunk(toolCallArgs(0, '{"city":"Paris"}')), chunk({}, "tool_calls")]) });
    upstream.reply({ pieces: textStream(["21 degrees in Paris."]) });
    const response = await fetch(`${host.url}/api/v1/workspaces/weather/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
      body: JSON.stringify({ input: "Weather in Paris?" }),
    });
    const events = (await response.text()).trim().split("\n").map((l) => JSON.parse(l) as { type: string; tool?: string; result?: string; content?: string });
    expect(events.filter((e) => e.type !== "content").map((e) => e.type)).toEqual(["tool_call", "tool_result", "finish", "conversation"]);
    expect(JSON.parse(events.find((e) => e.type === "tool_result")!.result!)).toEqual({ city: "Paris", temperature: 21 });
    expect(events.find((e) => e.type === "finish")!.content).toBe("21 degrees in Paris.");
    const settings = await host.api<Array<{ name: string; schema: Array<{ name: string; default?: string }>; effective: Record<string, string> }>>("GET", "/api/v1/workspaces/weather/settings");
    expect(settings.body.find((p) => p.name === "pyweather")).toMatchObject({ schema: [{ name: "units", default: "metric" }], effective: { units: "metric" } });
  });
});

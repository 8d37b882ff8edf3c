// The plugin served for real: over a socket with serve (remote mode, port 0), and as the process
// `npm start` runs (node dist/main.js on PORT) called by the official Python gRPC stack with stubs generated
// from our .proto files, both against the fake OpenAI-compatible upstream.
//
// The Python half needs `npm run build` and the venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, FinishReason, serve, type PluginServer } from "@agentwire/agentplatform";
import { createPluginDriver } from "@agentwire/agentplatform/testing";
import { silentLogger } from "@agentwire/core";
import { freePort, processOutput, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIPlugin } from "../src/index.js";
import { chunk, FakeOpenAI, sse, textStream, toolCallArgs, toolCallStart, usageChunk } from "@agentwire/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const exampleRoot = resolve(here, "..");
const repoRoot = resolve(here, "../../..");
const key = "fake-key-served-51c2e0";
const skipPython = pythonSkipReason() !== undefined;

/** The published contract: `proto/` ships in @agentwire/agentplatform's package. */
const protoRoot = join(dirname(createRequire(import.meta.url).resolve("@agentwire/agentplatform")), "../proto");
/** The SDK's grpcio LLMProvider client (its own interop tests use it too). */
const llmClientScript = join(repoRoot, "packages/agentplatform/test/interop/llm_complete.py");

/** Runs the venv's Python on `args`; resolves with stdout, rejects with stderr. */
function runPython(args: string[], options: { cwd?: string } = {}): Promise<string> {
  return processOutput(requirePython(here), args, { ...options, env: pythonEnv() });
}

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const toolStream = () =>
  sse([
    chunk(toolCallStart(0, "call_abc", "get_weather")),
    chunk(toolCallArgs(0, '{"city":')),
    chunk(toolCallArgs(0, '"Paris"}')),
    chunk({}, "tool_calls"),
    usageChunk(52, 18),
  ]);

describe("over a real socket (serve, remote mode, port 0)", () => {
  let server: PluginServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it("registers, streams a tool call, and aborts the upstream when the client cancels", async () => {
    server = await serve({ plugin: createOpenAIPlugin({ processEnv: {} }), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    const llm = createPluginDriver({ url: server.url });
    await llm.register({ config: { base_url: fake.baseUrl, api_key_env: "FAKE_KEY" }, envVars: { FAKE_KEY: key } });

    fake.reply({ pieces: toolStream(), delayMs: 2 });
    expect(await llm.complete({ messages: [{ role: "user", content: "Weather in Paris?" }] })).toMatchObject({
      toolCalls: [{ id: "call_abc", name: "get_weather", arguments: '{"city":"Paris"}' }],
      usage: { inputTokens: 52, outputTokens: 18 },
      finishReason: FinishReason.TOOL_USE,
    });
    expect(fake.lastRequest.headers.authorization).toBe(`Bearer ${key}`);

    fake.reply({ pieces: sse([chunk({ content: "Once" })], { done: false }), hang: true });
    const controller = new AbortController();
    let error: ConnectError | undefined;
    try {
      for await (const _event of llm.streamCompletion({ messages: [{ role: "user", content: "A long story" }] }, { signal: controller.signal })) controller.abort();
    } catch (err) {
      error = ConnectError.from(err);
    }
    expect(error?.code).toBe(Code.Canceled);
    await fake.clientClosed();
    expect(fake.closedByClient).toBe(1);
  });
});

const suite = "node dist/main.js (npm start) called by grpcio through stubs protoc generated from our .proto files";

describe.skipIf(skipPython)(pythonSuiteName(suite), () => {
  let stubs = "";
  let child: ChildProcess | undefined;
  let port = 0;
  let log = "";

  beforeAll(async () => {
    requirePython(here);
    const entry = join(exampleRoot, "dist/main.js");
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build -w examples/plugin-openai\` first`);
    stubs = mkdtempSync(join(tmpdir(), "plugin-openai-py-"));
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    port = await freePort();
    // The key reaches the plugin only through Register's env_vars, as it does for a remote plugin.
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: "info" };
    delete env.AGENTPLATFORM_PLUGIN;
    delete env.FAKE_KEY;
    child = spawn(process.execPath, [entry], { cwd: exampleRoot, detached: true, stdio: ["ignore", "pipe", "pipe"], env });
    child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    await waitForPort(port, { child, output: () => log });
  });

  afterAll(async () => {
    await stopProcessGroup(child);
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("streams completions, maps an upstream 401 and cancels the upstream request", async () => {
    fake
      .reply({ pieces: toolStream() })
      .reply({ pieces: textStream(["Bonjour", " !"], "stop", [11, 3]) })
      .reply({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, code: "invalid_api_key" } }) })
      .reply({ pieces: sse([chunk({ content: "Once" })], { done: false }), hang: true });
    const spec = {
      register: { config: { base_url: fake.baseUrl, api_key_env: "FAKE_KEY", default_model: "gpt-4o-mini" }, env_vars: { FAKE_KEY: key } },
      calls: [
        {
          request: {
            messages: [{ role: "user", content: "Weather in Paris?" }],
            available_tools: [{ name: "get_weather", description: "Weather", parameters_json_schema: '{"type":"object","properties":{"city":{"type":"string"}}}' }],
          },
        },
        { request: { model: "gpt-4o", temperature: 0.5, max_tokens: 20, messages: [{ role: "user", content: "Say hi in French" }] } },
        { request: { messages: [{ role: "user", content: "hi" }] } },
        { request: { messages: [{ role: "user", content: "A long story" }] }, cancel_after: 1 },
      ],
    };
    const out = JSON.parse(await runPython([llmClientScript, stubs, `127.0.0.1:${port}`, JSON.stringify(spec)])) as {
      register: { name: string; capabilities: string[] };
      calls: { events: unknown[]; error: { code: string; details: string } | null }[];
    };
    expect(out.register).toEqual({ name: "openai", capabilities: ["LLM_PROVIDER"] });
    const [tools, text, refused, cancelled] = out.calls;
    expect(tools).toEqual({
      events: [
        { tool_call_delta: { id: "call_abc", name: "get_weather" } },
        { tool_call_delta: { id: "call_abc", arguments_chunk: '{"city":' } },
        { tool_call_delta: { id: "call_abc", arguments_chunk: '"Paris"}' } },
        { usage: { input_tokens: 52, output_tokens: 18 } },
        { finish: { reason: "TOOL_USE" } },
      ],
      error: null,
    });
    expect(text).toEqual({
      events: [{ delta: { content: "Bonjour" } }, { delta: { content: " !" } }, { usage: { input_tokens: 11, output_tokens: 3 } }, { finish: { reason: "STOP" } }],
      error: null,
    });
    expect(refused).toEqual({ events: [], error: { code: "UNAUTHENTICATED", details: `127.0.0.1:${fake.port} answered HTTP 401: Incorrect API key provided: [redacted].` } });
    expect(cancelled!.events).toEqual([{ delta: { content: "Once" } }]);
    expect(cancelled!.error?.code).toBe("CANCELLED");
    await fake.clientClosed();
    expect(fake.closedByClient).toBe(1);

    expect(fake.requests.map((r) => r.body.model)).toEqual(["gpt-4o-mini", "gpt-4o", "gpt-4o-mini", "gpt-4o-mini"]);
    expect(fake.requests[1]!.body).toMatchObject({ temperature: 0.5, max_tokens: 20 });
    expect(fake.requests[0]!.body.tools).toEqual([
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ]);
    expect(log).not.toContain(key);
  });
});

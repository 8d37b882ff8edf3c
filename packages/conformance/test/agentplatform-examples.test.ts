// The AgentPlatform suites against this repository's example plugins: served in-process on a loopback port,
// and plugin-files once as a local plugin (--command). Every MUST holds.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type PluginServer } from "@agentwire/agentplatform";
import { createFilesPlugin } from "@agentwire/example-plugin-files";
import { createGuardPlugin } from "@agentwire/example-plugin-guard";
import { createDashboardPlugin } from "@agentwire/example-plugin-dashboard";
import { createOpenAIPlugin } from "@agentwire/example-plugin-openai";
import { chunk, FakeOpenAI, sse, textStream, toolCallArgs, toolCallStart, usageChunk } from "@agentwire/test-support";
import type { CheckResult } from "../src/check.js";
import type { AgentPlatformCases } from "../src/cases.js";
import { runSuite } from "../src/run-suite.js";
import { agentPlatformSuites } from "../src/suites/agentplatform/index.js";
import type { AgentPlatformTarget } from "../src/targets.js";

const repo = resolve(import.meta.dirname, "../../..");

async function runAll(target: AgentPlatformTarget, cases?: AgentPlatformCases): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of agentPlatformSuites) {
    const t0 = performance.now();
    const got = await runSuite(suite, { target, ...(cases === undefined ? {} : { cases }), callTimeoutMs: 10_000 });
    console.error(`${suite.name}: ${got.length} checks in ${Math.round(performance.now() - t0)} ms`);
    results.push(...got);
  }
  return results;
}

function mustFailures(results: CheckResult[]): string[] {
  return results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => `${r.id}: ${r.message ?? ""}`);
}

const root = mkdtempSync(join(tmpdir(), "conf-ap-files-"));
writeFileSync(join(root, "hello.txt"), "hello conformance\n");

describe("agentplatform suites against examples/plugin-files (in-process)", () => {
  let server: PluginServer;
  beforeAll(async () => {
    server = await serve({ plugin: createFilesPlugin(), port: 0, mode: "remote", handleSignals: false });
  });
  afterAll(() => server.close());

  it("holds every MUST, with the cases' tool calls", async () => {
    const results = await runAll(
      { address: `127.0.0.1:${server.port}`, config: { root } },
      { tools: [{ name: "read hello", tool: "read_file", arguments: { path: "hello.txt" } }] },
    );
    expect(mustFailures(results)).toEqual([]);
    const passed = new Set(results.filter((r) => r.status === "passed").map((r) => r.id));
    for (const id of [
      "agentplatform.plugin.register-name-matches-manifest",
      "agentplatform.plugin.manifest-is-hcl",
      "agentplatform.plugin.capabilities-served",
      "agentplatform.plugin.health-serving",
      "agentplatform.tools.names-valid-unique",
      "agentplatform.tools.schema-valid",
      "agentplatform.tools.invalid-arguments-is-error",
      "agentplatform.tools.unknown-tool-not-found",
      "agentplatform.tools.case-result-json",
    ]) {
      expect(passed, id).toContain(id);
    }
    expect(results.find((r) => r.id === "agentplatform.plugin.served-services-advertised")?.status).toBe("passed");
  });
});

describe("agentplatform suites against examples/plugin-guard (in-process)", () => {
  let server: PluginServer;
  beforeAll(async () => {
    server = await serve({ plugin: createGuardPlugin(), port: 0, mode: "remote", handleSignals: false });
  });
  afterAll(() => server.close());

  it("holds every MUST; every event type answered", async () => {
    const results = await runAll({ address: `127.0.0.1:${server.port}` });
    expect(mustFailures(results)).toEqual([]);
    for (const id of ["agentplatform.hooks.every-event-answered", "agentplatform.hooks.action-specified", "agentplatform.hooks.modify-carries-json"]) {
      expect(results.find((r) => r.id === id)?.status, id).toBe("passed");
    }
  });
});

describe("agentplatform suites against examples/plugin-dashboard (in-process)", () => {
  let server: PluginServer;
  beforeAll(async () => {
    server = await serve({ plugin: createDashboardPlugin(), port: 0, mode: "remote", handleSignals: false });
  });
  afterAll(() => server.close());

  it("holds every MUST, with a route case", async () => {
    const results = await runAll(
      { address: `127.0.0.1:${server.port}` },
      { views: [{ name: "list tasks", view: "tasks", routes: [{ method: "GET", path: "/api/tasks", expect: { status: 200 } }] }] },
    );
    expect(mustFailures(results)).toEqual([]);
    for (const id of ["agentplatform.views.definitions-valid", "agentplatform.views.render-components", "agentplatform.views.case-route", "agentplatform.views.stream-metadata-first"]) {
      expect(results.find((r) => r.id === id)?.status, id).toBe("passed");
    }
  });
});

describe("agentplatform suites against examples/plugin-openai (in-process, its fake OpenAI upstream)", () => {
  let server: PluginServer;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    // Every request answered by what it asks: a tool call when it offers tools, text otherwise.
    for (let i = 0; i < 20; i++) {
      fake.reply((request) =>
        Array.isArray(request.body["tools"]) && request.body["tools"].length > 0
          ? {
              pieces: sse([chunk(toolCallStart(0, "call_abc", "get_weather")), chunk(toolCallArgs(0, '{"city":')), chunk(toolCallArgs(0, '"Paris"}')), chunk({}, "tool_calls"), usageChunk(52, 18)]),
              delayMs: 2,
            }
          : { pieces: textStream(["Hello", " there"]), delayMs: 2 },
      );
    }
    server = await serve({ plugin: createOpenAIPlugin({ processEnv: { OPENAI_API_KEY: "sk-conformance" } }), port: 0, mode: "remote", handleSignals: false });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it("holds every MUST, with text and tool-call completions", async () => {
    const weather = { name: "get_weather", description: "Weather", parametersJsonSchema: '{"type":"object","properties":{"city":{"type":"string"}}}' };
    const results = await runAll(
      { address: `127.0.0.1:${server.port}`, config: { base_url: fake.baseUrl } },
      {
        completions: [
          // `text` is an unanchored regular expression.
          { name: "text", request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, expect: { finish: "STOP", text: "^Hello\\s+there" } },
          { name: "tool", request: { messages: [{ role: "user", content: "Weather in Paris?" }], availableTools: [weather] }, expect: { finish: "TOOL_USE" } },
        ],
        // The cancel check points the plugin at the harness's witness upstream and sees it close the request.
        cancelUpstream: { config: { base_url: "{{upstream}}" } },
      },
    );
    expect(mustFailures(results)).toEqual([]);
    const cancel = results.find((r) => r.id === "agentplatform.llm.cancel-stops-stream");
    expect(cancel?.exchanges.find((e) => e.call === "upstream witness")?.received).toEqual({ closed: 1, stillOpen: [] });
    // And a text that does not match is caught, naming the text and the pattern.
    const mismatch = await runAll(
      { address: `127.0.0.1:${server.port}`, config: { base_url: fake.baseUrl } },
      { completions: [{ name: "text", request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, expect: { text: "^there" } }] },
    );
    const caseExpect = mismatch.find((r) => r.id === "agentplatform.llm.case-expect");
    expect(caseExpect?.status).toBe("failed");
    expect(JSON.stringify(caseExpect)).toMatch(/does not match \/\^there\//);
    for (const id of ["agentplatform.llm.one-finish-last", "agentplatform.llm.tool-delta-id", "agentplatform.llm.tool-arguments-json", "agentplatform.llm.tool-use-iff-calls", "agentplatform.llm.case-expect", "agentplatform.llm.cancel-stops-stream", "agentplatform.llm.usage-before-finish"]) {
      expect(results.find((r) => r.id === id)?.status, id).toBe("passed");
    }
  });
});

describe("agentplatform suites against examples/plugin-files as a local plugin (--command)", () => {
  it("holds every MUST, local checks included", async () => {
    const results = await runAll({ command: `${JSON.stringify(process.execPath)} examples/plugin-files/dist/main.js`, cwd: repo, config: { root } });
    expect(mustFailures(results)).toEqual([]);
    for (const id of ["agentplatform.local.handshake", "agentplatform.local.stdout-only-handshake", "agentplatform.local.sigterm-exit", "agentplatform.tools.unknown-tool-not-found"]) {
      expect(results.find((r) => r.id === id)?.status, id).toBe("passed");
    }
  });
});

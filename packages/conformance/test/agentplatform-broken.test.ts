// The AgentPlatform suites against deliberately broken plugins, written with the raw generated services
// (the SDK prevents these faults): each fault is caught by the check the test names, and the run completes.
import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import { resolve } from "node:path";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { Action, LifecycleHook } from "../../agentplatform/src/gen/agentplatform/v1/lifecycle_pb.js";
import { FinishReason, LLMProvider } from "../../agentplatform/src/gen/agentplatform/v1/llm_pb.js";
import { Capability, Plugin, Status } from "../../agentplatform/src/gen/agentplatform/v1/plugin_pb.js";
import { ViewProvider } from "../../agentplatform/src/gen/agentplatform/v1/view_pb.js";
import type { CheckResult } from "../src/check.js";
import type { AgentPlatformCases } from "../src/cases.js";
import { runSuite } from "../src/run-suite.js";
import { agentPlatformSuites } from "../src/suites/agentplatform/index.js";
import type { AgentPlatformTarget } from "../src/targets.js";

const manifestOf = (label: string) => `plugin "${label}" {\n  version     = "0.1.0"\n  description = "A broken plugin"\n  author      = "agentwire tests"\n  type        = "remote"\n}\n`;

type Event = { event: { case: "delta"; value: { content: string } } | { case: "toolCallDelta"; value: { id: string; name: string; argumentsChunk: string } } | { case: "usage"; value: { inputTokens: number; outputTokens: number } } | { case: "finish"; value: { reason: FinishReason } } };

function streamOf(events: Event[]) {
  return async function* () {
    for (const e of events) yield e;
  };
}

let servers: Http2Server[] = [];
const sessions = new Set<ServerHttp2Session>();
afterEach(async () => {
  for (const session of sessions) session.destroy();
  sessions.clear();
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  servers = [];
});

async function brokenPlugin(faults: { name?: string; manifest?: string; capabilities?: Capability[]; llm?: Event[]; hookAction?: Action; viewHcl?: string }): Promise<string> {
  const routes = (router: ConnectRouter) => {
    router.service(Plugin, {
      register: () => ({ name: faults.name ?? "broken", capabilities: faults.capabilities ?? [] }),
      health: () => ({ status: Status.SERVING }),
      getManifest: () => ({ manifestHcl: faults.manifest ?? manifestOf("broken") }),
    });
    if (faults.llm !== undefined) router.service(LLMProvider, { complete: streamOf(faults.llm) });
    if (faults.viewHcl !== undefined) {
      const componentHcl = faults.viewHcl;
      router.service(ViewProvider, {
        listViews: () => ({ views: [{ name: "main", label: "Main", scope: "workspace", routes: [{ method: "GET", path: "/x" }] }] }),
        renderView: () => ({ componentHcl }),
      });
    }
    if (faults.hookAction !== undefined) {
      const action = faults.hookAction;
      router.service(LifecycleHook, { onEvent: () => ({ action }) });
    }
  };
  return listen(routes);
}

async function listen(routes: (router: ConnectRouter) => void): Promise<string> {
  const server = createServer(connectNodeAdapter({ routes }));
  servers.push(server);
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return `127.0.0.1:${address.port}`;
}

/**
 * A raw LLM plugin that streams from the upstream named by Register's `base_url`: it forwards the first chunk,
 * then reads the upstream to its end. `honourCancel` passes the call's signal to fetch (the upstream request
 * closes on cancel); without it the plugin keeps the upstream going after the platform cancelled the call.
 */
async function upstreamPlugin(honourCancel: boolean): Promise<string> {
  let baseUrl = "";
  return listen((router) => {
    router.service(Plugin, {
      register: (req) => {
        baseUrl = req.config["base_url"] ?? "";
        return { name: "broken", capabilities: [Capability.LLM_PROVIDER] };
      },
      health: () => ({ status: Status.SERVING }),
      getManifest: () => ({ manifestHcl: manifestOf("broken") }),
    });
    router.service(LLMProvider, {
      complete: async function* (_req, ctx) {
        const res = await fetch(`${baseUrl}/chat/completions`, { method: "POST", body: "{}", ...(honourCancel ? { signal: ctx.signal } : {}) });
        const reader = res.body!.getReader();
        await reader.read();
        yield { event: { case: "delta" as const, value: { content: "hi" } } };
        while (!(await reader.read().catch(() => ({ done: true }))).done) {
          /* keep reading */
        }
        yield { event: { case: "finish" as const, value: { reason: FinishReason.STOP } } };
      },
    });
  });
}

async function runAll(target: AgentPlatformTarget, cases?: AgentPlatformCases): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const suite of agentPlatformSuites) results.push(...(await runSuite(suite, { target, ...(cases === undefined ? {} : { cases }), callTimeoutMs: 5000 })));
  return results;
}

const statusOf = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.status;
const completion: AgentPlatformCases = { completions: [{ name: "hello", request: { model: "m", messages: [{ role: "user", content: "hi" }] } }] };
const good: Event[] = [
  { event: { case: "delta", value: { content: "hi" } } },
  { event: { case: "usage", value: { inputTokens: 1, outputTokens: 1 } } },
  { event: { case: "finish", value: { reason: FinishReason.STOP } } },
];

describe("broken AgentPlatform plugins, each caught by its check", () => {
  it("a well-behaved raw plugin passes the checks the broken ones fail (the control)", async () => {
    const address = await brokenPlugin({ capabilities: [Capability.LLM_PROVIDER, Capability.LIFECYCLE_HOOK], llm: good, hookAction: Action.CONTINUE });
    const results = await runAll({ address }, completion);
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => `${r.id}: ${r.message ?? ""}`)).toEqual([]);
  });

  it("a Register name that differs from the manifest's label", async () => {
    const results = await runAll({ address: await brokenPlugin({ name: "other" }) });
    expect(statusOf(results, "agentplatform.plugin.register-name-matches-manifest")).toBe("failed");
    expect(statusOf(results, "agentplatform.plugin.health-serving")).toBe("passed");
  });

  it("a manifest that is not HCL", async () => {
    const results = await runAll({ address: await brokenPlugin({ manifest: '{"plugin": "broken", "version": 1 = 2}' }) });
    expect(statusOf(results, "agentplatform.plugin.manifest-is-hcl")).toBe("failed");
    expect(results.find((r) => r.id === "agentplatform.plugin.manifest-is-hcl")?.message).toMatch(/not HCL/);
  });

  it("a manifest without its required attributes and with a bad config field", async () => {
    const manifest = 'plugin "broken" {\n  version = "one"\n  config_schema {\n    field "x" {\n      type = "integer"\n    }\n  }\n}\n';
    const results = await runAll({ address: await brokenPlugin({ manifest }) });
    expect(statusOf(results, "agentplatform.plugin.manifest-attributes")).toBe("failed");
    expect(statusOf(results, "agentplatform.plugin.config-schema-valid")).toBe("failed");
  });

  it("a capability without its service", async () => {
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.TOOL_PROVIDER] }) });
    expect(statusOf(results, "agentplatform.plugin.capabilities-served")).toBe("failed");
  });

  it("a served service missing from the capabilities (a SHOULD: a warning)", async () => {
    const results = await runAll({ address: await brokenPlugin({ hookAction: Action.CONTINUE }) });
    expect(statusOf(results, "agentplatform.plugin.served-services-advertised")).toBe("warning");
  });

  it("a stream with two finishes", async () => {
    const llm: Event[] = [...good, { event: { case: "finish", value: { reason: FinishReason.STOP } } }];
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.LLM_PROVIDER], llm }) }, completion);
    expect(statusOf(results, "agentplatform.llm.one-finish-last")).toBe("failed");
  });

  it("a tool-call delta without id", async () => {
    const llm: Event[] = [
      { event: { case: "toolCallDelta", value: { id: "call_1", name: "get_weather", argumentsChunk: '{"city":' } } },
      { event: { case: "toolCallDelta", value: { id: "", name: "", argumentsChunk: '"Paris"}' } } },
      { event: { case: "usage", value: { inputTokens: 1, outputTokens: 1 } } },
      { event: { case: "finish", value: { reason: FinishReason.TOOL_USE } } },
    ];
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.LLM_PROVIDER], llm }) }, completion);
    expect(statusOf(results, "agentplatform.llm.tool-delta-id")).toBe("failed");
  });

  it("TOOL_USE without tool calls", async () => {
    const llm: Event[] = [good[0]!, good[1]!, { event: { case: "finish", value: { reason: FinishReason.TOOL_USE } } }];
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.LLM_PROVIDER], llm }) }, completion);
    expect(statusOf(results, "agentplatform.llm.tool-use-iff-calls")).toBe("failed");
  });

  it("a plugin that keeps its upstream request going after the call is cancelled", async () => {
    const cases: AgentPlatformCases = { ...completion, cancelUpstream: { config: { base_url: "{{upstream}}" } } };
    const control = await runAll({ address: await upstreamPlugin(true) }, cases);
    expect(statusOf(control, "agentplatform.llm.cancel-stops-stream")).toBe("passed");
    // cancelUpstream with its own request runs the check without any completions case.
    const alone = await runAll({ address: await upstreamPlugin(true) }, { cancelUpstream: { config: { base_url: "{{upstream}}" }, request: { messages: [{ role: "user", content: "stop me" }] } } });
    expect(statusOf(alone, "agentplatform.llm.cancel-stops-stream")).toBe("passed");
    expect(statusOf(alone, "agentplatform.llm.one-finish-last")).toBe("skipped");
    const broken = await runAll({ address: await upstreamPlugin(false) }, cases);
    const check = broken.find((r) => r.id === "agentplatform.llm.cancel-stops-stream");
    expect(check?.status).toBe("failed");
    expect(check?.message).toMatch(/1 upstream request\(s\) still open .* after the call was cancelled/);
    // The client side alone looked fine: the stream itself ended with CANCELED.
    expect(check?.exchanges[1]?.received).toMatchObject({ ended: { code: "Canceled" } });
  });

  it("a hook answering ACTION_UNSPECIFIED", async () => {
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.LIFECYCLE_HOOK], hookAction: Action.ACTION_UNSPECIFIED }) });
    expect(statusOf(results, "agentplatform.hooks.action-specified")).toBe("failed");
    expect(statusOf(results, "agentplatform.hooks.every-event-answered")).toBe("passed");
  });

  it("a hook whose answer is not the case's expected action", async () => {
    const cases: AgentPlatformCases = { hooks: [{ name: "deny rm", event: "TOOL_CALL", payload: { tool_name: "rm", arguments_json: "{}" }, expect: { action: "CANCEL" } }] };
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.LIFECYCLE_HOOK], hookAction: Action.CONTINUE }) }, cases);
    expect(statusOf(results, "agentplatform.hooks.action-specified")).toBe("passed");
    expect(results.find((r) => r.id === "agentplatform.hooks.case-expect")?.message).toMatch(/deny rm: CONTINUE, expected CANCEL/);
  });

  it("a view whose component has no type", async () => {
    const results = await runAll({ address: await brokenPlugin({ capabilities: [Capability.VIEW_PROVIDER], viewHcl: 'component "a" {\n  content = "x"\n}\n' }) });
    expect(statusOf(results, "agentplatform.views.definitions-valid")).toBe("passed");
    expect(statusOf(results, "agentplatform.views.render-components")).toBe("failed");
  });

  it("a local plugin printing a second stdout line", async () => {
    const fixture = resolve(import.meta.dirname, "fixtures/agentplatform/noisy-plugin.mjs");
    const localSuite = agentPlatformSuites.find((s) => s.name === "agentplatform.local")!;
    const results = await runSuite(localSuite, { target: { command: `${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)}` }, callTimeoutMs: 5000 });
    expect(statusOf(results, "agentplatform.local.handshake")).toBe("passed");
    expect(statusOf(results, "agentplatform.local.stdout-only-handshake")).toBe("failed");
    expect(statusOf(results, "agentplatform.local.sigterm-exit")).toBe("passed");
  });
});

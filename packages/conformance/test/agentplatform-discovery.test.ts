// Discovery does no real work: against an SDK plugin whose LLM provider counts its calls, every suite without
// a cases file (the capability probes included) calls the provider zero times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLMProvider, Plugin, serve, type CompleteResult, type PluginServer } from "@agentwire/agentplatform";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { agentPlatformSuites } from "../src/suites/agentplatform/index.js";

class CountingLLM extends LLMProvider {
  calls = 0;
  override complete(): CompleteResult {
    this.calls += 1;
  }
}

describe("agentplatform discovery against a plugin whose provider records its calls", () => {
  let server: PluginServer;
  const llm = new CountingLLM();
  beforeAll(async () => {
    const plugin = new Plugin({ name: "counting", version: "1.0.0", manifest: { description: "Counts its calls", author: "agentwire tests" }, providers: [llm] });
    server = await serve({ plugin, port: 0, mode: "remote", handleSignals: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it("makes zero provider calls, and still finds the LLM service served", async () => {
    const results: CheckResult[] = [];
    for (const suite of agentPlatformSuites) results.push(...(await runSuite(suite, { target: { address: `127.0.0.1:${server.port}` }, callTimeoutMs: 5000 })));
    expect(llm.calls).toBe(0);
    const served = results.find((r) => r.id === "agentplatform.plugin.capabilities-served");
    expect(served?.status).toBe("passed");
    // The probe was refused up front, which is how discovery knows the service is there without using it.
    expect(served?.exchanges).toEqual([expect.objectContaining({ call: "LLMProvider/Complete", received: expect.objectContaining({ code: "InvalidArgument" }) })]);
    expect(results.filter((r) => r.id.startsWith("agentplatform.llm.")).every((r) => r.status === "skipped")).toBe(true);
    // The capabilities it does not advertise were probed only with requests that must be refused: here, UNIMPLEMENTED.
    const others = results.find((r) => r.id === "agentplatform.plugin.served-services-advertised");
    expect(others?.status).toBe("passed");
    expect(others?.exchanges.map((e) => [e.call, (e.received as { code?: string }).code])).toEqual([
      ["ToolProvider/ExecuteTool", "Unimplemented"],
      ["ViewProvider/RenderView", "Unimplemented"],
      ["LifecycleHook/OnEvent", "Unimplemented"],
    ]);
    expect(others?.exchanges.map((e) => e.sent)).toEqual([
      { name: "agentwire_conformance_no_such_tool", argumentsJson: "{}" },
      { viewName: "agentwire_conformance_no_such_view", workspaceId: "agentwire-conformance", params: {} },
      expect.objectContaining({ type: "EVENT_TYPE_UNSPECIFIED" }),
    ]);
  });
});

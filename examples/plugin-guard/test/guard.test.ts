// The guard plugin as the platform drives it: Register with config, then OnEvent, both in process (the way an
// author tests) and over a real socket (serve, remote mode, port 0), with the same expectations.
import { Capability, Code, ConnectError, EventType, lifecycleEventNames, serve, type AnyPlugin, type LifecyclePayloads } from "@agentwire/agentplatform";
import { createPluginDriver, type PluginDriver, type SendEventOptions } from "@agentwire/agentplatform/testing";
import { silentLogger } from "@agentwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { createGuardPlugin } from "../src/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const drivers: Array<[string, (plugin: AnyPlugin) => Promise<PluginDriver>]> = [
  ["in process", async (plugin) => createPluginDriver({ plugin })],
  [
    "over a socket (serve, remote, port 0)",
    async (plugin) => {
      const server = await serve({ plugin, mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
      closers.push(() => server.close());
      return createPluginDriver({ url: server.url });
    },
  ],
];

/** One event, the way the platform sends it. */
function sendEvent(driver: PluginDriver, type: keyof LifecyclePayloads | EventType, payload: unknown, options?: SendEventOptions) {
  return driver.sendEvent(type, payload, options);
}

async function refused(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to be refused");
}

type LlmRequest = LifecyclePayloads["LLM_REQUEST"];

const llmRequest = (contents: string[]): LlmRequest => ({
  model: "claude-sonnet-4-6",
  messages: contents.map((content, i) => ({ role: i % 2 === 0 ? "user" : "assistant", content, tool_calls: [] })),
  tools: [],
});

const otherEvents = {
  AGENT_START: { agent_name: "triage", input: "my key is sk-abcdefghijklmnop" },
  AGENT_END: { agent_name: "triage", input: "my key is sk-abcdefghijklmnop" },
  TURN_START: { agent_name: "triage", turn_number: 1 },
  TURN_END: { agent_name: "triage", turn_number: 1 },
  LLM_RESPONSE: { content: "your key is sk-abcdefghijklmnop", tool_calls: [{ id: "c1", name: "shell", arguments_json: "{}" }], finish_reason: "tool_use" },
  TOOL_RESULT: { tool_name: "shell", result_json: '{"out":"sk-abcdefghijklmnop"}', is_error: false },
  HANDOFF: { from_agent: "triage", to_agent: "shell", context: "sk-abcdefghijklmnop" },
} satisfies { [K in Exclude<keyof LifecyclePayloads, "TOOL_CALL" | "LLM_REQUEST">]: LifecyclePayloads[K] };

describe.each(drivers)("the guard plugin %s", (_name, connectTo) => {
  async function connect(config?: Record<string, string>): Promise<{ hooks: PluginDriver; driver: PluginDriver }> {
    const driver = await connectTo(createGuardPlugin());
    if (config !== undefined) await driver.register({ config });
    return { driver, hooks: driver };
  }

  it("registers as guard with the LIFECYCLE_HOOK capability and serves its manifest with the config schema", async () => {
    const { driver } = await connect();
    const res = await driver.register({ config: {} });
    expect(res.name).toBe("guard");
    expect(res.capabilities).toEqual([Capability.LIFECYCLE_HOOK]);
    const manifestHcl = await driver.manifest();
    expect(manifestHcl).toContain('plugin "guard" {');
    expect(manifestHcl).toContain('field "deny_tools" {');
    expect(manifestHcl).toContain('field "redact_patterns" {');
  });

  it("cancels TOOL_CALL events for denied tools, with the reason, and lets other tools through", async () => {
    const { hooks } = await connect({ deny_tools: " shell , ,delete_file ," });
    expect(await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell", arguments_json: '{"cmd":"rm -rf /"}' })).toEqual({
      action: "CANCEL",
      reason: 'tool "shell" is denied by the guard (deny_tools)',
    });
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "delete_file", arguments_json: "{}" })).action).toBe("CANCEL");
    expect(await sendEvent(hooks, "TOOL_CALL", { tool_name: "get_weather", arguments_json: '{"city":"SF"}' })).toEqual({ action: "CONTINUE" });
    // Exact and case-sensitive: tool names are identifiers.
    expect(await sendEvent(hooks, "TOOL_CALL", { tool_name: "Shell", arguments_json: "{}" })).toEqual({ action: "CONTINUE" });
    expect(await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell_history", arguments_json: "{}" })).toEqual({ action: "CONTINUE" });
  });

  it("redacts every pattern's matches in every message's content by MODIFY, and nothing else", async () => {
    const { hooks } = await connect({ redact_patterns: "sk-[A-Za-z0-9]{16,}, (?i)password=\\S+, \\b\\d{3}-\\d{2}-\\d{4}\\b" });
    const payload = {
      model: "claude-sonnet-4-6",
      messages: [
        { role: "system", content: "You are helpful.", tool_calls: [] },
        { role: "user", content: "Use sk-abcdefghijklmnop1234 and PASSWORD=hunter2 please", tool_calls: [], name: "alice" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "call_1", name: "lookup", arguments_json: '{"ssn":"123-45-6789"}' }],
        },
        { role: "user", content: "SSN 123-45-6789, again 987-65-4321", tool_calls: [], tool_call_id: "call_1" },
      ],
      tools: [{ name: "lookup", description: "Looks up sk-abcdefghijklmnop1234", parameters_json_schema: '{"type":"object"}' }],
      trace_id: "sk-abcdefghijklmnop1234",
    };
    const res = await sendEvent(hooks, "LLM_REQUEST", payload);
    expect(res).toEqual({
      action: "MODIFY",
      payload: {
        ...payload,
        messages: [
          payload.messages[0],
          { ...payload.messages[1], content: "Use [REDACTED] and [REDACTED] please" },
          payload.messages[2],
          { ...payload.messages[3], content: "SSN [REDACTED], again [REDACTED]" },
        ],
      },
    });
  });

  it("answers CONTINUE, not a no-op MODIFY, for an LLM_REQUEST with nothing to redact or no patterns", async () => {
    const withPatterns = await connect({ redact_patterns: "sk-[A-Za-z0-9]{16,}" });
    expect(await sendEvent(withPatterns.hooks, "LLM_REQUEST", llmRequest(["hello", "sk-short", "hi there"]))).toEqual({ action: "CONTINUE" });
    const none = await connect({ deny_tools: "shell" });
    expect(await sendEvent(none.hooks, "LLM_REQUEST", llmRequest(["sk-abcdefghijklmnop1234"]))).toEqual({ action: "CONTINUE" });
  });

  it("lets every other event continue, whatever it carries", async () => {
    const { hooks } = await connect({ deny_tools: "shell", redact_patterns: "sk-[a-z]+" });
    for (const [name, payload] of Object.entries(otherEvents)) {
      expect(await sendEvent(hooks, EventType[name as keyof typeof otherEvents], payload), name).toEqual({ action: "CONTINUE" });
    }
    expect(await sendEvent(hooks, 42 as EventType, { tool_name: "shell" })).toEqual({ action: "CONTINUE" });
    expect(lifecycleEventNames.length).toBe(Object.keys(otherEvents).length + 2);
  });

  it("refuses a config with an invalid pattern at Register, naming it, and keeps the rules it had", async () => {
    const { driver, hooks } = await connect({ deny_tools: "shell", redact_patterns: "secret" });
    const err = await refused(driver.register({ config: { deny_tools: "", redact_patterns: "ok, sk-[a-z, (?i)fine" } }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe('redact_patterns: "sk-[a-z" is not a valid regular expression (Unterminated character class)');
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell", arguments_json: "{}" })).action).toBe("CANCEL");
    expect(((await sendEvent(hooks, "LLM_REQUEST", llmRequest(["a secret"]))).payload as LlmRequest | undefined)?.messages[0]?.content).toBe("a [REDACTED]");
  });

  it("applies the new rules after a re-Register", async () => {
    const { driver, hooks } = await connect({ deny_tools: "shell", redact_patterns: "alpha" });
    await driver.register({ config: { deny_tools: "delete_file", redact_patterns: "beta" } });
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell", arguments_json: "{}" })).action).toBe("CONTINUE");
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "delete_file", arguments_json: "{}" })).action).toBe("CANCEL");
    expect(((await sendEvent(hooks, "LLM_REQUEST", llmRequest(["alpha beta"]))).payload as LlmRequest | undefined)?.messages[0]?.content).toBe("alpha [REDACTED]");
    await driver.register({ config: {} });
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "delete_file", arguments_json: "{}" })).action).toBe("CONTINUE");
    expect(await sendEvent(hooks, "LLM_REQUEST", llmRequest(["alpha beta"]))).toEqual({ action: "CONTINUE" });
  });

  it("fails closed before the first Register: TOOL_CALL and LLM_REQUEST are cancelled, other events continue", async () => {
    const { hooks } = await connect();
    const toolCall = await sendEvent(hooks, "TOOL_CALL", { tool_name: "get_weather", arguments_json: "{}" });
    expect(toolCall.action).toBe("CANCEL");
    expect(toolCall.reason).toContain("has no config yet: the platform has not called Register");
    expect((await sendEvent(hooks, "LLM_REQUEST", llmRequest(["hi"]))).action).toBe("CANCEL");
    expect(await sendEvent(hooks, "TURN_START", otherEvents.TURN_START)).toEqual({ action: "CONTINUE" });
  });

  it("refuses a payload that is not JSON with INVALID_ARGUMENT naming the event type", async () => {
    const { hooks } = await connect({ deny_tools: "shell" });
    const err = await refused(sendEvent(hooks, "TOOL_CALL", new TextEncoder().encode("tool_name: shell")));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^TOOL_CALL payload_json is not JSON: /);
  });
});

// The plugin tested through the in-process driver (no port): sendEvent encodes each payload as the platform
// does and decodes the answer ({ action, payload?, reason? }).
import { describe, expect, it } from "vitest";
import { Code } from "@agentwire/agentplatform";
import { Capability, createPluginDriver, EventType } from "@agentwire/agentplatform/testing";
import { createGuardPlugin } from "../src/guard-hook.js";

async function connect(config: Record<string, string> = {}) {
  const driver = createPluginDriver({ plugin: createGuardPlugin() });
  await driver.register({ config });
  return driver;
}

describe("example-guard", () => {
  it("registers as a lifecycle hook", async () => {
    const res = await createPluginDriver({ plugin: createGuardPlugin() }).register();
    expect(res.capabilities).toEqual([Capability.LIFECYCLE_HOOK]);
  });

  it("cancels calls of denied tools, by name and by glob, with the reason", async () => {
    const driver = await connect();
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "shell", arguments_json: '{"cmd":"ls"}' }, { agentName: "ops" })).toEqual({
      action: "CANCEL",
      reason: 'tool "shell" is denied for agent "ops" (deny_tools)',
    });
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "exec_python", arguments_json: "{}" })).toMatchObject({ action: "CANCEL" });
  });

  it("cancels calls whose arguments match deny_arguments (none by default)", async () => {
    const payload = { tool_name: "run_sql", arguments_json: '{"query":"DROP TABLE users"}' };
    expect(await (await connect()).sendEvent("TOOL_CALL", payload)).toEqual({ action: "CONTINUE" });
    const driver = await connect({ deny_arguments: "rm\\s+-rf|drop\\s+table" });
    expect(await driver.sendEvent("TOOL_CALL", payload)).toEqual({
      action: "CANCEL",
      reason: 'the arguments of "run_sql" match deny_arguments',
    });
  });

  it("masks card numbers in the arguments (MODIFY), keeping every other value exactly", async () => {
    const driver = await connect();
    const answer = await driver.sendEvent("TOOL_CALL", {
      tool_name: "send_email",
      arguments_json: '{"to":"a@example.com","body":"Card 4111 1111 1111 1111, thanks","order":12345678901234567890}',
    });
    expect(answer).toEqual({
      action: "MODIFY",
      payload: { tool_name: "send_email", arguments_json: '{"to":"a@example.com","body":"Card [masked], thanks","order":12345678901234567890}' },
    });
  });

  it("lets other calls and other events continue", async () => {
    const driver = await connect();
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "read_file", arguments_json: '{"path":"notes.txt"}' })).toEqual({ action: "CONTINUE" });
    expect(await driver.sendEvent("TURN_END", { agent_name: "ops", turn_number: 3 })).toEqual({ action: "CONTINUE" });
  });

  it("follows the workspace's settings", async () => {
    const driver = await connect({ deny_tools: "delete_*", mask_pattern: "sk-[A-Za-z0-9]{8,}" });
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "shell", arguments_json: '{"cmd":"ls"}' })).toEqual({ action: "CONTINUE" });
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "delete_user", arguments_json: "{}" })).toMatchObject({ action: "CANCEL" });
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "call_api", arguments_json: '{"key":"sk-abcdefgh12345"}' })).toEqual({
      action: "MODIFY",
      payload: { tool_name: "call_api", arguments_json: '{"key":"[masked]"}' },
    });
  });

  it("fails closed: before Register, a TOOL_CALL is cancelled", async () => {
    const driver = createPluginDriver({ plugin: createGuardPlugin() });
    expect(await driver.sendEvent("TOOL_CALL", { tool_name: "read_file", arguments_json: "{}" })).toMatchObject({
      action: "CANCEL",
      reason: expect.stringContaining("lifecycle hook failed") as unknown,
    });
  });

  it("refuses bad input: an invalid pattern at Register, a payload that is not JSON", async () => {
    await expect(createPluginDriver({ plugin: createGuardPlugin() }).register({ config: { mask_pattern: "(unclosed" } })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining('mask_pattern: "(unclosed" is not a valid regular expression') as unknown,
    });
    const driver = await connect();
    await expect(
      driver.clients.hooks.onEvent({ type: EventType.TOOL_CALL, agentName: "ops", payloadJson: new TextEncoder().encode("not json") }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument });
  });
});

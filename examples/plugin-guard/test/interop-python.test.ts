// The guard served by serve and driven by grpcio, as a Python platform would: stubs grpc_tools.protoc
// generates from the contract the SDK ships (@agentwire/agentplatform's proto/), Register with config, then
// OnEvent. The client is the SDK's own lifecycle interop script (packages/agentplatform/test/interop).
//
// Needs the repo's Python venv (`npm test` creates it when missing); AGENTWIRE_SKIP_PYTHON=1 skips.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve, type PluginServer } from "@agentwire/agentplatform";
import { silentLogger } from "@agentwire/core";
import { processOutput, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuardPlugin } from "../src/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
// The package ships its contract in proto/, next to dist/.
const protoRoot = join(dirname(createRequire(import.meta.url).resolve("@agentwire/agentplatform")), "../proto");
const client = join(repoRoot, "packages/agentplatform/test/interop/lifecycle_client.py");
const skipPython = pythonSkipReason() !== undefined;

/** Runs the venv's Python on `args`; resolves with stdout, rejects with stderr. */
function runPython(args: string[], options: { cwd?: string } = {}): Promise<string> {
  return processOutput(requirePython(import.meta.url), args, { ...options, env: pythonEnv() });
}

interface Outcome {
  action?: string;
  has_modified_payload?: boolean;
  modified_payload?: { messages: Array<{ content: string }> } | null;
  reason?: string | null;
  error?: { code: string; details: string };
}

interface ClientOutput {
  register: { name?: string; capabilities?: string[]; error?: { code: string; details: string } } | null;
  events: Outcome[];
}

describe.skipIf(skipPython)(pythonSuiteName("the guard plugin called by grpcio (stubs protoc generated from the SDK's .proto files)"), () => {
  let stubs = "";
  let server: PluginServer | undefined;

  beforeAll(async () => {
    requirePython(import.meta.url);
    stubs = mkdtempSync(join(tmpdir(), "plugin-guard-py-"));
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    server = await serve({ plugin: createGuardPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  const call = async (events: unknown[], config: Record<string, string>): Promise<ClientOutput> =>
    JSON.parse(await runPython([client, stubs, `127.0.0.1:${server!.port}`, JSON.stringify(events), JSON.stringify(config)])) as ClientOutput;

  it("registers, cancels a denied tool, continues an allowed one, redacts an LLM request and continues other events", async () => {
    const llmRequest = {
      model: "m",
      messages: [
        { role: "user", content: "token sk-abcdefghijklmnop1234" },
        { role: "assistant", content: "noted" },
        { role: "user", content: "and PASSWORD=hunter2" },
      ],
      tools: [],
    };
    const out = await call(
      [
        { type: "TOOL_CALL", agent_name: "ops", payload: JSON.stringify({ tool_name: "shell", arguments_json: "{}" }) },
        { type: "TOOL_CALL", agent_name: "ops", payload: JSON.stringify({ tool_name: "get_weather", arguments_json: '{"city":"SF"}' }) },
        { type: "LLM_REQUEST", agent_name: "ops", payload: JSON.stringify(llmRequest) },
        { type: "LLM_REQUEST", agent_name: "ops", payload: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }], tools: [] }) },
        { type: "TOOL_RESULT", agent_name: "ops", payload: JSON.stringify({ tool_name: "shell", result_json: "sk-abcdefghijklmnop1234", is_error: false }) },
        { type: "TOOL_CALL", agent_name: "ops", payload: "not json" },
      ],
      { deny_tools: "shell, delete_file", redact_patterns: "sk-[A-Za-z0-9]{16,}, (?i)password=\\S+" },
    );
    expect(out.register).toEqual({ name: "guard", capabilities: ["LIFECYCLE_HOOK"] });
    const [denied, allowed, redacted, clean, other, notJson] = out.events;
    expect(denied).toEqual({ action: "CANCEL", has_modified_payload: false, modified_payload: null, reason: 'tool "shell" is denied by the guard (deny_tools)' });
    expect(allowed).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
    expect(redacted).toMatchObject({ action: "MODIFY", has_modified_payload: true });
    expect(redacted!.modified_payload!.messages.map((m) => m.content)).toEqual(["token [REDACTED]", "noted", "and [REDACTED]"]);
    expect(clean).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
    expect(other).toEqual({ action: "CONTINUE", has_modified_payload: false, modified_payload: null, reason: null });
    expect(notJson!.error?.code).toBe("INVALID_ARGUMENT");
    expect(notJson!.error?.details).toMatch(/^TOOL_CALL payload_json is not JSON: /);
  });

  it("refuses an invalid pattern at Register with INVALID_ARGUMENT naming it", async () => {
    const out = await call([], { redact_patterns: "fine, (broken" });
    expect(out.register).toEqual({
      error: { code: "INVALID_ARGUMENT", details: 'redact_patterns: "(broken" is not a valid regular expression (Unterminated group)' },
    });
  });
});

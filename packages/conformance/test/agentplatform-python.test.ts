// The AgentPlatform suites against a plugin written with the official Python gRPC stack (grpcio, stubs that
// grpc_tools.protoc generates from our .proto files), started as a local plugin (--command).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processOutput, pythonSkipReason, pythonSuiteName, requirePython } from "@agentwire/test-support";
import type { CheckResult } from "../src/check.js";
import { runSuite } from "../src/run-suite.js";
import { agentPlatformSuites } from "../src/suites/agentplatform/index.js";

const repo = resolve(import.meta.dirname, "../../..");
const protoRoot = join(repo, "packages/agentplatform/proto");

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("agentplatform suites against a grpcio plugin (local mode)"), () => {
  let stubs = "";
  beforeAll(async () => {
    stubs = mkdtempSync(join(tmpdir(), "conf-ap-py-"));
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await processOutput(requirePython(repo), ["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot, timeoutMs: 120_000 });
  });
  afterAll(() => {
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it("holds every MUST", async () => {
    const script = join(import.meta.dirname, "fixtures/agentplatform/grpcio_plugin.py");
    const target = { command: [requirePython(repo), script, stubs].map((a) => JSON.stringify(a)).join(" ") };
    const cases = { tools: [{ name: "paris", tool: "get_weather", arguments: { city: "Paris" }, expect: { result: { city: "Paris" } } }] };
    const results: CheckResult[] = [];
    for (const suite of agentPlatformSuites) results.push(...(await runSuite(suite, { target, cases, callTimeoutMs: 10_000 })));
    expect(results.filter((r) => r.level === "MUST" && r.status === "failed").map((r) => `${r.id}: ${r.message ?? ""}`)).toEqual([]);
    for (const id of [
      "agentplatform.plugin.register-name-matches-manifest",
      "agentplatform.plugin.capabilities-served",
      "agentplatform.tools.invalid-arguments-is-error",
      "agentplatform.tools.unknown-tool-not-found",
      "agentplatform.tools.case-result-json",
      "agentplatform.hooks.every-event-answered",
      "agentplatform.local.handshake",
      "agentplatform.local.stdout-only-handshake",
      "agentplatform.local.sigterm-exit",
    ]) {
      expect(results.find((r) => r.id === id)?.status, id).toBe("passed");
    }
  });
});

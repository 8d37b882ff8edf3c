// The built CLI end to end, as CI runs it: it starts the server under test (--start), reads a YAML cases
// file, writes the JSON and JUnit reports, and exits 0 when every MUST holds and 1 when one does not.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "@agentwire/test-support";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = join(root, "packages/conformance/dist/cli.js");

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "warn" } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("agentwire-conformance (built CLI) against examples/activeworkflow-agents with its YAML cases", () => {
  it("exits 0: every check holds, the case checks included", async () => {
    const port = await freePort();
    const out = mkdtempSync(join(tmpdir(), "agentwire-cli-"));
    const started = performance.now();
    const run = await runCli([
      "activeworkflow",
      "--url", `http://127.0.0.1:${port}/digest`,
      "--start", `PORT=${port} ${JSON.stringify(process.execPath)} examples/activeworkflow-agents/dist/main.js`,
      "--cases", "examples/activeworkflow-agents/conformance.yaml",
      "--json", join(out, "report.json"),
    ]);
    console.error(`activeworkflow suites through the CLI, server start included: ${Math.round(performance.now() - started)} ms`);
    expect(run.stderr + run.stdout).toContain("0 failed");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { suites: { results: { id: string; status: string }[] }[] };
    const results = report.suites.flatMap((s) => s.results);
    expect(results.filter((r) => r.status !== "passed")).toEqual([]);
    expect(results.map((r) => r.id)).toContain("activeworkflow.calls.expect");
  });

  it("exits 1 for a server that breaks a MUST, naming the check, the request and the answer, in the JUnit report too", async () => {
    const port = await freePort();
    const out = mkdtempSync(join(tmpdir(), "agentwire-cli-"));
    const run = await runCli([
      "activeworkflow",
      "--url", `http://127.0.0.1:${port}/`,
      "--start", `PORT=${port} ${JSON.stringify(process.execPath)} packages/conformance/test/fixtures/activeworkflow/lowercase-agent.mjs`,
      "--junit", join(out, "junit.xml"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("activeworkflow.register.name-ruby-constant");
    expect(run.stdout).toContain("sent:     { method: 'register', params: {} }");
    expect(run.stdout).toContain("digest_agent");
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testcase[^>]*name="activeworkflow\.register\.name-ruby-constant"[^>]*>\s*<failure/);
  });
});

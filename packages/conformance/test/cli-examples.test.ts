// The built CLI (dist/cli.js; `npm run build` first) with --start and each example's conformance.yaml, as an
// author's CI runs it: exit 0 and every MUST passed; and exit 1 against a deliberately broken agent.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@agentwire/test-support";
import { beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "conformance-cli-examples-"));

function run(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Report {
  ok: boolean;
  suites: { results: { id: string; level: string; status: string }[] }[];
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build -w packages/conformance` first");
});

describe("the CLI against each example with its conformance.yaml", () => {
  const targets: [string, string, (port: number) => string[]][] = [
    ["flyte", "flyte-agents", (port) => ["--endpoint", `127.0.0.1:${port}`]],
    ["flyte2", "flyte-agents", (port) => ["--endpoint", `127.0.0.1:${port}`]],
    ["activeworkflow", "activeworkflow-agents", (port) => ["--url", `http://127.0.0.1:${port}/digest`]],
    ["agentplatform", "plugin-files", (port) => ["--address", `127.0.0.1:${port}`]],
  ];
  for (const [protocol, example, target] of targets) {
    it(`${protocol}: examples/${example} exits 0, every MUST passed`, async () => {
      const port = await freePort();
      const json = join(out, `${protocol}-${example}.json`);
      const started = performance.now();
      const r = await run(join(examples, example), [protocol, ...target(port), "--start", "node dist/main.js", "--cases", "conformance.yaml", "--json", json], {
        PORT: String(port),
      });
      console.error(`conformance ${protocol} against examples/${example}: ${Math.round(performance.now() - started)} ms`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(json, "utf8")) as Report;
      expect(report.ok).toBe(true);
      const musts = report.suites.flatMap((s) => s.results).filter((c) => c.level === "MUST" && c.status !== "skipped");
      expect(musts.length).toBeGreaterThan(0);
      expect(musts.filter((c) => c.status !== "passed").map((c) => c.id)).toEqual([]);
    });
  }
});

describe("exit 1 through the CLI", () => {
  it("an ActiveWorkflow agent whose register name is not CamelCase: the check id, request and answer shown, JUnit failure", async () => {
    const port = await freePort();
    const junit = join(out, "broken.xml");
    const r = await run(fixtures, ["activeworkflow", "--url", `http://127.0.0.1:${port}/`, "--start", "node activeworkflow/lowercase-agent.mjs", "--junit", junit], {
      PORT: String(port),
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("activeworkflow.register.name-ruby-constant");
    expect(r.stdout).toContain("sent:     { method: 'register', params: {} }");
    expect(r.stdout).toMatch(/received: \{[^]*name: 'lowercase_agent'/);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/name="activeworkflow\.register\.name-ruby-constant"[^>]*>\s*<failure/);
  });
});

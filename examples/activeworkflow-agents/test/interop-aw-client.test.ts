// Interop 1: the example server as a real subprocess (`node dist/main.js`), called by a stdlib Python client
// that replays ActiveWorkflow's exact requests (test/interop/aw_client.py) and applies the answers with
// ActiveWorkflow's Ruby semantics, and checks them against the official `activeworkflow_agent` library.
// Every check the script runs must print "ok <name>".
//
// Needs `npm run build` and the Python venv (`npm test` creates it when missing). Set AGENTWIRE_SKIP_PYTHON=1
// to skip on a machine without Python; a missing venv otherwise fails the suite on purpose.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, runProcess, stopProcessGroup, waitForPort, type ProcessResult } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const serverEntry = join(repoRoot, "examples/activeworkflow-agents/dist/main.js");
const clientScript = join(here, "interop/aw_client.py");
const skipPython = pythonSkipReason() !== undefined;

/** Every check aw_client.py runs, in order. A check the script skipped or renamed fails here. */
const checks = [
  "applier_matches_ruby_semantics",
  "wire_format_replayed",
  "register_x5_identical",
  "register_official_lib",
  "digest_receive_queues",
  "digest_flush_at_max_items",
  "digest_check_partial",
  "digest_check_empty",
  "digest_invalid_option",
  "digest_exact_numbers",
  "http_status_check",
  "http_status_changes_only",
  "http_status_bearer_credential",
  "http_status_missing_credential",
  "http_status_receive_payload_url",
  "http_status_unreachable",
  "http_status_invalid_url",
  "official_parsed_request",
  "official_response_schema",
] as const;

describe.skipIf(skipPython)(pythonSuiteName("example agents against ActiveWorkflow's requests replayed by a stdlib Python client"), () => {
  let python = "";
  let server: ChildProcess | undefined;
  let client: ChildProcess | undefined;
  let serverLog = "";
  let result: ProcessResult | undefined;

  beforeAll(async () => {
    python = requirePython(import.meta.url);
    if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: run \`npm run build\` first`);
    const port = await freePort();
    server = spawn(process.execPath, [serverEntry], {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: "", LOG_LEVEL: "info" },
    });
    server.stdout!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    await waitForPort(port, { child: server, timeoutMs: 30_000, output: () => serverLog });
    // timeoutMs is a safety net for a hung script, not a timing assertion.
    result = await runProcess(python, [clientScript, "--base", `http://127.0.0.1:${port}`], { env: pythonEnv(), timeoutMs: 110_000, onSpawn: (c) => (client = c) });
  });

  afterAll(async () => {
    await stopProcessGroup(client);
    await stopProcessGroup(server);
  });

  function report(): string {
    return `client stdout:\n${result?.stdout}\nclient stderr:\n${result?.stderr}\nserver log:\n${serverLog}`;
  }

  it("the client script exits 0", () => {
    expect(result?.code, report()).toBe(0);
    expect(result?.stdout).toContain(`all ${checks.length} checks passed`);
    expect(result?.stderr, report()).toBe("");
  });

  it.each(checks)("check %s passed", (name) => {
    const lines = result?.stdout.split("\n") ?? [];
    const failed = lines.find((line) => line.startsWith(`FAIL ${name}:`));
    expect(failed, report()).toBeUndefined();
    expect(
      lines.some((line) => line.startsWith(`ok ${name}:`)),
      `check ${name} did not run (an earlier check failed or the script skipped it)\n${report()}`,
    ).toBe(true);
  });

  it("the script runs exactly the checks this test expects", async () => {
    const listed = await runProcess(python, [clientScript, "--list"], { env: pythonEnv(), timeoutMs: 30_000 });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split("\n")).toEqual([...checks]);
  });
});

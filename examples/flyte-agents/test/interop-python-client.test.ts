// Interop with the official Python gRPC stack: the example agent server runs as a real subprocess
// (`node dist/main.js`), and test/interop/grpcio_client.py calls it with grpcio and the PyPI flyteidl stubs,
// exactly as FlytePropeller would; then test/interop/grpcio_client_v2.py calls the same process over Flyte 2's
// flyteidl2.connector with the PyPI flyteidl2 stubs. Every check the scripts run must print "ok <name>".
//
// Needs `npm run build` and the Python venv (`npm test` creates it when missing). Set AGENTWIRE_SKIP_PYTHON=1
// to skip on a machine without Python; a missing venv otherwise fails the suite on purpose.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort, pythonEnv, pythonSkipReason, pythonSuiteName, requirePython, runProcess, stopProcessGroup, type ProcessResult, type RunProcessOptions } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const serverEntry = join(repoRoot, "examples/flyte-agents/dist/main.js");
const clientScript = join(here, "interop/grpcio_client.py");
const clientScriptV2 = join(here, "interop/grpcio_client_v2.py");

/** Every check grpcio_client.py runs, in order. A check the script skipped or renamed fails here. */
const checks = [
  "list_agents",
  "get_agent",
  "get_agent_unknown",
  "async_succeeded",
  "get_task_deprecated_task_type",
  "async_failed",
  "async_delete",
  "async_delete_idempotent",
  "sync_http_request",
  "sync_unreachable",
  "create_missing_input",
  "create_unknown_task_type",
  "get_garbage_meta",
  "create_without_template",
  "still_serving",
  "health",
  "async_quick_exit_polled",
] as const;

const skipPython = pythonSkipReason() !== undefined;

/** Batch jobs run in their own process groups (they outlive the server on purpose): end any left over. */
function killLeftoverJobs(jobsDir: string): void {
  if (!existsSync(jobsDir)) return;
  for (const job of readdirSync(jobsDir)) {
    const pgidFile = join(jobsDir, job, "pgid");
    if (!existsSync(pgidFile)) continue;
    const pgid = Number(readFileSync(pgidFile, "utf8"));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // finished already
    }
  }
}

/** Runs grpcio_client.py with the venv's Python; `timeoutMs` is a safety net for a hung script, not a timing assertion. */
function runScript(args: string[], timeoutMs: number, onSpawn?: RunProcessOptions["onSpawn"], script = clientScript): Promise<ProcessResult> {
  return runProcess(requirePython(here), [script, ...args], { env: pythonEnv(), timeoutMs, onSpawn });
}

/** Every check grpcio_client_v2.py (Flyte 2's flyteidl2.connector, PyPI flyteidl2 stubs) runs, in order. */
const checksV2 = [
  "list_connectors",
  "get_connector",
  "async_succeeded",
  "async_failed",
  "secret_passed_never_echoed",
  "async_delete",
  "create_sync_refused",
  "create_missing_input",
  "flyte1_on_the_same_server",
] as const;

describe.skipIf(skipPython)(pythonSuiteName("example agents against the official Python grpcio client (flyteidl PyPI stubs)"), () => {
  let server: ChildProcess | undefined;
  let client: ChildProcess | undefined;
  let serverLog = (): string => "";
  let jobsDir = "";
  let result: ProcessResult | undefined;
  let resultV2: ProcessResult | undefined;

  beforeAll(async () => {
    requirePython(here);
    if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: run \`npm run build\` first`);
    jobsDir = mkdtempSync(join(tmpdir(), "agentwire-interop-jobs-"));
    const port = await freePort();
    server = spawn(process.execPath, [serverEntry], {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), BATCH_JOBS_DIR: jobsDir, LOG_LEVEL: "info" },
    });
    const output = captureOutput(server);
    serverLog = () => output.output();
    // The server logs "serving …" once it listens (or exits first, which fails here quoting its stderr).
    await output.waitFor('the "serving" log line', () => output.stderr().includes('"msg":"serving '), { timeoutMs: 60_000 });
    result = await runScript(["--target", `127.0.0.1:${port}`, "--jobs-dir", jobsDir], 110_000, (c) => (client = c));
    // Flyte 2's protocol against the same server process, after Flyte 1's checks.
    resultV2 = await runScript(["--target", `127.0.0.1:${port}`], 110_000, (c) => (client = c), clientScriptV2);
  });

  afterAll(async () => {
    await stopProcessGroup(client);
    await stopProcessGroup(server);
    if (jobsDir) {
      killLeftoverJobs(jobsDir);
      rmSync(jobsDir, { recursive: true, force: true });
    }
  });

  function report(): string {
    return `client stdout:\n${result?.stdout}\nclient stderr:\n${result?.stderr}\nserver log:\n${serverLog()}`;
  }

  it("the client script exits 0", () => {
    expect(result?.code, report()).toBe(0);
    expect(result?.stdout).toContain(`all ${checks.length} checks passed`);
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

  it("Flyte 2: the grpcio client on the PyPI flyteidl2 stubs passes every check against the same server process", () => {
    const report2 = `client stdout:\n${resultV2?.stdout}\nclient stderr:\n${resultV2?.stderr}\nserver log:\n${serverLog()}`;
    expect(resultV2?.code, report2).toBe(0);
    const lines = resultV2?.stdout.split("\n") ?? [];
    for (const name of checksV2) expect(lines.some((line) => line.startsWith(`ok ${name}:`)), `${name}\n${report2}`).toBe(true);
    expect(resultV2?.stdout).toContain(`all ${checksV2.length} checks passed`);
  });

  it("Flyte 2: the connection's secret never appears in the server's log, though the job printed it to stderr", () => {
    expect(resultV2?.stdout).toContain("ok secret_passed_never_echoed:");
    // The agent logs a failed job's stderr tail: the line is there, with the value redacted.
    const failedLine = serverLog().split("\n").find((line) => line.includes("batch job failed") && line.includes("was rejected"));
    expect(failedLine, serverLog()).toBeDefined();
    expect(failedLine).toContain("[redacted secret api_token]");
    expect(serverLog()).not.toContain("s3cr3t-v2-token");
  });

  it("the v2 script runs exactly the checks this test expects", async () => {
    const listed = await runScript(["--list"], 30_000, undefined, clientScriptV2);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split("\n")).toEqual([...checksV2]);
  });

  it("the script runs exactly the checks this test expects", async () => {
    const listed = await runScript(["--target", "unused", "--jobs-dir", "unused", "--list"], 30_000);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split("\n")).toEqual([...checks]);
  });
});

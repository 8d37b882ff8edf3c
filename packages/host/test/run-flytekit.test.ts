// `agentwire-host run flyte` against flytekit's own server (`pyflyte serve connector` with the connectors of
// packages/flyte/test/interop/flytekit_agent.py): the official Python peer, run as Propeller would run it.
// Needs the Python venv (`npm test` creates it); AGENTWIRE_SKIP_PYTHON=1 skips it.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonSkipReason, pythonSuiteName, runProcess, startFlytekitConnector, type FlytekitConnector } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "cli.js");
const sleepInterface = JSON.stringify({
  inputs: { n: "integer", polls: "integer", name: "string" },
  outputs: { o0: "integer", o1: "string", o2: "float", o3: "boolean", o4: "struct", o5: "datetime", o6: "duration" },
});

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("agentwire-host run flyte against flytekit's `pyflyte serve connector`"), () => {
  let server: FlytekitConnector | undefined;
  let endpoint = "";

  beforeAll(async () => {
    server = await startFlytekitConnector();
    endpoint = server.endpoint;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("an async flytekit connector: polled to SUCCEEDED, every output decoded with --interface", async () => {
    const result = await runProcess(process.execPath, [cli, "run", "flyte", "py_sleep", "--endpoint", endpoint, "--interface", sleepInterface, "--input", "n=3", "--input", "polls=2", "--input", "name=conf", "--poll", "0.1"], { timeoutMs: 110_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^py_sleep v0 at .*: async/);
    expect(result.stdout).toMatch(/\] RUNNING/);
    const outputs = JSON.parse(result.stdout.slice(result.stdout.indexOf("SUCCEEDED; outputs:\n") + "SUCCEEDED; outputs:\n".length)) as Record<string, unknown>;
    expect(outputs).toEqual({ o0: 6, o1: "hello conf", o2: 0.75, o3: false, o4: { n: 3, name: "conf", squares: [0, 1, 4] }, o5: "2024-01-05T03:04:05.000Z", o6: 3250 });
  });

  it("a sync flytekit connector with the template's custom, and one that fails: exit 1 with flytekit's message", async () => {
    const ok = await runProcess(process.execPath, [cli, "run", "flyte", "py_echo", "--endpoint", endpoint, "--input", "text=hi", "--custom", '{"prefix": ">> "}'], { timeoutMs: 110_000 });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^py_echo v0 at .*: sync \(ExecuteTaskSync\)/);
    expect(ok.stdout).toContain('"o0": ">> hi"');
    const failed = await runProcess(process.execPath, [cli, "run", "flyte", "py_echo", "--endpoint", endpoint, "--input", "text=fail"], { timeoutMs: 110_000 });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/refuses/);
  });
});

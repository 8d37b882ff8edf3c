// `agentwire-host run` as a person runs it: the built CLI (dist/cli.js; `npm run build` first) as a process,
// against the example agents started as real servers on free loopback ports.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, freePort, runProcess, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "agentwire-host-run-"));
const children: ChildProcess[] = [];

async function startExample(example: string): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(examples, example, "dist", "main.js")], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  const output = captureOutput(child);
  await waitForPort(port, { child, output: () => output.output() });
  return port;
}

function host(args: readonly string[]) {
  return runProcess(process.execPath, [cli, ...args], { timeoutMs: 120_000, env: { ...process.env, NO_COLOR: "1" } });
}

afterAll(async () => {
  await Promise.all(children.map((child) => stopProcessGroup(child)));
});

describe("agentwire-host run flyte, against examples/flyte-agents", () => {
  let endpoint: string;
  beforeAll(async () => {
    endpoint = `127.0.0.1:${await startExample("flyte-agents")}`;
  });

  it("runs an async task to SUCCEEDED, printing each phase and the outputs: exit 0", async () => {
    const result = await host(["run", "flyte", "batch_job", "--endpoint", endpoint, "--input", "script=printf 'a\\nb\\n'", "--poll", "0.1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^batch_job v0 at 127\.0\.0\.1:\d+: async \(CreateTask, then GetTask every 0\.1 s\)\n/);
    expect(result.stdout).toMatch(/\] QUEUED {2}launched\n/);
    expect(result.stdout).toMatch(/\] SUCCEEDED\n +log: stdout file:\/\//);
    expect(result.stdout).toContain('SUCCEEDED; outputs:\n{\n  "exit_code": 0,\n  "stdout": "a\\nb\\n"\n}\n');
  });

  it("a task that fails is exit 1 with its message; inputs from a YAML file, typed by --interface", async () => {
    const inputs = join(scratch, "inputs.yaml");
    writeFileSync(inputs, "script: |\n  echo 'disk full' >&2\n  exit 4\n");
    const result = await host(["run", "flyte", "batch_job", "--endpoint", endpoint, "--inputs", inputs, "--interface", "{inputs: {script: string}, outputs: {exit_code: integer, stdout: string}}", "--poll", "0.1"]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/\] FAILED {2}script exited with code 4; stderr \(tail\): disk full\n/);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("FAILED: script exited with code 4; stderr (tail): disk full");
  });

  it("--timeout sends DeleteTask and the task FAILS, as Propeller does: exit 1", async () => {
    const result = await host(["run", "flyte", "batch_job", "--endpoint", endpoint, "--input", "script=sleep 30", "--poll", "0.1", "--timeout", "0.5"]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/\] RUNNING\n/);
    expect(result.stdout).toMatch(/\] FAILED {2}task timed out: DeleteTask sent\n/);
    expect(result.stdout).toContain("the task ran past --timeout: DeleteTask was sent, as Propeller does, and the task FAILED");
  });

  it("Ctrl-C aborts a running task: DeleteTask (answered without error), ABORTED, exit 1", async () => {
    const child = spawn(process.execPath, [cli, "run", "flyte", "batch_job", "--endpoint", endpoint, "--input", "script=sleep 30", "--poll", "0.1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const output = captureOutput(child);
    await output.waitFor("RUNNING", () => /\] RUNNING\n/.test(output.stdout()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(1);
    expect(output.stdout()).toMatch(/\] ABORTED {2}aborted: DeleteTask sent\n/);
    expect(output.stdout()).toContain("interrupted: DeleteTask was sent, as Propeller does on abort");
    // A DeleteTask the agent refused would be printed as "the agent answered <code>: …".
    expect(output.stdout()).not.toContain("the agent answered");
  });

  it("routes a sync task type through ExecuteTaskSync, with the template's custom struct", async () => {
    const result = await host(["run", "flyte", "http_request", "--endpoint", endpoint, "--input", "body=", "--custom", "{method: GET}"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^http_request v0 at .*: sync \(ExecuteTaskSync\)\n/);
    expect(result.stdout).toMatch(/FAILED: task type http_request: custom\.url/);
  });

  it("a task type the server does not list: says what Propeller would do, and the agent's NOT_FOUND", async () => {
    const result = await host(["run", "flyte", "no_such_task", "--endpoint", endpoint]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^warning: no_such_task v0 is not listed by ListAgents at .* \(it lists batch_job v0, http_request v0\); Propeller would still send it to its default connector/);
    expect(result.stdout).toMatch(/the agent answered NotFound: no agent for task type "no_such_task"/);
  });

  it("could not run: exit 2, said once, naming why", async () => {
    const closed = await freePort();
    const nothing = await host(["run", "flyte", "batch_job", "--endpoint", `127.0.0.1:${closed}`, "--input", "script=true"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe(`agentwire-host: nothing answered ListAgents at 127.0.0.1:${closed} (Unavailable: connect ECONNREFUSED 127.0.0.1:${closed}); start the agent server, or check --endpoint\n`);
    const cases: Array<[string[], RegExp]> = [
      [["--endpoint", "localhost"], /--endpoint: expected HOST:PORT \(such as 127\.0\.0\.1:8000\), got "localhost"/],
      [["--endpoint", endpoint, "--input", "script"], /--input "script": expected NAME=VALUE/],
      [["--endpoint", endpoint, "--inputs", join(scratch, "missing.yaml")], /--inputs .*missing\.yaml: no such file/],
      [["--endpoint", endpoint, "--interface", "{inputs: {script: text}}"], /--interface inputs: unknown Flyte type "text"/],
      [["--endpoint", endpoint, "--interface", "{inputs: {script: integer}}", "--input", "script=hello"], /the inputs do not fit the task's interface: .*script/],
      [["--endpoint", endpoint, "--timeout", "soon"], /--timeout "soon": expected a number of seconds greater than 0/],
      [["--endpoint", endpoint, "--version", "-1"], /--version "-1": expected the task type's version/],
    ];
    for (const [args, message] of cases) {
      const result = await host(["run", "flyte", "batch_job", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
    const bad = join(scratch, "bad.yaml");
    writeFileSync(bad, "script: ok\n  nested: [\n");
    const yaml = await host(["run", "flyte", "batch_job", "--endpoint", endpoint, "--inputs", bad]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/--inputs .*bad\.yaml:\d+: not valid JSON or YAML/);
  });
});

describe("agentwire-host run activeworkflow, against examples/activeworkflow-agents", () => {
  let base: string;
  beforeAll(async () => {
    base = `http://127.0.0.1:${await startExample("activeworkflow-agents")}`;
  });

  it("receive: registers, calls, and prints what ActiveWorkflow would apply, numbers exact: exit 0", async () => {
    const result = await host(["run", "activeworkflow", "--url", `${base}/digest`, "--receive", '{"title":"a","id":12345678901234567891}', "--options", '{"max_items":1}', "--credential", "token=s3cr3t"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        'register: "DigestAgent" (display name "Digest Agent"), default options {"max_items":100}',
        'receive: options {"max_items":1}, memory {}, credentials token',
        "  log: emitted a digest of 1 message",
        '  memory (replaced): {"queue":[]}',
        '  message: {"count":1,"items":[{"title":"a","id":12345678901234567891}]}',
        "OK: ActiveWorkflow applies this answer as it is",
        "",
      ].join("\n"),
    );
    expect(result.stdout).not.toContain("s3cr3t");
  });

  it("check with the agent's default options and a given memory", async () => {
    const result = await host(["run", "activeworkflow", "--url", `${base}/digest`, "--check", "--memory", '{"queue":[{"t":1}]}']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('check: options {"max_items":100}, memory {"queue":[{"t":1}]}');
    expect(result.stdout).toContain('  message: {"count":1,"items":[{"t":1}]}');
  });

  it("an agent that reports an error is exit 1, the error shown", async () => {
    const closed = await freePort();
    const result = await host(["run", "activeworkflow", "--url", `${base}/http-status`, "--check", "--options", JSON.stringify({ url: `http://127.0.0.1:${closed}/`, changes_only: false, timeout_ms: 2000 })]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ {2}error: GET http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED/);
    expect(result.stdout).toContain("  no message emitted");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("FAILED: the agent reported 1 error");
  });

  it("could not run: exit 2, naming why", async () => {
    const closed = await freePort();
    const cases: Array<[string[], RegExp]> = [
      [["--url", `${base}/digest`], /give exactly one of --receive PAYLOAD_JSON or --check/],
      [["--url", `${base}/digest`, "--check", "--receive", "{}"], /give exactly one of --receive PAYLOAD_JSON or --check/],
      [["--url", `${base}/digest`, "--receive", "[1]"], /--receive: expected a JSON object such as \{"key": "value"\}, got \[1\]/],
      [["--url", `${base}/digest`, "--check", "--options", "{max_items: 1}"], /--options: not valid JSON/],
      [["--url", `${base}/digest`, "--check", "--credential", "token"], /--credential "token": expected NAME=VALUE/],
      [["--url", "ftp://example.com/x", "--check"], /--url: expected an http:\/\/ or https:\/\/ URL/],
      [["--url", `http://127.0.0.1:${closed}/digest`, "--check"], new RegExp(`register at http://127\\.0\\.0\\.1:${closed}/digest got no answer ActiveWorkflow could boot with: .*ECONNREFUSED`)],
    ];
    for (const [args, message] of cases) {
      const result = await host(["run", "activeworkflow", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

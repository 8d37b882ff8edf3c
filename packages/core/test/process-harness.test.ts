// The process harness against real processes: `node -e` servers and sleepers spawned as a test or host would,
// and the repository's Python venv.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureOutput, freePort, freePorts, processOutput, pythonEnv, pythonInterpreter, pythonSkipReason, pythonSuiteName, requirePython, runProcess, stopProcessGroup, terminateProcess, waitForPort, type CapturedOutput } from "../src/index.js";

const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

/** `node -e script` in its own process group, with its output captured. */
function node(script: string, options: { detached?: boolean } = {}): { child: ChildProcess; output: () => string; captured: CapturedOutput } {
  const child = spawn(process.execPath, ["-e", script], { detached: options.detached ?? true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const captured = captureOutput(child);
  return { child, output: captured.output, captured };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** True once `pid` is gone; a zombie nobody reaped yet (PID 1 in a container may not) counts as gone. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("freePort / freePorts", () => {
  it("returns a port that can be bound", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canListen(port)).toBe(true);
  });

  it("returns distinct ports, all bindable", async () => {
    const ports = await freePorts(8);
    expect(ports).toHaveLength(8);
    expect(new Set(ports).size).toBe(8);
    for (const port of ports) expect(await canListen(port)).toBe(true);
  });
});

describe("waitForPort", () => {
  it("resolves once the child listens", async () => {
    const port = await freePort();
    const { child, output } = node(
      `setTimeout(() => require("node:net").createServer().listen(${port}, "127.0.0.1"), 300)`,
    );
    const started = Date.now();
    await waitForPort(port, { child, timeoutMs: 20_000, output });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(child.exitCode).toBeNull();
    expect(await canListen(port)).toBe(false);
  });

  it("rejects naming the exit code and with the output when the child exits first", async () => {
    const port = await freePort();
    const { child, output } = node(`process.stderr.write("cannot start: boom\\n"); process.exit(3)`);
    const waiting = waitForPort(port, { child, timeoutMs: 20_000, output });
    await expect(waiting).rejects.toThrow(/exited with code 3 before listening on 127\.0\.0\.1:\d+/);
    await expect(waiting).rejects.toThrow(/cannot start: boom/);
  });

  it("rejects once the limit passes when nothing listens", async () => {
    const port = await freePort();
    await expect(waitForPort(port, { timeoutMs: 200, output: () => "the log" })).rejects.toThrow(
      new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port} after 200 ms:\\nthe log`),
    );
  });
});

describe("stopProcessGroup", () => {
  it("stops the child and the grandchild it started in its group", async () => {
    const { child, captured } = node(
      `const sleeper = require("node:child_process").spawn("sleep", ["1000"], { stdio: "ignore" }); console.log(sleeper.pid); setInterval(() => {}, 1000)`,
    );
    const grandchild = Number(await captured.firstLine());
    expect(Number.isInteger(grandchild) && grandchild > 1).toBe(true);
    expect(isGone(grandchild)).toBe(false);
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
    expect(await eventually(() => isGone(grandchild), 5000), `sleep (pid ${grandchild}) still running`).toBe(true);
  });

  it("sends SIGKILL after graceMs to a child that ignores SIGTERM", async () => {
    const { child, captured } = node(`process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    const started = Date.now();
    await stopProcessGroup(child, { graceMs: 300 });
    expect(child.signalCode).toBe("SIGKILL");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("signals the child alone when it was not spawned detached", async () => {
    const { child, captured } = node(`console.log("ready"); setInterval(() => {}, 1000)`, { detached: false });
    await captured.firstLine();
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
  });

  it("is harmless for undefined and for a child that already exited", async () => {
    await stopProcessGroup(undefined);
    const { child } = node("");
    await exited(child);
    await stopProcessGroup(child);
    expect(child.exitCode).toBe(0);
  });
});

describe("captureOutput", () => {
  it("keeps stdout, stderr and both interleaved, decoding UTF-8 split across chunks", async () => {
    // "é" is 0xC3 0xA9: written as two chunks, half a character each.
    const { child, captured } = node(
      `process.stdout.write(Buffer.from([0xc3])); setTimeout(() => { process.stdout.write(Buffer.from([0xa9, 0x0a])); process.stderr.write("err\\n"); }, 100)`,
    );
    await exited(child);
    await captured.waitFor("stderr", () => captured.stderr() === "err\n");
    expect(captured.stdout()).toBe("é\n");
    expect(captured.stderr()).toBe("err\n");
    expect(captured.output()).toBe("é\nerr\n");
  });

  it("firstLine resolves with the first stdout line, also once it is already out", async () => {
    const { captured } = node(`console.log("1|1|tcp|127.0.0.1:1234|grpc"); console.log("second"); setInterval(() => {}, 1000)`);
    expect(await captured.firstLine()).toBe("1|1|tcp|127.0.0.1:1234|grpc");
    await captured.waitFor("the second line", () => captured.stdout().includes("second\n"));
    expect(await captured.firstLine()).toBe("1|1|tcp|127.0.0.1:1234|grpc");
  });

  it("waitFor resolves with what found() returns, checked as output arrives", async () => {
    const { captured } = node(`setTimeout(() => console.error('{"msg":"serving on 127.0.0.1:4321"}'), 200); setInterval(() => {}, 1000)`);
    const port = await captured.waitFor("the serving line", () => /serving on [^:]+:(\d+)/.exec(captured.stderr())?.[1]);
    expect(port).toBe("4321");
  });

  it("waitFor rejects naming the exit and quoting stderr when the child exits first", async () => {
    const { captured } = node(`console.error("cannot start: boom"); process.exit(3)`);
    await expect(captured.firstLine()).rejects.toThrow(/exited \(code 3\) before a line on stdout; stderr:\ncannot start: boom/);
  });

  it("waitFor rejects once the limit passes", async () => {
    const { captured } = node(`console.error("still starting"); setInterval(() => {}, 1000)`);
    await expect(captured.firstLine({ timeoutMs: 300 })).rejects.toThrow(/a line on stdout not seen after 300 ms; stderr:\nstill starting/);
  });
});

describe("terminateProcess", () => {
  it("sends SIGTERM and reports the exit code and how long it took", async () => {
    const { child, captured } = node(`process.on("SIGTERM", () => setTimeout(() => process.exit(0), 100)); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    const exit = await terminateProcess(child);
    expect(exit).toMatchObject({ code: 0, signal: null, killed: false });
    expect(exit.ms).toBeGreaterThanOrEqual(50);
    expect(exit.ms).toBeLessThan(2000);
  });

  it("sends SIGKILL after graceMs and says so", async () => {
    const { child, captured } = node(`process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    const exit = await terminateProcess(child, { graceMs: 300 });
    expect(exit).toMatchObject({ code: null, signal: "SIGKILL", killed: true });
    expect(exit.ms).toBeGreaterThanOrEqual(250);
  });

  it("resolves at once for a child that already exited", async () => {
    const { child } = node("process.exit(4)");
    await exited(child);
    expect(await terminateProcess(child)).toEqual({ code: 4, signal: null, killed: false, ms: 0 });
  });
});

describe("runProcess / processOutput", () => {
  it("resolves with the exit code, stdout and stderr, feeding input on stdin, in cwd with env", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentwire-run-"));
    try {
      const script = `let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { console.log(s.toUpperCase(), process.cwd(), process.env.RUN_TEST); console.error("warn"); process.exit(2); })`;
      const result = await runProcess(process.execPath, ["-e", script], { cwd: dir, env: { ...process.env, RUN_TEST: "yes" }, input: "héllo" });
      expect(result).toEqual({ code: 2, signal: null, stdout: `HÉLLO ${dir} yes\n`, stderr: "warn\n", timedOut: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the child /dev/null as stdin without input", async () => {
    const result = await runProcess(process.execPath, ["-e", `let n = 0; process.stdin.on("data", (d) => (n += d.length)).on("end", () => console.log(n))`]);
    expect(result).toMatchObject({ code: 0, stdout: "0\n" });
  });

  it("stops the whole process group at the time limit", async () => {
    let child: ChildProcess | undefined;
    const started = Date.now();
    const result = await runProcess(
      process.execPath,
      ["-e", `const s = require("node:child_process").spawn("sleep", ["1000"], { stdio: "ignore" }); console.log(s.pid); setInterval(() => {}, 1000)`],
      { timeoutMs: 500, onSpawn: (c) => (child = c) },
    );
    expect(child?.pid).toBeGreaterThan(1);
    expect(result).toMatchObject({ code: null, signal: "SIGTERM", timedOut: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(result.stdout.trim());
    expect(await eventually(() => isGone(grandchild), 5000), `sleep (pid ${grandchild}) still running`).toBe(true);
  });

  it("rejects when the command cannot be started", async () => {
    await expect(runProcess("/nonexistent/agentwire-command", [])).rejects.toThrow(/ENOENT/);
  });

  it("processOutput resolves with stdout on exit 0 and rejects quoting stderr otherwise", async () => {
    expect(await processOutput(process.execPath, ["-e", `console.log("fine")`])).toBe("fine\n");
    await expect(processOutput(process.execPath, ["-e", `console.error("it broke"); process.exit(5)`])).rejects.toThrow(
      /^node -e .* exited with code 5:\nit broke\n$/,
    );
    await expect(processOutput(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 200 })).rejects.toThrow(/was stopped after 200 ms/);
  });
});

describe("pythonInterpreter / requirePython", () => {
  let root = "";
  let nested = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "agentwire-venv-"));
    nested = join(root, "packages/pkg/test");
    mkdirSync(join(root, ".venv/bin"), { recursive: true });
    mkdirSync(nested, { recursive: true });
    for (const name of ["python", "pyflyte"]) {
      writeFileSync(join(root, ".venv/bin", name), "#!/bin/sh\n");
      chmodSync(join(root, ".venv/bin", name), 0o755);
    }
    writeFileSync(join(nested, "some.test.ts"), "");
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("finds .venv/bin/<name> in the start folder or above it, from a path or a file: URL", () => {
    expect(pythonInterpreter(root)).toBe(join(root, ".venv/bin/python"));
    expect(pythonInterpreter(nested)).toBe(join(root, ".venv/bin/python"));
    expect(pythonInterpreter(pathToFileURL(join(nested, "some.test.ts")))).toBe(join(root, ".venv/bin/python"));
    expect(pythonInterpreter(pathToFileURL(join(nested, "some.test.ts")).href, "pyflyte")).toBe(join(root, ".venv/bin/pyflyte"));
    expect(requirePython(nested)).toBe(join(root, ".venv/bin/python"));
  });

  it("finds nothing where no folder up to / has a venv, and requirePython says how to make one", () => {
    expect(pythonInterpreter(nested, "no-such-tool")).toBeUndefined();
    expect(() => requirePython(nested, "no-such-tool")).toThrow(
      `no .venv/bin/no-such-tool in ${nested} or a folder above it: run \`bash scripts/setup-python.sh\` to create it (or set AGENTWIRE_SKIP_PYTHON=1 to skip the Python interop tests)`,
    );
  });
});

describe("pythonSkipReason / pythonSuiteName / pythonEnv", () => {
  it("skips on AGENTWIRE_SKIP_PYTHON=1 only, naming the reason in the suite", () => {
    expect(pythonSkipReason({ AGENTWIRE_SKIP_PYTHON: "1" })).toBe("AGENTWIRE_SKIP_PYTHON=1");
    expect(pythonSkipReason({ AGENTWIRE_SKIP_PYTHON: "0" })).toBeUndefined();
    expect(pythonSkipReason({})).toBeUndefined();
    expect(pythonSuiteName("interop", { AGENTWIRE_SKIP_PYTHON: "1" })).toBe("interop (skipped: AGENTWIRE_SKIP_PYTHON=1)");
    expect(pythonSuiteName("interop", {})).toBe("interop");
  });

  it("runs Python unbuffered, without writing bytecode, keeping the rest of the environment", () => {
    expect(pythonEnv({ PATH: "/bin", PYTHONUNBUFFERED: "0" })).toEqual({ PATH: "/bin", PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" });
  });
});

const skipPython = pythonSkipReason() !== undefined;

describe.skipIf(skipPython)(pythonSuiteName("the repository's venv, found from this test file"), () => {
  it("runs a script with it", async () => {
    const python = requirePython(import.meta.url);
    expect(python).toMatch(/\/\.venv\/bin\/python$/);
    const script = "import os, sys; print(sys.version_info[0], os.environ.get('PYTHONDONTWRITEBYTECODE'), sys.stdin.read())";
    const result = await runProcess(python, ["-c", script], { env: pythonEnv(), input: "from stdin", timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, signal: null, stdout: "3 1 from stdin\n", stderr: "", timedOut: false });
  });
});

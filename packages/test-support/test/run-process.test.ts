// runProcess / processOutput (on tinyexec) against real commands.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processOutput, runProcess } from "../src/index.js";

describe("runProcess", () => {
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

  it("gives the command exactly env: nothing of ours merged in, no node_modules/.bin put on PATH", async () => {
    const result = await runProcess(process.execPath, ["-e", "console.log(JSON.stringify(process.env))"], { env: { PATH: "/usr/bin:/bin", ONLY: "this" } });
    expect(JSON.parse(result.stdout)).toEqual({ PATH: "/usr/bin:/bin", ONLY: "this" });
  });

  it("gives the child /dev/null as stdin without input", async () => {
    const result = await runProcess(process.execPath, ["-e", `let n = 0; process.stdin.on("data", (d) => (n += d.length)).on("end", () => console.log(n))`]);
    expect(result).toMatchObject({ code: 0, stdout: "0\n" });
  });

  it("is not troubled by a command that exits without reading its input", async () => {
    const result = await runProcess(process.execPath, ["-e", "process.exit(0)"], { input: "x".repeat(1 << 20) });
    expect(result).toMatchObject({ code: 0, timedOut: false });
  });

  it("stops the whole process group at the time limit", async () => {
    let child: ChildProcess | undefined;
    // The grandchild inherits stdout: runProcess resolves once that pipe closes, so only once it is gone too.
    const result = await runProcess(
      process.execPath,
      ["-e", `const s = require("node:child_process").spawn("sleep", ["1000"], { stdio: ["ignore", "inherit", "ignore"] }); console.log(s.pid); setInterval(() => {}, 1000)`],
      { timeoutMs: 2000, onSpawn: (c) => (child = c) },
    );
    expect(child?.pid).toBeGreaterThan(1);
    expect(result).toMatchObject({ code: null, signal: "SIGTERM", timedOut: true });
    expect(result.stdout).toMatch(/^\d+\n$/);
  });

  it("rejects when the command cannot be started", async () => {
    await expect(runProcess("/nonexistent/agentwire-command", [])).rejects.toThrow(/ENOENT/);
  });
});

describe("processOutput", () => {
  it("resolves with stdout on exit 0 and rejects quoting stderr otherwise", async () => {
    expect(await processOutput(process.execPath, ["-e", `console.log("fine")`])).toBe("fine\n");
    await expect(processOutput(process.execPath, ["-e", `console.error("it broke"); process.exit(5)`])).rejects.toThrow(
      /^node -e .* exited with code 5:\nit broke\n$/,
    );
    await expect(processOutput(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 200 })).rejects.toThrow(/was stopped after 200 ms/);
  });

  it("quotes only the tail of a long stderr", async () => {
    const error = await processOutput(process.execPath, ["-e", `for (let i = 1; i <= 100; i++) console.error("line " + i); process.exit(1)`]).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/exited with code 1:\n\[… \d+ earlier characters not shown\]\nline 61\n/);
    expect(error?.message).not.toMatch(/line 60\n/);
  });
});

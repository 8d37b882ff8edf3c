// What the Python interop tests share: the venv's interpreter, the skip switch, and running a script.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stopProcessGroup } from "@agentwire/core";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
export const python = join(repoRoot, ".venv/bin/python");
export const interopDir = join(here, "interop");

/** `AGENTWIRE_SKIP_PYTHON=1` skips the Python interop suites (the reason goes in the suite name). */
export const skipPython = process.env.AGENTWIRE_SKIP_PYTHON === "1";

export function suiteName(name: string): string {
  return skipPython ? `${name} (skipped: AGENTWIRE_SKIP_PYTHON=1)` : name;
}

/** Fails with what to do when the venv is missing: a missing interpreter must not pass as a skip. */
export function requirePython(): void {
  if (!existsSync(python)) {
    throw new Error(
      `${python} is missing: run \`bash scripts/setup-python.sh\` to create the venv ` +
        "(or set AGENTWIRE_SKIP_PYTHON=1 to skip the Python interop tests)",
    );
  }
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python script to completion in its own process group; `limitMs` is a safety net for a hung script. */
export function runPython(args: string[], limitMs: number, track: (child: ChildProcess) => void = () => {}): Promise<ScriptResult> {
  return new Promise((ok, fail) => {
    const child = spawn(python, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    });
    track(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => void stopProcessGroup(child), limitMs);
    child.once("error", fail);
    child.once("close", (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

// What the Python interop test needs: the repo venv's interpreter (`bash scripts/setup-python.sh`), the skip
// switch, and running a script to completion. AGENTWIRE_SKIP_PYTHON=1 skips; a missing venv otherwise fails.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
export const python = join(repoRoot, ".venv/bin/python");
export const skipPython = process.env.AGENTWIRE_SKIP_PYTHON === "1";

export function suiteName(name: string): string {
  return skipPython ? `${name} (skipped: AGENTWIRE_SKIP_PYTHON=1)` : name;
}

export function requirePython(): void {
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: run \`bash scripts/setup-python.sh\` (or set AGENTWIRE_SKIP_PYTHON=1 to skip)`);
  }
}

/** Runs the venv's Python on `args`; resolves with stdout, rejects with stderr. */
export function runPython(args: string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(python, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

// The repository's Python venv (`.venv`, the pinned official peers: flytekit, grpcio, python-hcl2, …) for
// interop tests: finding its programs, the environment a Python child runs in, and the one way to skip.
// `npm test` creates the venv by itself when it is missing (see global-setup.ts); a test never skips because
// it is missing. Only `AGENTWIRE_SKIP_PYTHON=1`, set by a person, skips the Python suites, and the skipped
// suite's name says so.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Set to `1`, it skips the Python interop tests (the reason goes in the suite's name); unset, a missing venv fails them. */
export const SKIP_PYTHON_ENV = "AGENTWIRE_SKIP_PYTHON";

const setupHint =
  "`npm test` (or `npx vitest run <file>`) creates it before the tests run; `bash scripts/setup-python.sh` does it by hand. " +
  `Set ${SKIP_PYTHON_ENV}=1 to skip the Python interop tests instead`;

function startDir(from: string | URL): string {
  return typeof from === "string" && !from.startsWith("file:") ? resolve(from) : fileURLToPath(from);
}

/**
 * The repository venv's `.venv/bin/<name>` (`python` by default; `pyflyte`, `pip`, ... too) in `from` or the
 * nearest folder above it that has one, or undefined if none does. `from` may be a folder or a file, as a
 * path or a `file:` URL (a test's `import.meta.url`).
 *
 * ```ts
 * const pyflyte = pythonInterpreter(import.meta.url, "pyflyte");
 * ```
 */
export function pythonInterpreter(from: string | URL = process.cwd(), name = "python"): string | undefined {
  for (let dir = startDir(from); ; dir = dirname(dir)) {
    const candidate = join(dir, ".venv", "bin", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `pythonInterpreter(from, name)`, or an error saying how to create the venv: a missing interpreter fails a
 * test, it does not pass as a skip (skipping is `AGENTWIRE_SKIP_PYTHON=1`'s job; see `pythonSkipReason`).
 *
 * ```ts
 * beforeAll(() => void requirePython(import.meta.url));
 * ```
 */
export function requirePython(from: string | URL = process.cwd(), name = "python"): string {
  const found = pythonInterpreter(from, name);
  if (found === undefined) throw new Error(`no .venv/bin/${name} in ${startDir(from)} or a folder above it: ${setupHint}`);
  return found;
}

/**
 * Why the Python interop tests are skipped (`AGENTWIRE_SKIP_PYTHON=1`), or undefined if they run. Nothing else
 * skips them: not a missing venv, not a missing `python3`.
 *
 * ```ts
 * describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("grpcio client"), () => { … });
 * ```
 */
export function pythonSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SKIP_PYTHON_ENV] === "1" ? `${SKIP_PYTHON_ENV}=1` : undefined;
}

/** A Python suite's name, with the reason appended when it is skipped, so a skipped suite says why. */
export function pythonSuiteName(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const reason = pythonSkipReason(env);
  return reason === undefined ? name : `${name} (skipped: ${reason})`;
}

/** `env` for a Python child: output unbuffered (a log is current when read), no `__pycache__` written into the tree. */
export function pythonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" };
}

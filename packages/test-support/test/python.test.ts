// Finding the venv, the one opt-out, and the repository's real venv (which globalSetup provisioned).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonEnv, pythonInterpreter, pythonSkipReason, pythonSuiteName, requirePython, runProcess, SKIP_PYTHON_ENV } from "../src/index.js";

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

  it("finds nothing where no folder up to / has one, and requirePython fails saying how to make it or skip", () => {
    expect(pythonInterpreter(nested, "no-such-tool")).toBeUndefined();
    expect(() => requirePython(nested, "no-such-tool")).toThrow(
      `no .venv/bin/no-such-tool in ${nested} or a folder above it: \`npm test\` (or \`npx vitest run <file>\`) creates it before the tests run; ` +
        "`bash scripts/setup-python.sh` does it by hand. Set AGENTWIRE_SKIP_PYTHON=1 to skip the Python interop tests instead",
    );
  });
});

describe("pythonSkipReason / pythonSuiteName / pythonEnv", () => {
  it("skips on AGENTWIRE_SKIP_PYTHON=1 and nothing else, naming the reason in the suite", () => {
    expect(SKIP_PYTHON_ENV).toBe("AGENTWIRE_SKIP_PYTHON");
    expect(pythonSkipReason({ AGENTWIRE_SKIP_PYTHON: "1" })).toBe("AGENTWIRE_SKIP_PYTHON=1");
    for (const value of ["0", "", "true", "yes"]) expect(pythonSkipReason({ AGENTWIRE_SKIP_PYTHON: value })).toBeUndefined();
    expect(pythonSkipReason({})).toBeUndefined();
    expect(pythonSuiteName("interop", { AGENTWIRE_SKIP_PYTHON: "1" })).toBe("interop (skipped: AGENTWIRE_SKIP_PYTHON=1)");
    expect(pythonSuiteName("interop", {})).toBe("interop");
  });

  it("runs Python unbuffered, without writing bytecode, keeping the rest of the environment", () => {
    expect(pythonEnv({ PATH: "/bin", PYTHONUNBUFFERED: "0" })).toEqual({ PATH: "/bin", PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" });
  });
});

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("the repository's venv, found from this test file"), () => {
  it("runs a script with it", async () => {
    const python = requirePython(import.meta.url);
    expect(python).toMatch(/\/\.venv\/bin\/python$/);
    const script = "import os, sys; print(sys.version_info[0], os.environ.get('PYTHONDONTWRITEBYTECODE'), sys.stdin.read())";
    const result = await runProcess(python, ["-c", script], { env: pythonEnv(), input: "from stdin", timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, signal: null, stdout: "3 1 from stdin\n", stderr: "", timedOut: false });
  });
});

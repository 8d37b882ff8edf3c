// provisionPython and provisionGo: the opt-outs, the failures that say what is missing, and creating then
// reusing, on a scratch copy of the repository's layout with stand-ins for python3, pip and go (so nothing is
// downloaded); then the real repository, which globalSetup has provisioned before this file ran.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goSkipReason, goSuiteName, provisionGo, provisionPython, pythonSkipReason, pythonSuiteName } from "../src/index.js";

const setupScript = fileURLToPath(new URL("../../../scripts/setup-python.sh", import.meta.url));

function executable(path: string, text: string): string {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

let root = "";
let lines: string[] = [];
const log = (line: string) => void lines.push(line);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "agentwire-provision-"));
  lines = [];
});
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("provisionPython", () => {
  /** The repository's real setup script and a requirements file, and a python3 stand-in whose venv's pip does nothing (or fails). */
  function scratchRepo(): NodeJS.ProcessEnv {
    mkdirSync(join(root, "scripts"));
    copyFileSync(setupScript, join(root, "scripts/setup-python.sh"));
    writeFileSync(join(root, "scripts/python-requirements.txt"), "flytekit==1.16.31\n");
    const python3 = executable(
      join(root, "python3"),
      `#!/bin/sh
if [ "$1" = "-c" ]; then echo "3.11.7"; exit 0; fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "flytekit 1.16.31 grpcio 1.85.1"\\n' > "$3/bin/python"
  printf '#!/bin/sh\\nif [ "$FAKE_PIP_FAIL" = 1 ]; then echo "ERROR: could not reach the package index" >&2; exit 1; fi\\n' > "$3/bin/pip"
  chmod +x "$3/bin/python" "$3/bin/pip"
  exit 0
fi
exit 2
`,
    );
    return { PATH: process.env.PATH, AGENTWIRE_PYTHON: python3 };
  }

  it("does nothing on AGENTWIRE_SKIP_PYTHON=1 but say so", async () => {
    expect(await provisionPython({ root: "/nonexistent", env: { AGENTWIRE_SKIP_PYTHON: "1" }, log })).toBe("skipped");
    expect(lines).toEqual(["agentwire: AGENTWIRE_SKIP_PYTHON=1: not checking .venv; the Python interop suites are skipped"]);
  });

  it("creates .venv once, says so, and finds it up to date the next time", async () => {
    const env = scratchRepo();
    expect(await provisionPython({ root, env, log })).toBe("provisioned");
    expect(lines).toEqual([
      "agentwire: creating .venv with the pinned Python peers (flytekit, grpcio, grpcio-tools, python-hcl2, …) with Python 3.11.7 — first run only, ~1 min",
      expect.stringMatching(/^agentwire: \.venv ready in \d+ s \(flytekit 1\.16\.31 grpcio 1\.85\.1\)$/),
    ]);
    lines = [];
    expect(await provisionPython({ root, env, log })).toBe("up-to-date");
    expect(lines).toEqual(["agentwire: python peers up to date (.venv)"]);
  });

  it("updates .venv when the requirements change", async () => {
    const env = scratchRepo();
    await provisionPython({ root, env, log });
    writeFileSync(join(root, "scripts/python-requirements.txt"), "flytekit==1.16.32\n");
    lines = [];
    expect(await provisionPython({ root, env, log })).toBe("provisioned");
    expect(lines[0]).toMatch(/^agentwire: updating \.venv: scripts\/python-requirements\.txt changed/);
  });

  it("fails naming the missing Python, how to install it and how to skip, when there is none", async () => {
    const env = { ...scratchRepo(), AGENTWIRE_PYTHON: join(root, "no-such-python3") };
    const error = await provisionPython({ root, env, log }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/^agentwire: the Python interop suites need \.venv .* there is no Python ≥ 3\.9 with its venv module to create it: `.*\/no-such-python3` cannot be run \(spawn .*ENOENT\)/);
    expect(error?.message).toMatch(/Install Python 3\.11 .* or set AGENTWIRE_SKIP_PYTHON=1 to skip the Python interop suites\.$/);
    expect(lines).toEqual([]);
  });

  it("fails quoting pip when the install fails, and leaves the venv unstamped", async () => {
    const env = { ...scratchRepo(), FAKE_PIP_FAIL: "1" };
    await expect(provisionPython({ root, env, log })).rejects.toThrow(
      /`bash scripts\/setup-python.sh` failed \(code 1\), so \.venv is not ready:\nERROR: could not reach the package index\n.*AGENTWIRE_SKIP_PYTHON=1/,
    );
    // Not marked up to date: the next run tries again.
    const retry = await provisionPython({ root, env: { ...env, FAKE_PIP_FAIL: "0" }, log });
    expect(retry).toBe("provisioned");
  });
});

describe("provisionGo", () => {
  /** The module folder, and a go stand-in whose "module cache" is a file that `go mod download` creates. */
  function scratchGo(): { env: NodeJS.ProcessEnv; go: string } {
    mkdirSync(join(root, "packages/agentplatform/test/interop/hclcheck"), { recursive: true });
    mkdirSync(join(root, "scripts/bench-kit/grpcload"), { recursive: true });
    const go = executable(
      join(root, "go"),
      `#!/bin/sh
case "$1 $2" in
  "env GOVERSION") echo go1.99.0 ;;
  "mod download")
    if [ "$FAKE_GO_FAIL" = 1 ]; then echo "go: github.com/hashicorp/hcl/v2@v2.25.0: no route to the proxy" >&2; exit 1; fi
    if [ -f "$FAKE_GO_CACHE-$(basename "$PWD")" ]; then exit 0; fi
    if [ "$GOPROXY" = off ]; then echo "go: module lookup disabled by GOPROXY=off" >&2; exit 1; fi
    touch "$FAKE_GO_CACHE-$(basename "$PWD")" ;;
  *) exit 2 ;;
esac
`,
    );
    return { env: { PATH: process.env.PATH, FAKE_GO_CACHE: join(root, "cached") }, go };
  }

  it("does nothing on AGENTWIRE_SKIP_GO=1 but say so", async () => {
    expect(await provisionGo({ root: "/nonexistent", env: { AGENTWIRE_SKIP_GO: "1" }, go: "/nonexistent/go", log })).toBe("skipped");
    expect(lines).toEqual(["agentwire: AGENTWIRE_SKIP_GO=1: not checking the Go modules; the Go interop suites are skipped"]);
  });

  it("downloads the modules once, says so, and finds them cached the next time", async () => {
    const { env, go } = scratchGo();
    expect(await provisionGo({ root, env, go, log })).toBe("provisioned");
    expect(lines).toEqual([
      "agentwire: downloading the Go modules of packages/agentplatform/test/interop/hclcheck (github.com/hashicorp/hcl/v2, go-cty, …) into Go's module cache with go1.99.0 — first run only",
      "agentwire: downloading the Go modules of scripts/bench-kit/grpcload (google.golang.org/grpc, google.golang.org/protobuf, …) into Go's module cache with go1.99.0 — first run only",
      expect.stringMatching(/^agentwire: go modules ready in \d+ s$/),
    ]);
    lines = [];
    expect(await provisionGo({ root, env, go, log })).toBe("up-to-date");
    expect(lines).toEqual(["agentwire: go modules up to date (hclcheck, grpcload, go1.99.0)"]);
  });

  it("downloads only the module that is missing", async () => {
    const { env, go } = scratchGo();
    writeFileSync(`${env.FAKE_GO_CACHE}-hclcheck`, "");
    expect(await provisionGo({ root, env, go, log })).toBe("provisioned");
    expect(lines[0]).toMatch(/^agentwire: downloading the Go modules of scripts\/bench-kit\/grpcload /);
    expect(lines).toHaveLength(2);
  });

  it("fails naming the go it cannot run, how to install Go and how to skip", async () => {
    await expect(provisionGo({ root, env: {}, go: join(root, "no-such-go"), log })).rejects.toThrow(
      /^agentwire: `.*\/no-such-go` cannot be run \(spawn .*ENOENT\): the Go interop suites build a checker with it\. Install Go 1\.25 or newer and put it on PATH, or set AGENTWIRE_SKIP_GO=1 to skip those suites\.$/,
    );
  });

  it("fails quoting go when the download fails", async () => {
    const { env, go } = scratchGo();
    await expect(provisionGo({ root, env: { ...env, FAKE_GO_FAIL: "1" }, go, log })).rejects.toThrow(
      /`go mod download` in packages\/agentplatform\/test\/interop\/hclcheck failed \(code 1\):\ngo: github\.com\/hashicorp\/hcl\/v2@v2\.25\.0: no route to the proxy\n.*AGENTWIRE_SKIP_GO=1/,
    );
  });
});

describe("this repository, as globalSetup left it", () => {
  it.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("has its Python peers up to date"), async () => {
    expect(await provisionPython({ log })).toBe("up-to-date");
  });

  it.skipIf(goSkipReason() !== undefined)(goSuiteName("has its Go modules in the module cache"), async () => {
    expect(await provisionGo({ log })).toBe("up-to-date");
  });
});

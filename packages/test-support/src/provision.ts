// Provisioning the interop peers a test run needs, when they are missing: the Python venv
// (scripts/setup-python.sh) and the Go modules of the HCL checker. Each says on stderr what it does, each is
// cheap when there is nothing to do (a hash stamp for the venv, Go's module cache for the modules), and each
// is skipped only on its explicit opt-out. Called once per test run by global-setup.ts.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tail } from "./child-state.js";
import { goSkipReason, requireGo, SKIP_GO_ENV } from "./go.js";
import { pythonSkipReason, SKIP_PYTHON_ENV } from "./python.js";
import { runProcess, type ProcessResult } from "./run-process.js";

/** The Python that creates the venv when there is none; the setup script reads the same variable. */
const PYTHON_ENV = "AGENTWIRE_PYTHON";

/**
 * The Go modules the Go interop tests build, relative to the repository root: HashiCorp's HCL checker, and
 * grpcload, the benches' load generator on grpc-go, which the tests also use as an official gRPC client.
 */
const goModules = [
  { dir: "packages/agentplatform/test/interop/hclcheck", name: "hclcheck", what: "github.com/hashicorp/hcl/v2, go-cty, …" },
  { dir: "scripts/bench-kit/grpcload", name: "grpcload", what: "google.golang.org/grpc, google.golang.org/protobuf, …" },
];

export interface ProvisionOptions {
  /** The repository root: where `.venv`, `scripts/` and `packages/` are. Default: this repository's. */
  root?: string;
  /**
   * The environment: the opt-outs (`AGENTWIRE_SKIP_PYTHON`, `AGENTWIRE_SKIP_GO`) and `AGENTWIRE_PYTHON` are
   * read from it, and the commands run in it. Default: `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Where the one-line reports go. Default: a line on stderr. */
  log?: (line: string) => void;
}

/** What a provisioning step did. */
export type ProvisionOutcome = "skipped" | "up-to-date" | "provisioned";

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

function seconds(since: number): string {
  return `${Math.round((Date.now() - since) / 1000)} s`;
}

function printed(result: ProcessResult): string {
  return tail(`${result.stdout}${result.stderr}`).trimEnd();
}

/**
 * Makes sure `.venv` holds the pinned Python peers: nothing to do when `scripts/setup-python.sh --check` says
 * it is up to date, otherwise the script creates (or updates) it, which takes about a minute. Rejects, naming
 * what is missing and how to fix it, when there is no Python to create it with or the install fails;
 * `AGENTWIRE_SKIP_PYTHON=1` skips it.
 *
 * ```ts
 * await provisionPython(); // "agentwire: python peers up to date (.venv)"
 * ```
 */
export async function provisionPython(options: ProvisionOptions = {}): Promise<ProvisionOutcome> {
  const { root = defaultRoot, env = process.env, log = toStderr } = options;
  const skip = pythonSkipReason(env);
  if (skip !== undefined) {
    log(`agentwire: ${skip}: not checking .venv; the Python interop suites are skipped`);
    return "skipped";
  }
  const script = join(root, "scripts/setup-python.sh");
  const check = await runProcess("bash", [script, "--check"], { env, timeoutMs: 60_000 });
  if (check.code === 0) {
    log("agentwire: python peers up to date (.venv)");
    return "up-to-date";
  }
  if (check.code !== 1) throw new Error(`agentwire: \`bash scripts/setup-python.sh --check\` failed (code ${check.code}):\n${printed(check)}`);

  const python = env[PYTHON_ENV] || "python3";
  const probe = await runProcess(python, ["-c", "import sys, venv; assert sys.version_info >= (3, 9), sys.version; print(sys.version.split()[0])"], { env }).catch(
    (err: Error) => err,
  );
  if (probe instanceof Error || probe.code !== 0) {
    const why = probe instanceof Error ? probe.message : printed(probe);
    throw new Error(
      `agentwire: the Python interop suites need .venv (flytekit, grpcio, grpcio-tools, python-hcl2, …), and there is no Python ≥ 3.9 ` +
        `with its venv module to create it: \`${python}\` ${probe instanceof Error ? "cannot be run" : "is not one"} (${why}).\n` +
        `Install Python 3.11 (on Debian: apt-get install python3 python3-venv) or point ${PYTHON_ENV} at one, then run the tests again; ` +
        `or set ${SKIP_PYTHON_ENV}=1 to skip the Python interop suites.`,
    );
  }
  const stale = existsSync(join(root, ".venv/bin/python"));
  log(
    stale
      ? `agentwire: updating .venv: scripts/python-requirements.txt changed (Python ${probe.stdout.trim()}) — ~1 min`
      : `agentwire: creating .venv with the pinned Python peers (flytekit, grpcio, grpcio-tools, python-hcl2, …) with Python ${probe.stdout.trim()} — first run only, ~1 min`,
  );
  const started = Date.now();
  const setup = await runProcess("bash", [script], { env, timeoutMs: 20 * 60_000 });
  if (setup.code !== 0) {
    throw new Error(
      `agentwire: \`bash scripts/setup-python.sh\` failed (${setup.timedOut ? "stopped after 20 min" : `code ${setup.code}`}), so .venv is not ready:\n${printed(setup)}\n` +
        `pip needs to reach the Python package index. Fix the above and run the tests again, or set ${SKIP_PYTHON_ENV}=1 to skip the Python interop suites.`,
    );
  }
  const versions = setup.stdout.trim().split("\n").at(-1) ?? "";
  log(`agentwire: .venv ready in ${seconds(started)} (${versions})`);
  return "provisioned";
}

export interface ProvisionGoOptions extends ProvisionOptions {
  /** The `go` to use. Default: `findGo(env)`: `go` on PATH, else `/usr/local/go/bin/go`. */
  go?: string;
}

/**
 * Makes sure the Go module cache holds what the HCL checker (`packages/agentplatform/test/interop/hclcheck`)
 * and grpcload (`scripts/bench-kit/grpcload`) build with: `go mod download` with the proxy off tells whether
 * it does; if not, `go mod download` fetches it. Rejects, naming what is missing and how to fix it, when there is no `go` or the download fails;
 * `AGENTWIRE_SKIP_GO=1` skips it.
 *
 * ```ts
 * await provisionGo(); // "agentwire: go modules up to date (hclcheck, grpcload, go1.26.8)"
 * ```
 */
export async function provisionGo(options: ProvisionGoOptions = {}): Promise<ProvisionOutcome> {
  const { root = defaultRoot, env = process.env, log = toStderr } = options;
  const skip = goSkipReason(env);
  if (skip !== undefined) {
    log(`agentwire: ${skip}: not checking the Go modules; the Go interop suites are skipped`);
    return "skipped";
  }
  let go: string;
  try {
    go = options.go ?? requireGo(env);
  } catch (err) {
    throw new Error(`agentwire: ${(err as Error).message}.`);
  }
  const version = await runProcess(go, ["env", "GOVERSION"], { env }).catch((err: Error) => err);
  if (version instanceof Error || version.code !== 0) {
    throw new Error(
      `agentwire: \`${go}\` cannot be run (${version instanceof Error ? version.message : printed(version)}): the Go interop suites build a checker with it. ` +
        `Install Go 1.25 or newer and put it on PATH, or set ${SKIP_GO_ENV}=1 to skip those suites.`,
    );
  }
  const goVersion = version.stdout.trim();
  const started = Date.now();
  let downloaded = false;
  for (const module of goModules) {
    const cwd = join(root, module.dir);
    // With the proxy off, `go mod download` succeeds only if every module is in the cache already.
    const cached = await runProcess(go, ["mod", "download"], { cwd, env: { ...env, GOPROXY: "off" }, timeoutMs: 120_000 });
    if (cached.code === 0) continue;
    log(`agentwire: downloading the Go modules of ${module.dir} (${module.what}) into Go's module cache with ${goVersion} — first run only`);
    const download = await runProcess(go, ["mod", "download"], { cwd, env, timeoutMs: 10 * 60_000 });
    if (download.code !== 0) {
      throw new Error(
        `agentwire: \`go mod download\` in ${module.dir} failed (${download.timedOut ? "stopped after 10 min" : `code ${download.code}`}):\n${printed(download)}\n` +
          `It needs to reach the Go module proxy (GOPROXY). Fix the above and run the tests again, or set ${SKIP_GO_ENV}=1 to skip the Go interop suites.`,
      );
    }
    downloaded = true;
  }
  if (!downloaded) {
    log(`agentwire: go modules up to date (${goModules.map((m) => m.name).join(", ")}, ${goVersion})`);
    return "up-to-date";
  }
  log(`agentwire: go modules ready in ${seconds(started)}`);
  return "provisioned";
}

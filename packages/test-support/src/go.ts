// The Go toolchain for interop tests that hold our output to a Go library (HashiCorp's HCL parser, built from
// packages/agentplatform/test/interop/hclcheck). Same rule as Python: `npm test` fetches the Go modules by
// itself (global-setup.ts), a missing `go` fails with how to fix it, and only `AGENTWIRE_SKIP_GO=1` skips.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Set to `1`, it skips the Go interop tests (the reason goes in the suite's name); unset, a missing `go` fails them. */
export const SKIP_GO_ENV = "AGENTWIRE_SKIP_GO";

/** Where the official installer puts `go`: a non-login shell may not have it on PATH. */
const defaultFallbacks = ["/usr/local/go/bin/go"];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `go` binary: the first on `env.PATH`, else the first of `fallbacks` that exists (default: the official
 * installer's `/usr/local/go/bin/go`), else undefined.
 *
 * ```ts
 * const go = findGo(); // "/usr/local/go/bin/go"
 * ```
 */
export function findGo(env: NodeJS.ProcessEnv = process.env, fallbacks: readonly string[] = defaultFallbacks): string | undefined {
  const onPath = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "").map((dir) => join(dir, "go"));
  return [...onPath, ...fallbacks].find(executable);
}

/** `findGo(env, fallbacks)`, or an error naming what is missing and how to fix it (or skip). */
export function requireGo(env: NodeJS.ProcessEnv = process.env, fallbacks: readonly string[] = defaultFallbacks): string {
  const found = findGo(env, fallbacks);
  if (found === undefined) {
    throw new Error(
      `no \`go\` on PATH${fallbacks.length > 0 ? ` or at ${fallbacks.join(", ")}` : ""}: the Go interop tests build a checker with it. ` +
        `Install Go 1.25 or newer and put it on PATH, or set ${SKIP_GO_ENV}=1 to skip those tests`,
    );
  }
  return found;
}

/** Why the Go interop tests are skipped (`AGENTWIRE_SKIP_GO=1`), or undefined if they run. Nothing else skips them. */
export function goSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SKIP_GO_ENV] === "1" ? `${SKIP_GO_ENV}=1` : undefined;
}

/**
 * A Go suite's name, with the reason appended when it is skipped, so a skipped suite says why.
 *
 * ```ts
 * describe.skipIf(goSkipReason() !== undefined)(goSuiteName("manifest HCL decoded by HashiCorp's HCL (Go)"), () => { … });
 * ```
 */
export function goSuiteName(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const reason = goSkipReason(env);
  return reason === undefined ? name : `${name} (skipped: ${reason})`;
}

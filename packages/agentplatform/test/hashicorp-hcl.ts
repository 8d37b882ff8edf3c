// HashiCorp's own HCL library (github.com/hashicorp/hcl/v2, what a Go platform reads manifests with), built
// from test/interop/hclcheck with the Go toolchain. The tests hold the SDK's HCL to it: the strictest
// reader there is (python-hcl2 accepts unknown escapes and raw newlines in strings; it does not). Set
// AGENTWIRE_SKIP_GO=1 to skip these tests on a machine without Go; a missing `go` otherwise fails them.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { packageRoot } from "./python.js";

export const skipGo = process.env.AGENTWIRE_SKIP_GO === "1";

function run(file: string, args: string[], options: { cwd?: string; input?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(" ")} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(options.input ?? "");
  });
}

/** `go` from PATH, else where the official installer puts it (a non-login shell may not have it on PATH). */
function goBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "go"))) return join(dir, "go");
  }
  return existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";
}

let binary: Promise<string> | undefined;

/** Builds hclcheck once per test file (Go's build cache makes later builds quick). */
export function buildHclCheck(): Promise<string> {
  binary ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "hclcheck-")), "hclcheck");
    try {
      await run(goBinary(), ["build", "-o", out, "."], { cwd: join(packageRoot, "test/interop/hclcheck") });
    } catch (err) {
      throw new Error(`could not build test/interop/hclcheck with Go (set AGENTWIRE_SKIP_GO=1 to skip): ${(err as Error).message}`);
    }
    return out;
  })();
  return binary;
}

/** `manifest`: decoded into the manifest reference's shape with gohcl. `generic`: every block and literal attribute. */
export async function hashicorpHcl(mode: "manifest" | "generic", text: string): Promise<unknown> {
  return JSON.parse(await run(await buildHclCheck(), [mode], { input: text })) as unknown;
}

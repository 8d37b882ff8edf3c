// HashiCorp's own HCL library (github.com/hashicorp/hcl/v2, what a Go platform reads manifests with), built
// from test/interop/hclcheck with the Go toolchain. The tests hold the SDK's HCL to it: the strictest
// reader there is (python-hcl2 accepts unknown escapes and raw newlines in strings; it does not). `npm test`
// downloads its Go modules before the tests (@agentwire/test-support's globalSetup); a missing `go` fails these
// tests, and AGENTWIRE_SKIP_GO=1 skips them.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goSkipReason, processOutput, requireGo } from "@agentwire/test-support";
import { packageRoot } from "./python.js";

export const skipGo = goSkipReason() !== undefined;

let binary: Promise<string> | undefined;

/** Builds hclcheck once per test file (Go's build cache makes later builds quick). */
export function buildHclCheck(): Promise<string> {
  binary ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "hclcheck-")), "hclcheck");
    try {
      await processOutput(requireGo(), ["build", "-o", out, "."], { cwd: join(packageRoot, "test/interop/hclcheck"), timeoutMs: 300_000 });
    } catch (err) {
      throw new Error(`could not build test/interop/hclcheck with Go (set AGENTWIRE_SKIP_GO=1 to skip): ${(err as Error).message}`);
    }
    return out;
  })();
  return binary;
}

/** `manifest`: decoded into the manifest reference's shape with gohcl. `generic`: every block and literal attribute. */
export async function hashicorpHcl(mode: "manifest" | "generic", text: string): Promise<unknown> {
  return JSON.parse(await processOutput(await buildHclCheck(), [mode], { input: text, timeoutMs: 300_000 })) as unknown;
}

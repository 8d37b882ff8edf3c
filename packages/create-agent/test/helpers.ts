// Shared by create-agent's tests: a kit built from this checkout (the real tarballs, packed once per run
// by bundle-kit.mjs, the same script `npm pack` runs), the fixture templates, and scratch directories.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kit, KitPackage } from "../src/kit.js";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = join(packageDir, "..", "..");
export const fixtureTemplates = join(packageDir, "test", "fixtures", "templates");
export const cliPath = join(packageDir, "dist", "cli.js");

/** The kit as `npm pack` bundles it into this package (vendor/ and kit.json), with `templatesDir` of choice. */
export function bundledKit(templatesDir: string): Kit {
  const run = spawnSync(process.execPath, [join(packageDir, "scripts", "bundle-kit.mjs"), "--quiet"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bundle-kit failed: ${run.stderr}`);
  const vendorDir = join(packageDir, "vendor");
  const { packages } = JSON.parse(readFileSync(join(vendorDir, "kit.json"), "utf8")) as { packages: Record<string, KitPackage> };
  return { mode: "checkout", templatesDir, vendorDir, packages };
}

export function scratch(label: string): string {
  return mkdtempSync(join(tmpdir(), `create-agent-${label}-`));
}

/**
 * This environment without npm's per-run variables (so a nested npm acts as it would in a person's shell)
 * and without colours (vitest sets FORCE_COLOR for its workers), so output can be matched as text.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((!/^npm_/i.test(key) || key === "npm_config_cache") && key !== "FORCE_COLOR" && key !== "INIT_CWD") env[key] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

#!/usr/bin/env node
// Checks every publishable package (not "private") under packages/ as a registry would take it: publint
// (package.json fields, exports, files that exist in the tarball) and @arethetypeswrong/cli (the types each
// entry point resolves to under Node's ESM and CJS resolution, and bundlers). Node 10 resolution is not
// checked: the packages need Node ≥ 20.19, which reads `exports`. Run after `npm run build`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const failed = [];
const checked = [];
for (const dir of readdirSync(join(root, "packages")).sort()) {
  const manifestPath = join(root, "packages", dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private) continue;
  const cwd = join(root, "packages", dir);
  for (const [tool, args] of [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--profile", "node16", "--format", "ascii"]],
  ]) {
    const run = spawnSync(bin(tool), args, { cwd, encoding: "utf8" });
    if (run.status !== 0) {
      failed.push(`${manifest.name}: ${tool} failed\n${(run.stdout + run.stderr).trim()}`);
    }
  }
  checked.push(manifest.name);
}
if (failed.length > 0) {
  for (const f of failed) console.error(f);
  console.error(`packages: ${failed.length} check(s) failed; fix package.json or the build so the tarball is what a user installs`);
  process.exit(1);
}
console.error(`packages: publint and attw pass for ${checked.join(", ")}`);

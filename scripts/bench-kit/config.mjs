// Where a bench's files are and how it reads its knobs from the environment. Shared by the benches in
// packages/*/bench (run.mjs).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The folders of the bench whose module URL is `metaUrl` (packages/<pkg>/bench/run.mjs). */
export function benchPaths(metaUrl) {
  const benchDir = dirname(fileURLToPath(metaUrl));
  const pkgDir = resolve(benchDir, "..");
  const outDir = join(benchDir, ".bench-out");
  return { benchDir, pkgDir, repoDir: resolve(pkgDir, "../.."), outDir, profileDir: join(outDir, "profiles") };
}

/** BENCH_QUICK=1 or true: a smoke run. */
export function isQuick(env) {
  return env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
}

/** A comma-separated knob (`value`, else `fallback`) as a list of trimmed, non-empty strings. */
export function list(value, fallback) {
  return (value ?? fallback)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** BENCH_PROFILE=1 | 0 | unset: "always", "never", or "when-missed" (never in a quick run). */
export function profileMode(env, quick) {
  return env.BENCH_PROFILE === "1" ? "always" : env.BENCH_PROFILE === "0" || quick ? "never" : "when-missed";
}

/** BENCH_OUT, else bench/results.json. */
export function resultsPath(env, benchDir) {
  return env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(benchDir, "results.json");
}

/** Exits 1 with a hint when the package has not been built (the benches load dist). */
export function requireBuilt(pkgDir) {
  const distIndex = join(pkgDir, "dist/index.js");
  if (!existsSync(distIndex)) {
    console.error(`bench: ${distIndex} is missing; run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
}

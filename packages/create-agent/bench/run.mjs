#!/usr/bin/env node
// npm run bench -w packages/create-agent [-- TEMPLATE...]
//
// The time from `create-agent DIR --template T` to a green `npm test` in the generated project, per
// template, with the npm cache warm (the kit's own install fills it with every pinned dependency; the
// baseline runs twice and the second, warm run counts). Beside each wall time: the CPU time of every process
// involved (user + system, from bash's `times` for its children). The baseline is what a TypeScript author
// would run instead: create-vite 9.3.0's vanilla-ts template, `npm install`, `npm run build` (tsc + vite build),
// measured in the same run. Target: under 60 s per template on this machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(packageDir, "..", "..");
const cli = join(packageDir, "dist", "cli.js");
const only = process.argv.slice(2);
const templates = readdirSync(join(repoRoot, "templates"))
  .filter((t) => only.length === 0 || only.includes(t))
  .sort();
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || k === "npm_config_cache"));
env.CI = "true";

/** Runs a bash script; returns wall seconds and the children's CPU seconds (user + system). */
function timed(script, cwd) {
  const started = process.hrtime.bigint();
  const run = spawnSync("bash", ["-c", `set -e\n${script}\ntimes`], { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) {
    console.error(run.stdout.slice(-3000), run.stderr.slice(-3000));
    throw new Error(`failed: ${script}`);
  }
  // `times` prints the shell's own line, then its children's: "0m12.345s 0m3.210s".
  const lines = run.stdout.trim().split("\n");
  const [user, sys] = lines[lines.length - 1].split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return Number(m[1]) * 60 + Number(m[2]);
  });
  return { wall, cpu: user + sys };
}

const work = mkdtempSync(join(tmpdir(), "create-agent-bench-"));
console.error(`create-agent bench in ${work}; bundling the kit first (not timed)`);
spawnSync(process.execPath, [join(packageDir, "scripts", "bundle-kit.mjs"), "--quiet"], { stdio: "inherit" });

const rows = [];
console.error("baseline: create-vite 9.3.0 vanilla-ts, npm install, npm run build (cold run, then the warm run that counts)");
const viteScript = (dir) => `npm exec --yes create-vite@9.3.0 -- ${dir} --template vanilla-ts --no-interactive >/dev/null\ncd ${dir}\nnpm install --no-audit --no-fund >/dev/null\nnpm run build >/dev/null`;
timed(viteScript("vite-cold"), work);
const baseline = timed(viteScript("vite-warm"), work);
console.error(`  ${baseline.wall.toFixed(1)} s wall, ${baseline.cpu.toFixed(1)} s CPU`);

for (const id of templates) {
  process.stderr.write(`${id}: create-agent → npm test… `);
  const t = timed(`node ${cli} ${id}-app --template ${id} --no-git >/dev/null\ncd ${id}-app\nnpm test >/dev/null`, work);
  console.error(`${t.wall.toFixed(1)} s wall, ${t.cpu.toFixed(1)} s CPU`);
  rows.push({ id, ...t });
}

console.log(`\n| template | create-agent → green npm test | CPU (all processes) | × create-vite baseline (wall) | under 60 s |`);
console.log(`|---|---:|---:|---:|:---:|`);
for (const r of rows) {
  console.log(`| ${r.id} | ${r.wall.toFixed(1)} s | ${r.cpu.toFixed(1)} s | ${(r.wall / baseline.wall).toFixed(2)}× | ${r.wall < 60 ? "yes" : "NO"} |`);
}
console.log(`| baseline: create-vite vanilla-ts → npm run build | ${baseline.wall.toFixed(1)} s | ${baseline.cpu.toFixed(1)} s | 1.00× | |`);
rmSync(work, { recursive: true, force: true });
if (rows.some((r) => r.wall >= 60)) process.exitCode = 1;

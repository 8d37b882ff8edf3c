#!/usr/bin/env node
// Type-checks the TypeScript in the docs, so a guide cannot drift from the API it teaches (and refuses a doc
// that installs @agentwire/* from the npm registry, whose scope is another project's). Every ```ts (or
// ```typescript) block in README.md, docs/*.md, packages/*/README.md and examples/*/README.md is written out
// as its own ES module and compiled with the repository's compiler options against the built packages
// (imports name the public packages: `@agentwire/flyte`, `@agentwire/flyte/testing`, ...). A block that
// cannot stand alone is fenced ```ts no-check; a block fenced ```ts run is also executed with node, and must
// exit 0 by itself. A block that is a whole vitest test file (it imports "vitest", calls it() or test(), and
// declares nothing it leaves undefined) is run with vitest. Errors are reported at the Markdown file and line
// they come from.
//
//   node scripts/check-docs.mjs            check every block
//   node scripts/check-docs.mjs docs/x.md  only these files
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside the repository (so imports resolve to the workspaces), outside node_modules (which vitest skips).
const outDir = join(root, ".docs-check");

function markdownFiles() {
  const files = ["README.md"];
  const add = (dir, pick) => {
    const abs = join(root, dir);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const path = pick(name);
      if (path && existsSync(join(abs, path))) files.push(join(dir, path));
    }
  };
  add("docs", (name) => (name.endsWith(".md") ? name : undefined));
  add("packages", (name) => join(name, "README.md"));
  add("examples", (name) => join(name, "README.md"));
  add("templates", (name) => join(name, "README.md"));
  return files;
}

/** The ts blocks of one Markdown file: { line (1-based, of the first code line), code, mode }. */
function blocksOf(file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const blocks = [];
  let open;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(line);
    if (open === undefined) {
      if (fence && fence[3] !== "") {
        open = { fence: fence[2], indent: fence[1].length, lang: fence[3], info: fence[4].trim().split(/\s+/).filter(Boolean), start: i + 2, code: [] };
      } else if (fence) {
        open = { fence: fence[2], indent: fence[1].length, lang: "", info: [], start: i + 2, code: [] };
      }
      continue;
    }
    if (fence && fence[2].startsWith(open.fence[0]) && fence[2].length >= open.fence.length && fence[3] === "") {
      if (open.lang === "ts" || open.lang === "typescript") {
        const mode = open.info.includes("no-check") ? "skip" : open.info.includes("run") ? "run" : "check";
        blocks.push({ line: open.start, code: open.code.join("\n"), mode });
      }
      open = undefined;
      continue;
    }
    open.code.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
  }
  return blocks;
}

const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const files = only.length > 0 ? only : markdownFiles();

// The `@agentwire` scope on the npm registry belongs to an unrelated project: no doc may tell a reader to
// install a kit package from it (`npm install @agentwire/flyte`, `pnpm add @agentwire/...`, ...).
const registryInstall = /\b(?:npm\s+(?:install|i|add)|pnpm\s+(?:add|install)|yarn\s+add|bun\s+add)\b[^\n`]*?(?<![\w./:-])@agentwire\//;
const fromRegistry = [];
for (const file of files) {
  readFileSync(join(root, file), "utf8")
    .split("\n")
    .forEach((text, i) => registryInstall.test(text) && fromRegistry.push(`${file}:${i + 1}: ${text.trim()}`));
}
if (fromRegistry.length > 0) {
  for (const e of fromRegistry) console.error(e);
  console.error("docs: these lines install @agentwire/* from the npm registry, whose @agentwire scope is another project's; point readers at create-agent's vendored tarballs (docs/getting-started.md)");
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const sources = new Map(); // generated file -> { file, line }
let skipped = 0;
const runs = [];
const tests = [];
for (const file of files) {
  blocksOf(file).forEach((block, index) => {
    if (block.mode === "skip") {
      skipped++;
      return;
    }
    const isTest = /from "vitest"/.test(block.code) && /^\s*(it|test|describe)\(/m.test(block.code) && !/^\s*declare\s/m.test(block.code);
    const name = `${file.replace(/[^\w]+/g, "_")}_${index + 1}${isTest ? ".test" : ""}.ts`;
    // `export {}` makes every block a module of its own, so top-level await and names are scoped to it.
    writeFileSync(join(outDir, name), `${block.code}\nexport {};\n`);
    sources.set(name, { file, line: block.line });
    if (block.mode === "run") runs.push(name);
    if (isTest) tests.push(name);
  });
}

const base = JSON.parse(readFileSync(join(root, "tsconfig.base.json"), "utf8"));
writeFileSync(
  join(outDir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: { ...base.compilerOptions, noEmit: false, outDir: "js", declaration: false, sourceMap: false, noUnusedLocals: false, types: ["node"], typeRoots: [join(root, "node_modules/@types")] },
    include: ["*.ts"],
  }),
);
writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module", private: true }));

const tsc = join(root, "node_modules/typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
const errors = [];
for (const line of (result.stdout + result.stderr).split("\n")) {
  const m = /^(\S+\.ts)\((\d+),(\d+)\): (error .*)$/.exec(line);
  if (!m) {
    if (line.trim() !== "" && result.status !== 0 && !/^\s/.test(line)) errors.push(line);
    continue;
  }
  const src = sources.get(m[1].split("/").pop());
  errors.push(src ? `${src.file}:${src.line + Number(m[2]) - 1}:${m[3]} ${m[4]}` : line);
}
if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error(`docs: ${errors.length} type error(s) in the TypeScript of the docs; fix the docs (or the API), or fence a fragment as \`\`\`ts no-check`);
  process.exit(1);
}

let failedRuns = 0;
for (const name of runs) {
  const src = sources.get(name);
  const js = join(outDir, "js", name.replace(/\.ts$/, ".js"));
  const run = spawnSync(process.execPath, [js], { encoding: "utf8", cwd: root, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" } });
  if (run.status !== 0) {
    failedRuns++;
    console.error(`${src.file}:${src.line}: the block fenced \`\`\`ts run exited with ${run.status ?? run.signal}\n${run.stderr.trim()}`);
  }
}
if (failedRuns > 0) process.exit(1);

if (tests.length > 0) {
  writeFileSync(join(outDir, "vitest.config.mjs"), 'export default { test: { include: ["*.test.ts"], testTimeout: 60000 } };\n');
  const vitest = spawnSync(process.execPath, [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", outDir, "--config", join(outDir, "vitest.config.mjs")], {
    encoding: "utf8",
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  });
  if (vitest.status !== 0) {
    console.error(`${vitest.stdout}${vitest.stderr}`);
    const where = tests.map((t) => `${sources.get(t).file}:${sources.get(t).line}`).join(", ");
    console.error(`docs: a test block of the docs failed (${where}); the output above names the file`);
    process.exit(1);
  }
}
console.error(
  `docs: ${sources.size} TypeScript block(s) in ${files.length} file(s) type-check${runs.length ? `, ${runs.length} ran` : ""}${tests.length ? `, ${tests.length} ran as vitest tests` : ""}${skipped ? `; ${skipped} fenced no-check` : ""}`,
);

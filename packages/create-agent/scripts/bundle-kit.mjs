#!/usr/bin/env node
// Puts into this package what a generated project needs from the kit, so that create-agent carries it:
//   vendor/<file>.tgz  every publishable kit package (`npm pack` of packages/* except create-agent), under a
//                      versionless name (agentwire-flyte.tgz), with vendor/kit.json listing each one's version,
//                      file and kit dependencies;
//   templates/         a copy of the repository's top-level templates/ (without node_modules, dist, lockfiles).
// Generated projects depend on these tarballs by `file:` and never ask the npm registry for @agentwire/*
// (that scope there belongs to an unrelated project). Runs as `prepack`; the CLI runs it itself when used
// from a checkout. Needs the kit built (`npm run build` at the root).
//
// Several processes may ask at once (test files run in parallel, each scaffolding): a lock folder serialises
// them, and the work is skipped when vendor/kit.json is newer than every built package and every template
// file (`--force` packs anyway).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const root = join(here, "..", "..");
const vendor = join(here, "vendor");
const templatesOut = join(here, "templates");
const quiet = process.argv.includes("--quiet");
const force = process.argv.includes("--force");
const say = (line) => {
  if (!quiet) console.error(`bundle-kit: ${line}`);
};

const lock = join(here, ".bundle-kit.lock");
const lockedAt = Date.now();
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    // A lock older than two minutes was left by a process that died: take it over.
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() - lockedAt > 300_000) {
      console.error(`bundle-kit: ${lock} has been held for 5 minutes; remove it if no bundle-kit is running`);
      process.exit(1);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
const release = () => rmSync(lock, { recursive: true, force: true });
process.on("exit", release);

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let time = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules") continue;
    time = Math.max(time, newest(join(path, entry)));
  }
  return time;
}

const kit = [];
for (const dir of readdirSync(join(root, "packages")).sort()) {
  const manifestPath = join(root, "packages", dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private || manifest.name === "create-agent") continue;
  if (!existsSync(join(root, "packages", dir, "dist"))) {
    console.error(`bundle-kit: packages/${dir} is not built (no dist/): run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  kit.push({ dir, manifest });
}

const kitJson = join(vendor, "kit.json");
if (!force && existsSync(kitJson) && existsSync(templatesOut)) {
  const inputs = Math.max(existsSync(join(root, "templates")) ? newest(join(root, "templates")) : 0, ...kit.map(({ dir }) => newest(join(root, "packages", dir, "dist"))));
  if (statSync(kitJson).mtimeMs > inputs) {
    say("vendor/ and templates/ are up to date");
    process.exit(0);
  }
}
if (!quiet || process.argv.includes("--announce")) console.error("create-agent: packing the kit's packages and templates from this checkout (a few seconds)…");

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
const names = new Set(kit.map((k) => k.manifest.name));
// The kit's lockfile: the exact versions of third-party packages the kit is built and tested with.
const locked = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
const lockedVersion = (dir, dep) => (locked[`packages/${dir}/node_modules/${dep}`] ?? locked[`node_modules/${dep}`])?.version;
/** Each third-party dependency of a kit package (`dependencies`, and `peerDependencies` that are not optional) at the kit's version. */
function pinsOf(dir, manifest, field, keep = () => true) {
  const pins = {};
  for (const dep of Object.keys(manifest[field] ?? {}).sort()) {
    if (names.has(dep) || !keep(dep)) continue;
    const version = lockedVersion(dir, dep);
    if (version === undefined) {
      console.error(`bundle-kit: ${manifest.name} depends on ${dep}, which the kit's package-lock.json does not have: run npm install at the root`);
      process.exit(1);
    }
    pins[dep] = version;
  }
  return pins;
}
const packages = {};
for (const { dir, manifest } of kit) {
  const run = spawnSync("npm", ["pack", "--json", "--pack-destination", vendor], {
    cwd: join(root, "packages", dir),
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error", npm_config_dry_run: "false" },
  });
  if (run.status !== 0) {
    console.error(`bundle-kit: npm pack failed for ${manifest.name}:\n${run.stderr}`);
    process.exit(1);
  }
  const [packed] = JSON.parse(run.stdout);
  const file = `${manifest.name.replace(/^@/, "").replace("/", "-")}.tgz`;
  renameSync(join(vendor, basename(packed.filename)), join(vendor, file));
  const kitDependencies = Object.keys(manifest.dependencies ?? {}).filter((d) => names.has(d));
  packages[manifest.name] = {
    version: manifest.version,
    file,
    integrity: packed.integrity,
    dependencies: kitDependencies,
    pins: pinsOf(dir, manifest, "dependencies"),
    peers: pinsOf(dir, manifest, "peerDependencies", (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true),
  };
  say(`packed ${manifest.name}@${manifest.version} → vendor/${file}`);
}
rmSync(templatesOut, { recursive: true, force: true });
const skip = new Set(["node_modules", "dist", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "vendor", ".agentwire"]);
mkdirSync(templatesOut, { recursive: true });
if (existsSync(join(root, "templates"))) {
  cpSync(join(root, "templates"), templatesOut, {
    recursive: true,
    filter: (src) => !skip.has(basename(src)),
  });
}
// Written last: its time stamp says the bundle is complete.
writeFileSync(kitJson, `${JSON.stringify({ packages }, null, 2)}\n`);
say(`copied templates/ (${readdirSync(templatesOut).length} templates) and ${kit.length} packages into ${here}`);

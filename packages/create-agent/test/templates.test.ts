// Every template, as a user gets it: create-agent packed with `npm pack` (so a template file the package
// leaves out is missed here as it would be by a user), run from the tarball with `npm exec`, then the
// generated project's own `npm test` and `npm run conformance`. Also: the kit's packages resolve from the
// tarballs create-agent carries, never from the registry (whose @agentwire scope is someone else's).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { runProcess } from "@agentwire/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, packageDir, repoRoot, scratch } from "./helpers.js";

const templateIds = readdirSync(join(repoRoot, "templates")).sort();
let tarball: string;
let work: string;
const env = cleanEnv();

beforeAll(async () => {
  work = scratch("templates");
  const packed = await runProcess("npm", ["pack", "--json", "--pack-destination", work], { cwd: packageDir, env, timeoutMs: 240_000 });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  const files = new Set(info!.files.map((f) => f.path));
  // What npm pack would drop or rename is kept under another name, and the kit travels inside.
  for (const id of templateIds) {
    for (const file of ["agentwire-template.json", "package.json", "_gitignore", "_dockerignore", "Dockerfile", "README.md", "conformance.yaml", ".github/workflows/ci.yml"]) {
      expect(files.has(`templates/${id}/${file}`), `templates/${id}/${file} in the tarball`).toBe(true);
    }
  }
  for (const kitFile of ["vendor/kit.json", "vendor/agentwire-core.tgz", "vendor/agentwire-conformance.tgz", "dist/cli.js"]) expect(files.has(kitFile), kitFile).toBe(true);
}, 300_000);

describe.each(templateIds)("template %s from the packed create-agent", (id) => {
  it("generates a project that reinstalls offline and passes its npm test and npm run conformance, the kit from its own tarballs", async () => {
    const project = `${id}-project`;
    const dir = join(work, project);
    const created = await runProcess("npm", ["exec", "--yes", "--package", tarball, "--", "create-agent", project, "--template", id, "--no-git"], { cwd: work, env, timeoutMs: 300_000 });
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toMatch(/dependencies installed/);

    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string; version?: string }> };
    const kitEntries = Object.entries(lock.packages).filter(([path]) => path.includes("node_modules/@agentwire/"));
    expect(kitEntries.length).toBeGreaterThan(0);
    for (const [path, entry] of kitEntries) expect(entry.resolved, path).toMatch(/^file:vendor\/agentwire-[a-z]+\.tgz$/);

    // Reinstall from the lockfile with no network: the kit from vendor/, the rest from npm's cache.
    const offline = await runProcess("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: dir, env, timeoutMs: 300_000 });
    expect(offline.code, offline.stdout + offline.stderr).toBe(0);

    const tested = await runProcess("npm", ["test"], { cwd: dir, env, timeoutMs: 300_000 });
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/Tests +\d+ passed/);

    const judged = await runProcess("npm", ["run", "conformance", "--", "--junit", "conformance.xml"], { cwd: dir, env, timeoutMs: 300_000 });
    expect(judged.code, judged.stdout + judged.stderr).toBe(0);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(join(dir, "conformance.xml"), "utf8")) as {
      testsuites: { tests: string; failures: string; errors?: string };
    };
    expect(Number(junit.testsuites.failures)).toBe(0);
    expect(Number(junit.testsuites.tests)).toBeGreaterThan(10);
  }, 900_000);
});

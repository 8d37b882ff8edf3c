// What every template folder must hold and pin, checked on the files themselves (fast; the generated
// projects are installed, tested and judged in templates.test.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { nameProblem } from "../src/names.js";
import { listTemplates, templateOrder } from "../src/templates.js";
import { repoRoot } from "./helpers.js";

const templatesDir = join(repoRoot, "templates");
const kitLock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
const kitVersion = (name: string) => kitLock.packages[`node_modules/${name}`]?.version;

describe("the templates folder", () => {
  it("holds exactly the seven templates, in the order they are offered", () => {
    expect(listTemplates(templatesDir).map((t) => t.id)).toEqual(templateOrder);
  });
});

describe.each(listTemplates(templatesDir))("template $id", (template) => {
  const file = (path: string) => join(template.dir, path);
  const manifest = JSON.parse(readFileSync(file("package.json"), "utf8")) as {
    name: string;
    private?: boolean;
    scripts: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

  it("has every file a project needs, under names npm pack keeps", () => {
    for (const path of ["package.json", "tsconfig.json", "tsconfig.build.json", "src/main.ts", "conformance.yaml", "Dockerfile", "_dockerignore", "_gitignore", "README.md", ".github/workflows/ci.yml"]) {
      expect(existsSync(file(path)), path).toBe(true);
    }
    expect(existsSync(file(".gitignore")), "a .gitignore would be dropped by npm pack: name it _gitignore").toBe(false);
    expect(readdirSync(file("test")).some((f) => f.endsWith(".test.ts"))).toBe(true);
  });

  it("names itself with its defaults, valid for its protocol", () => {
    expect(manifest.name).toBe(template.defaultProjectName);
    expect(manifest.private).toBe(true);
    expect(nameProblem(template.nameKind, template.defaultName)).toBeUndefined();
    expect(readFileSync(file("README.md"), "utf8")).toContain(template.defaultName);
  });

  it("has build, start, test and conformance scripts, the harness judging its own protocol", () => {
    for (const script of ["build", "start", "test", "conformance"]) expect(manifest.scripts[script], script).toBeTruthy();
    expect(manifest.scripts.conformance).toMatch(new RegExp(`agentwire-conformance ${template.protocol} .*--start .*--cases conformance\\.yaml`));
  });

  it("takes the kit's packages from vendor/ only, and pins every other dependency to the version the kit is tested with", () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    expect(all["@agentwire/conformance"]).toBe("file:vendor/agentwire-conformance.tgz");
    for (const [name, spec] of Object.entries(all)) {
      if (name.startsWith("@agentwire/")) {
        expect(spec, name).toBe(`file:vendor/${name.slice(1).replace("/", "-")}.tgz`);
      } else {
        expect(spec, `${name} must be pinned exactly`).toMatch(/^\d+\.\d+\.\d+$/);
        expect(spec, `${name} must be the version the kit installs`).toBe(kitVersion(name));
      }
    }
  });

  it("ships a CI workflow that installs, tests and runs the conformance harness", () => {
    const workflow = parse(readFileSync(file(".github/workflows/ci.yml"), "utf8")) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));
    expect(runs).toContain("npm ci");
    expect(runs).toContain("npm test");
    expect(runs.some((r) => r.startsWith("npm run conformance"))).toBe(true);
  });

  it("builds its image from the vendored kit", () => {
    const dockerfile = readFileSync(file("Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/COPY .*vendor/);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/CMD \["node", ?"dist\/main\.js"\]/);
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CreateAgentError } from "../src/errors.js";
import type { Kit } from "../src/kit.js";
import { deriveName, nameProblem, projectNameFromDir } from "../src/names.js";
import { detectPackageManager, runCommand } from "../src/package-manager.js";
import { scaffold } from "../src/scaffold.js";
import { bundledKit, fixtureTemplates, repoRoot, scratch } from "./helpers.js";

let kit: Kit;
beforeAll(() => {
  kit = bundledKit(fixtureTemplates);
});

async function refusal(promise: Promise<unknown>): Promise<CreateAgentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CreateAgentError);
  return error as CreateAgentError;
}

describe("scaffold", () => {
  it("writes the template with the names replaced, .gitignore renamed, the kit's tarballs and overrides for what they pull in", async () => {
    const parent = scratch("ok");
    const steps: string[] = [];
    const result = await scaffold({ dir: join(parent, "weekly-digest"), template: "mini", install: false, git: false, kit, onStep: (e) => steps.push(`${e.step}:${e.status}`) });
    expect(result.name).toBe("WeeklyDigest");
    expect(result.projectName).toBe("weekly-digest");
    expect(steps).toEqual(["copy:start", "copy:done", "install:skipped", "git:skipped"]);
    const dir = join(parent, "weekly-digest");
    expect(readFileSync(join(dir, "src", "main.js"), "utf8")).toContain('export const name = "WeeklyDigest";');
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# weekly-digest\n\nWeeklyDigest\n");
    expect(existsSync(join(dir, ".gitignore"))).toBe(true);
    expect(existsSync(join(dir, "_gitignore"))).toBe(false);
    expect(existsSync(join(dir, "agentwire-template.json"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; dependencies: object; overrides: Record<string, unknown> };
    expect(manifest.name).toBe("weekly-digest");
    expect(manifest.dependencies).toEqual({ "@agentwire/activeworkflow": "file:vendor/agentwire-activeworkflow.tgz" });
    // conformance pulls in every protocol package and core: each is overridden to its tarball, none left to the
    // registry, and each one's own third-party dependencies and peers are pinned to the kit's tested versions.
    const kitLock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    expect(manifest.overrides).toMatchObject({
      "@agentwire/activeworkflow": "$@agentwire/activeworkflow",
      "@agentwire/agentplatform": { ".": "file:vendor/agentwire-agentplatform.tgz", ajv: kitLock.packages["packages/agentplatform/node_modules/ajv"]?.version ?? kitLock.packages["node_modules/ajv"]!.version },
      "@agentwire/core": { ".": "file:vendor/agentwire-core.tgz", pino: kitLock.packages["node_modules/pino"]!.version },
      "@agentwire/flyte": { ".": "file:vendor/agentwire-flyte.tgz", "prom-client": kitLock.packages["node_modules/prom-client"]!.version },
      "@agentwire/conformance": { ".": "$@agentwire/conformance" },
      "@bufbuild/protobuf": kitLock.packages["node_modules/@bufbuild/protobuf"]!.version,
    });
    expect(readdirSync(join(dir, "vendor")).sort()).toEqual([
      "agentwire-activeworkflow.tgz",
      "agentwire-agentplatform.tgz",
      "agentwire-conformance.tgz",
      "agentwire-core.tgz",
      "agentwire-flyte.tgz",
    ]);
    expect(result.nextSteps.slice(-4)).toEqual(["npm install", "npm test", "npm start", "npm run conformance"]);
  });

  it("takes --name when it suits the protocol, and writes pnpm's overrides field for pnpm", async () => {
    const parent = scratch("named");
    const result = await scaffold({ dir: join(parent, "x"), template: "mini", name: "RssFeedAgent", packageManager: "pnpm", install: false, git: false, kit });
    const dir = join(parent, "x");
    expect(result.name).toBe("RssFeedAgent");
    expect(readFileSync(join(dir, "src", "main.js"), "utf8")).toContain('"RssFeedAgent"');
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { pnpm?: { overrides?: Record<string, string> }; overrides?: object };
    expect(manifest.overrides).toBeUndefined();
    // pnpm's flat form: the tarballs, and `parent>dep` pins; direct dependencies need no override there.
    expect(manifest.pnpm?.overrides).toMatchObject({ "@agentwire/core": "file:vendor/agentwire-core.tgz", "@agentwire/core>pino": expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(manifest.pnpm?.overrides?.["@agentwire/activeworkflow"]).toBeUndefined();
    expect(result.nextSteps).toContain("pnpm conformance");
  });

  it("refuses a name its protocol would not take, naming --name, the rule and why, and writes nothing", async () => {
    const parent = scratch("badname");
    const error = await refusal(scaffold({ dir: join(parent, "p"), template: "mini", name: "weekly_digest", install: false, git: false, kit }));
    expect(error.code).toBe("invalid_argument");
    expect(error.flag).toBe("--name");
    expect(error.message).toMatch(/--name "weekly_digest" is not an ActiveWorkflow agent name: CamelCase .* Ruby source/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("refuses a directory whose name is no npm package name, naming DIR", async () => {
    const parent = scratch("badproject");
    const error = await refusal(scaffold({ dir: join(parent, "node_modules"), template: "mini", install: false, git: false, kit }));
    expect(error.flag).toBe("DIR");
    expect(error.message).toMatch(/"node_modules" is not a valid npm package name/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("refuses a non-empty directory unless --force, and then replaces only files of the same name", async () => {
    const parent = scratch("nonempty");
    const dir = join(parent, "busy");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    writeFileSync(join(dir, "README.md"), "old\n");
    const error = await refusal(scaffold({ dir, template: "mini", install: false, git: false, kit }));
    expect(error.code).toBe("already_exists");
    expect(error.flag).toBe("--force");
    expect(error.message).toContain("notes.txt");
    expect(readdirSync(dir).sort()).toEqual(["README.md", "notes.txt"]);

    await scaffold({ dir, template: "mini", force: true, install: false, git: false, kit });
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# busy\n\nBusy\n");
    expect(readdirSync(parent)).toEqual(["busy"]);
  });

  it("takes a directory that holds only .git as empty", async () => {
    const parent = scratch("gitonly");
    mkdirSync(join(parent, "repo", ".git"), { recursive: true });
    await scaffold({ dir: join(parent, "repo"), template: "mini", install: false, git: false, kit });
    expect(existsSync(join(parent, "repo", "package.json"))).toBe(true);
  });

  it("refuses an unknown template, naming --template and listing every template", async () => {
    const error = await refusal(scaffold({ dir: join(scratch("unknown"), "p"), template: "flyte-asink", install: false, git: false, kit }));
    expect(error.code).toBe("not_found");
    expect(error.flag).toBe("--template");
    expect(error.message).toMatch(/--template "flyte-asink" is not a template; choose one of:\n {2}mini +A fixture/);
  });

  it("leaves nothing behind when writing fails half-way (a template that needs a package the kit lacks)", async () => {
    const parent = scratch("halfway");
    const broken: Kit = { ...kit, packages: Object.fromEntries(Object.entries(kit.packages).filter(([name]) => name !== "@agentwire/conformance")) };
    const error = await refusal(scaffold({ dir: join(parent, "p"), template: "mini", install: false, git: false, kit: broken }));
    expect(error.message).toMatch(/needs @agentwire\/conformance, which this create-agent does not carry/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("says which install failed and keeps the written project when npm install fails (a damaged tarball)", async () => {
    const parent = scratch("installfail");
    const damaged = join(parent, "vendor");
    mkdirSync(damaged);
    for (const { file } of Object.values(kit.packages)) writeFileSync(join(damaged, file), "not a tarball\n");
    const error = await refusal(scaffold({ dir: join(parent, "p"), template: "mini", git: false, kit: { ...kit, vendorDir: damaged } }));
    expect(error.code).toBe("failed_precondition");
    expect(error.message).toMatch(/npm install failed in .*p \(exit 1\); the project's files are all written, so fix the cause and run `npm install` there:\n/);
    expect(existsSync(join(parent, "p", "package.json"))).toBe(true);
  });
});

describe("names", () => {
  it.each([
    ["flyte-task-type", "report_job", undefined],
    ["flyte-task-type", "Report-Job", /lowercase letters, digits and underscores/],
    ["flyte-task-type", "9lives", /starting with a letter/],
    ["activeworkflow-agent", "DigestAgent", undefined],
    ["activeworkflow-agent", "digestAgent", /CamelCase/],
    ["activeworkflow-agent", "Digest_Agent", /CamelCase letters and digits/],
    ["plugin-label", "weather-tools", undefined],
    ["plugin-label", "Weather", /lowercase letters, digits and hyphens/],
    ["plugin-label", "weather_tools", /hyphens/],
  ] as const)("%s %s", (kind, name, problem) => {
    const found = nameProblem(kind, name);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it("derives each kind from a directory name", () => {
    expect(deriveName("flyte-task-type", "my-report.job")).toBe("my_report_job");
    expect(deriveName("activeworkflow-agent", "weekly-digest")).toBe("WeeklyDigest");
    expect(deriveName("activeworkflow-agent", "2fa-agent")).toBe("Agent2faAgent");
    expect(deriveName("plugin-label", "@acme/Weather Tools")).toBe("weather-tools");
    expect(projectNameFromDir("My Agent")).toBe("my-agent");
  });

  it("uses the package manager it was run with", () => {
    expect(detectPackageManager("pnpm/9.12.0 npm/? node/v20.19.0 linux x64")).toBe("pnpm");
    expect(detectPackageManager("yarn/4.5.0 npm/? node/v20.19.0 linux x64")).toBe("yarn");
    expect(detectPackageManager("npm/11.1.0 node/v20.19.0 linux x64 workspaces/false")).toBe("npm");
    expect(detectPackageManager(undefined)).toBe("npm");
    expect(runCommand("yarn", "conformance")).toBe("yarn conformance");
    expect(runCommand("npm", "test")).toBe("npm test");
  });
});

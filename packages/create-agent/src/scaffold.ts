import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { CreateAgentError } from "./errors.js";
import { kitClosure, type Kit } from "./kit.js";
import { assertName, deriveName, projectNameFromDir, projectNameProblem } from "./names.js";
import { detectPackageManager, runCommand, type PackageManager } from "./package-manager.js";
import { findTemplate, listTemplates, templateManifestFile, type TemplateInfo } from "./templates.js";

/** What to create. Only `dir` and `template` are required. */
export interface ScaffoldOptions {
  /** The project's directory, created when missing (relative paths are taken from `cwd`). */
  readonly dir: string;
  /** A template id (`flyte-async`…), see {@link listTemplates}. */
  readonly template: string;
  /** The agent's name (task type, agent name or plugin label); derived from the directory's name when omitted. */
  readonly name?: string;
  /** The npm package name; the directory's name (cleaned up) when omitted. */
  readonly projectName?: string;
  /** Write into a non-empty directory, replacing files of the same name. */
  readonly force?: boolean;
  /** Run the package manager's install (default true). */
  readonly install?: boolean;
  /** `git init` and a first commit (default true; skipped inside an existing git work tree or without git). */
  readonly git?: boolean;
  readonly packageManager?: PackageManager;
  readonly cwd?: string;
  readonly kit: Kit;
  /** Told as each step starts and ends, for a spinner or a log line. */
  readonly onStep?: (event: ScaffoldStep) => void;
}

export type ScaffoldStepName = "copy" | "install" | "git";

export interface ScaffoldStep {
  readonly step: ScaffoldStepName;
  readonly status: "start" | "done" | "skipped";
  /** What is happening, for a person: "copying flyte-async into ./my-agent", "23 files". */
  readonly detail: string;
}

/** What was created. */
export interface ScaffoldResult {
  readonly dir: string;
  readonly template: TemplateInfo;
  readonly name: string;
  readonly projectName: string;
  readonly packageManager: PackageManager;
  readonly files: readonly string[];
  readonly installed: boolean;
  readonly git: "committed" | "initialised" | "skipped";
  /** The commands a person runs next, in order. */
  readonly nextSteps: readonly string[];
}

/** The values a scaffold would use, checked, before anything is written. */
export interface ResolvedChoices {
  readonly dir: string;
  readonly template: TemplateInfo;
  readonly name: string;
  readonly projectName: string;
  readonly packageManager: PackageManager;
}

const textExtensions = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json", ".yaml", ".yml", ".md", ".txt", ".toml", ".hcl", ".html", ".css", ".py", ".sh", ".env", ".example"]);
const textNames = new Set(["Dockerfile", "_gitignore", ".gitignore", ".dockerignore", "_dockerignore", ".npmrc", "_npmrc", "LICENSE"]);
/** Files npm pack drops or renames, kept in templates under another name (as create-vite does). */
const renames: Record<string, string> = { _gitignore: ".gitignore", _dockerignore: ".dockerignore", _npmrc: ".npmrc" };
const neverCopied = new Set([templateManifestFile, "node_modules", "dist", "package-lock.json", "vendor", ".agentwire"]);

function isText(file: string): boolean {
  return textNames.has(basename(file)) || textExtensions.has(extname(file));
}

/** True when `dir` is missing or holds nothing but a `.git` folder. */
export function isEmptyDir(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  return readdirSync(dir).every((entry) => entry === ".git");
}

/** Checks every choice and fills the defaults, throwing before anything is written. */
export function resolveChoices(options: ScaffoldOptions): ResolvedChoices {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const template = findTemplate(listTemplates(options.kit.templatesDir), options.template);
  const projectName = options.projectName ?? projectNameFromDir(basename(dir));
  const problem = projectNameProblem(projectName);
  if (problem !== undefined) {
    throw new CreateAgentError("invalid_argument", `the project name comes from the directory: ${problem}; choose another DIR`, "DIR");
  }
  const name = options.name ?? deriveName(template.nameKind, projectName);
  assertName(template.nameKind, name);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new CreateAgentError("already_exists", `${dir} is a file, not a directory; choose another DIR`, "DIR");
  }
  if (!options.force && !isEmptyDir(dir)) {
    throw new CreateAgentError(
      "already_exists",
      `${dir} is not empty (${readdirSync(dir).filter((e) => e !== ".git").slice(0, 5).join(", ")}…); choose an empty or new directory, or pass --force to write into it`,
      "--force",
    );
  }
  return { dir, template, name, projectName, packageManager: options.packageManager ?? detectPackageManager() };
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (neverCopied.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, base));
    else if (entry.isFile()) out.push(relative(base, path));
  }
  return out.sort();
}

const overridesField: Record<PackageManager, "overrides" | "pnpm.overrides" | "resolutions"> = { npm: "overrides", bun: "overrides", pnpm: "pnpm.overrides", yarn: "resolutions" };

/**
 * npm's nested overrides in the flat form pnpm (`parent>dep`) and yarn (`parent/dep`) read. Their direct
 * dependencies need no override, so npm's `$name` references are left out.
 */
function flatOverrides(overrides: Record<string, string | Record<string, string>>, separator: string): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, spec] of Object.entries(overrides)) {
    const { ".": self, ...nested } = typeof spec === "string" ? { ".": spec } : spec;
    if (self !== undefined && !self.startsWith("$")) flat[name] = self;
    for (const [dep, version] of Object.entries(nested)) flat[`${name}${separator}${dep}`] = version;
  }
  return flat;
}

/**
 * The project's package.json: name and the template's kit dependencies, each a `file:vendor/<tarball>`, plus
 * an override for every kit package they pull in, so that no `@agentwire/*` is ever asked of the registry.
 * Returns the kit packages whose tarballs the project needs.
 */
function rewritePackageJson(text: string, choices: ResolvedChoices, kit: Kit): { json: string; kitPackages: string[] } {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  manifest.name = choices.projectName;
  const direct: string[] = [];
  for (const field of ["dependencies", "devDependencies"] as const) {
    const deps = manifest[field] as Record<string, string> | undefined;
    for (const [dep, spec] of Object.entries(deps ?? {})) {
      if (!dep.startsWith("@agentwire/")) continue;
      const carried = kit.packages[dep];
      if (carried === undefined) throw new CreateAgentError("internal", `template ${choices.template.id} needs ${dep}, which this create-agent does not carry`);
      if (spec !== `file:vendor/${carried.file}`) {
        throw new CreateAgentError("internal", `template ${choices.template.id}: ${field}.${dep} is ${JSON.stringify(spec)}, expected "file:vendor/${carried.file}"`);
      }
      direct.push(dep);
    }
  }
  const closure = kitClosure(kit, direct);
  // Every kit package: its tarball, and under it its own third-party dependencies at the versions the kit is
  // tested with (an override scoped to it, so nothing else in the tree is forced). A direct dependency's
  // override must repeat its spec, which `$name` does.
  const overrides: Record<string, string | Record<string, string>> = {};
  const listed = new Set(["dependencies", "devDependencies"].flatMap((field) => Object.keys((manifest[field] as Record<string, string> | undefined) ?? {})));
  for (const dep of closure) {
    const carried = kit.packages[dep]!;
    const self = direct.includes(dep) ? `$${dep}` : `file:vendor/${carried.file}`;
    const pins = carried.pins ?? {};
    overrides[dep] = Object.keys(pins).length === 0 ? self : { ".": self, ...pins };
    // Peers are installed beside the package, so they are pinned at the top, unless the template lists them
    // itself (npm refuses an override that differs from a direct dependency's spec).
    for (const [peer, version] of Object.entries(carried.peers ?? {})) if (!listed.has(peer)) overrides[peer] = version;
  }
  if (Object.keys(overrides).length > 0) {
    const field = overridesField[choices.packageManager];
    if (field === "pnpm.overrides") {
      const pnpm = (manifest.pnpm as Record<string, unknown> | undefined) ?? {};
      manifest.pnpm = { ...pnpm, overrides: { ...(pnpm.overrides as object | undefined), ...flatOverrides(overrides, ">") } };
    } else if (field === "resolutions") {
      manifest.resolutions = { ...(manifest.resolutions as object | undefined), ...flatOverrides(overrides, "/") };
    } else {
      manifest[field] = { ...(manifest[field] as object | undefined), ...overrides };
    }
  }
  return { json: `${JSON.stringify(manifest, null, 2)}\n`, kitPackages: closure };
}

/** Writes the project into a staging folder beside `dir`, then moves it in, so a failure leaves nothing half-written. */
function writeProject(choices: ResolvedChoices, kit: Kit, force: boolean): string[] {
  const { dir, template } = choices;
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(join(dirname(dir), `.create-agent-${basename(dir)}-`));
  /** Every occurrence of the template's default package and agent names, replaced by the chosen ones. */
  const withNames = (text: string) => text.split(template.defaultProjectName).join(choices.projectName).split(template.defaultName).join(choices.name);
  try {
    const written: string[] = [];
    for (const file of listFiles(template.dir)) {
      const target = join(dirname(file), renames[basename(file)] ?? basename(file));
      mkdirSync(join(staging, dirname(target)), { recursive: true });
      const source = join(template.dir, file);
      if (target === "package.json") {
        const { json, kitPackages } = rewritePackageJson(readFileSync(source, "utf8"), choices, kit);
        writeFileSync(join(staging, target), withNames(json));
        mkdirSync(join(staging, "vendor"), { recursive: true });
        for (const dep of kitPackages) {
          const tarball = kit.packages[dep]!.file;
          copyFileSync(join(kit.vendorDir, tarball), join(staging, "vendor", tarball));
          written.push(join("vendor", tarball));
        }
      } else if (isText(file)) {
        writeFileSync(join(staging, target), withNames(readFileSync(source, "utf8")));
      } else {
        copyFileSync(source, join(staging, target));
      }
      written.push(target);
    }
    if (!written.includes("package.json")) throw new CreateAgentError("internal", `template ${template.id} has no package.json; the kit is damaged`);
    if (!existsSync(dir)) {
      renameSync(staging, dir);
      // mkdtemp made the staging folder private (0700); give the project the mode a mkdir would.
      chmodSync(dir, 0o777 & ~process.umask());
    } else {
      for (const entry of readdirSync(staging)) {
        const destination = join(dir, entry);
        if (force && existsSync(destination)) rmSync(destination, { recursive: true, force: true });
        renameSync(join(staging, entry), destination);
      }
      rmSync(staging, { recursive: true, force: true });
    }
    return written.sort();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function runQuiet(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

function insideGitWorkTree(dir: string): boolean {
  const run = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir, encoding: "utf8" });
  return run.status === 0 && run.stdout.trim() === "true";
}

/**
 * The commands a person runs after scaffolding. A template whose agent needs an upstream (a job API, an
 * LLM server) has a `dev` script that starts a local one with it: that is shown instead of `start`.
 */
export function nextSteps(choices: Pick<ResolvedChoices, "dir" | "packageManager">, installed: boolean, cwd = process.cwd()): string[] {
  const pm = choices.packageManager;
  const fromCwd = relative(cwd, choices.dir) || ".";
  const rel = fromCwd.startsWith("..") ? choices.dir : fromCwd;
  const steps = rel === "." ? [] : [`cd ${/\s/.test(rel) ? JSON.stringify(rel) : rel}`];
  if (!installed) steps.push(runCommand(pm, "install"));
  const manifest = JSON.parse(readFileSync(join(choices.dir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const serve = manifest.scripts?.dev !== undefined ? "dev" : "start";
  steps.push(runCommand(pm, "test"), runCommand(pm, serve), runCommand(pm, "conformance"));
  return steps;
}

/**
 * Creates a project from a template: checks every name before writing, writes it whole or not at all,
 * installs its dependencies (the kit's from the tarballs it carries, never from the registry) and
 * initialises git. Throws {@link CreateAgentError} naming what was wrong and the flag that fixes it.
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const choices = resolveChoices(options);
  const { dir, template, packageManager } = choices;
  const step = options.onStep ?? (() => {});
  const shown = relative(options.cwd ?? process.cwd(), dir) || ".";

  step({ step: "copy", status: "start", detail: `copying template ${template.id} into ${shown}` });
  const files = writeProject(choices, options.kit, options.force ?? false);
  step({ step: "copy", status: "done", detail: `${files.length} files written` });

  let installed = false;
  if (options.install ?? true) {
    step({ step: "install", status: "start", detail: `installing dependencies with ${packageManager} install` });
    const result = await runQuiet(packageManager, ["install"], dir).catch((error: NodeJS.ErrnoException) => ({ code: null, output: error.message }));
    if (result.code !== 0) {
      const tail = result.output.trim().split("\n").slice(-15).join("\n");
      throw new CreateAgentError(
        "failed_precondition",
        `${packageManager} install failed in ${shown} (exit ${String(result.code)}); the project's files are all written, so fix the cause and run \`${packageManager} install\` there:\n${tail}`,
      );
    }
    installed = true;
    step({ step: "install", status: "done", detail: "dependencies installed" });
  } else {
    step({ step: "install", status: "skipped", detail: "--no-install: run the install yourself" });
  }

  let git: ScaffoldResult["git"] = "skipped";
  const gitAvailable = spawnSync("git", ["--version"]).status === 0;
  if ((options.git ?? true) && gitAvailable && !insideGitWorkTree(dirname(dir))) {
    step({ step: "git", status: "start", detail: "initialising a git repository" });
    const init = spawnSync("git", ["init", "-q"], { cwd: dir });
    if (init.status === 0) {
      git = "initialised";
      spawnSync("git", ["add", "-A"], { cwd: dir });
      const commit = spawnSync("git", ["commit", "-q", "-m", `Initial commit from create-agent (template ${template.id})`], { cwd: dir });
      if (commit.status === 0) git = "committed";
    }
    step({ step: "git", status: "done", detail: git === "committed" ? "first commit made" : "repository initialised, files staged (no git identity to commit with)" });
  } else {
    const why = !(options.git ?? true) ? "--no-git" : !gitAvailable ? "git is not installed" : "already inside a git repository";
    step({ step: "git", status: "skipped", detail: why });
  }

  return { ...choices, files, installed, git, nextSteps: nextSteps(choices, installed, options.cwd) };
}

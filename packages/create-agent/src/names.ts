import validateNpmPackageName from "validate-npm-package-name";
import { CreateAgentError } from "./errors.js";

/** The kind of name a template's agent takes, each with the rule its protocol imposes. */
export type NameKind = "flyte-task-type" | "activeworkflow-agent" | "plugin-label";

interface NameRule {
  readonly pattern: RegExp;
  readonly what: string;
  readonly why: string;
  readonly example: string;
  /** The name derived from a project (directory) name, e.g. `my-agent` → `my_agent` / `MyAgent` / `my-agent`. */
  derive(projectName: string): string;
}

function words(text: string): string[] {
  return text
    .replace(/^@[^/]+\//, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

function leadingLetter(text: string, fallback: string): string {
  return /^[A-Za-z]/.test(text) ? text : `${fallback}${text}`;
}

export const nameRules: Readonly<Record<NameKind, NameRule>> = {
  "flyte-task-type": {
    pattern: /^[a-z][a-z0-9_]{0,62}$/,
    what: "a Flyte task type: lowercase letters, digits and underscores, starting with a letter, at most 63 characters",
    why: "Propeller routes tasks by this string, and its config (`default-for-task-types`) and metric labels take it as written",
    example: "report_job",
    derive: (project) => leadingLetter(words(project).join("_"), "task_").slice(0, 63),
  },
  "activeworkflow-agent": {
    pattern: /^[A-Z][A-Za-z0-9]*$/,
    what: "an ActiveWorkflow agent name: CamelCase letters and digits, starting with a capital",
    why: "ActiveWorkflow pastes it into Ruby source as the constant Agents::<name> and fails to boot otherwise",
    example: "DigestAgent",
    derive: (project) => leadingLetter(words(project).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(""), "Agent"),
  },
  "plugin-label": {
    pattern: /^[a-z][a-z0-9-]{0,62}$/,
    what: "an AgentPlatform plugin label: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters",
    why: "it is the workspace's `plugin \"LABEL\"` block label, the name Register must return and a path segment of the view URLs",
    example: "weather-tools",
    derive: (project) => leadingLetter(words(project).join("-"), "plugin-").slice(0, 63),
  },
};

/** Why `name` is not a valid name of `kind`, or undefined when it is. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const rule = nameRules[kind];
  if (rule.pattern.test(name)) return undefined;
  return `${JSON.stringify(name)} is not ${rule.what} (e.g. ${rule.example}), because ${rule.why}`;
}

/** Throws an `invalid_argument` error naming `--name` unless `name` is valid for `kind`. */
export function assertName(kind: NameKind, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem !== undefined) throw new CreateAgentError("invalid_argument", `--name ${problem}`, "--name");
}

/** The agent name a project gets when `--name` is not given. */
export function deriveName(kind: NameKind, projectName: string): string {
  const derived = nameRules[kind].derive(projectName);
  return nameProblem(kind, derived) === undefined ? derived : nameRules[kind].example;
}

/** Why `name` cannot be an npm package name for a new project, or undefined when it can. */
export function projectNameProblem(name: string): string | undefined {
  const result = validateNpmPackageName(name);
  if (result.validForNewPackages) return undefined;
  const reasons = [...(result.errors ?? []), ...(result.warnings ?? [])];
  return `${JSON.stringify(name)} is not a valid npm package name: ${reasons.join("; ")}`;
}

/** A valid npm package name from a directory name (lowercased, spaces and odd characters turned into hyphens). */
export function projectNameFromDir(base: string): string {
  const cleaned = base
    .trim()
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/^[._]/, "")
    .replace(/[^a-z0-9-~._]+/g, "-");
  return cleaned === "" ? "agent" : cleaned;
}

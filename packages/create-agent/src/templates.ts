import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateAgentError } from "./errors.js";
import { nameRules, type NameKind } from "./names.js";

/** The file in each template folder that describes it; it is not copied into the project. */
export const templateManifestFile = "agentwire-template.json";

/** One template: a folder of real files under `templates/`, described by its `agentwire-template.json`. */
export interface TemplateInfo {
  /** The folder name, which `--template` takes: `flyte-async`. */
  readonly id: string;
  /** A short title: `Flyte async connector`. */
  readonly title: string;
  /** One line on what the generated agent does. */
  readonly description: string;
  readonly protocol: "flyte" | "activeworkflow" | "agentplatform";
  /** What `--name` is for this template, and the rule it is checked against. */
  readonly nameKind: NameKind;
  /** The agent name written in the template's files; every occurrence becomes the chosen name. */
  readonly defaultName: string;
  /** The `name` of the template's package.json; every occurrence becomes the project's name. */
  readonly defaultProjectName: string;
  /** Where the template's files are. */
  readonly dir: string;
}

/** The order templates are offered in: by protocol, the most common first. */
export const templateOrder = ["flyte-async", "flyte-sync", "activeworkflow", "plugin-tool", "plugin-llm", "plugin-view", "plugin-hook"];

const protocols = new Set(["flyte", "activeworkflow", "agentplatform"]);

function readManifest(id: string, dir: string): TemplateInfo {
  const file = join(dir, templateManifestFile);
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== "string" || value === "") {
      throw new CreateAgentError("internal", `template ${id}: ${file} has no "${key}" string; the kit is damaged, reinstall create-agent`);
    }
    return value;
  };
  const protocol = text("protocol");
  const nameKind = text("nameKind");
  if (!protocols.has(protocol) || !Object.hasOwn(nameRules, nameKind)) {
    throw new CreateAgentError("internal", `template ${id}: ${file} has protocol ${protocol} / nameKind ${nameKind}, which create-agent does not know`);
  }
  return {
    id,
    dir,
    title: text("title"),
    description: text("description"),
    protocol: protocol as TemplateInfo["protocol"],
    nameKind: nameKind as NameKind,
    defaultName: text("defaultName"),
    defaultProjectName: text("defaultProjectName"),
  };
}

/** Every template in `templatesDir`, in the order they are offered. */
export function listTemplates(templatesDir: string): TemplateInfo[] {
  if (!existsSync(templatesDir)) {
    throw new CreateAgentError("internal", `no templates at ${templatesDir}; the kit is damaged, reinstall create-agent`);
  }
  const found = readdirSync(templatesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(templatesDir, entry.name, templateManifestFile)))
    .map((entry) => readManifest(entry.name, join(templatesDir, entry.name)));
  const rank = (id: string) => {
    const at = templateOrder.indexOf(id);
    return at === -1 ? templateOrder.length : at;
  };
  return found.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** The template `id`, or a `not_found` error naming `--template` and every template there is. */
export function findTemplate(templates: readonly TemplateInfo[], id: string): TemplateInfo {
  const template = templates.find((t) => t.id === id);
  if (template !== undefined) return template;
  throw new CreateAgentError(
    "not_found",
    `--template ${JSON.stringify(id)} is not a template; choose one of:\n${templates.map((t) => `  ${t.id.padEnd(16)} ${t.description}`).join("\n")}`,
    "--template",
  );
}

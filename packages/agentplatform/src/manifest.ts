// The plugin manifest: what `GetManifest` returns (as HCL) so a platform can discover a remote plugin from
// its address alone. The shape is the platform's Manifest Reference: one `plugin "<name>"` block with
// version, description, author, icon and type, and an optional `config_schema` block of `field "<name>"`
// blocks. Only attributes the reference defines are written, so a platform that decodes the manifest
// strictly (unknown attributes are errors in HCL decoders) reads it.
import { defaultAsString, schemaProblems, type ConfigProblem, type ConfigSchema } from "./config-schema.js";
import { attribute, block, writeHcl, type HclNode } from "./hcl-writer.js";

/** How the platform runs the plugin: as its own subprocess (`local`) or at a network address (`remote`). */
export type PluginType = "local" | "remote";

/**
 * The manifest fields besides the name and version (which the `Plugin` itself carries).
 *
 * ```ts
 * const manifest = {
 *   description: "Current weather and forecasts",
 *   author: "Acme Weather",
 *   icon: "cloud",
 *   type: "remote",
 *   configSchema: { api_key_env: { type: "string", required: true } },
 * } satisfies PluginManifest;
 * ```
 */
export interface PluginManifest<S extends ConfigSchema = ConfigSchema> {
  /** What the plugin does, for people choosing plugins. Required by the manifest reference. */
  readonly description: string;
  /** Who maintains it. Required by the manifest reference. */
  readonly author: string;
  /** An icon identifier such as `cloud`, `chat` or `terminal`. Default: none. */
  readonly icon?: string;
  /**
   * `local` for a plugin the platform starts as a subprocess, `remote` for one it reaches at an address.
   * Default: `remote`. (`serve` serves either way; this is only what the manifest declares.)
   */
  readonly type?: PluginType;
  /** The configuration fields; they shape `Register`'s validation and the typed `plugin.config`. Default: none. */
  readonly configSchema?: S;
}

// semver.org's recommended expression.
const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Everything wrong with a manifest, each problem naming its field (`config_schema.<name>` for fields). */
export function manifestProblems(name: string, version: string, manifest: PluginManifest): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  if (typeof name !== "string" || name.trim() === "") add("name", "must be a non-empty string (the workspace's plugin block label)");
  if (typeof version !== "string" || !semver.test(version)) add("version", `${JSON.stringify(version)} is not a semantic version such as 1.2.0`);
  if (typeof manifest.description !== "string" || manifest.description.trim() === "") add("description", "must be a non-empty string");
  if (typeof manifest.author !== "string" || manifest.author.trim() === "") add("author", "must be a non-empty string");
  if (manifest.type !== undefined && manifest.type !== "local" && manifest.type !== "remote") {
    add("type", `${JSON.stringify(manifest.type)} is not "local" or "remote"`);
  }
  for (const p of schemaProblems(manifest.configSchema ?? {})) add(`config_schema.${p.field}`, p.problem);
  return problems;
}

/**
 * The manifest as HCL, attributes in the manifest reference's order:
 *
 * ```hcl
 * plugin "weather" {
 *   version     = "1.2.0"
 *   description = "Current weather and forecasts"
 *   author      = "Acme Weather"
 *   type        = "remote"
 *
 *   config_schema {
 *     field "units" {
 *       type    = "string"
 *       default = "metric"
 *       options = ["metric", "imperial"]
 *     }
 *   }
 * }
 * ```
 *
 * Defaults and options are written as strings, as the reference types them (`default = "3"`), whatever
 * the field's type: the platform sends values back as strings either way.
 */
export function renderManifestHcl(name: string, version: string, manifest: PluginManifest): string {
  const body: HclNode[] = [attribute("version", version), attribute("description", manifest.description), attribute("author", manifest.author)];
  if (manifest.icon !== undefined) body.push(attribute("icon", manifest.icon));
  body.push(attribute("type", manifest.type ?? "remote"));
  const fields = Object.entries(manifest.configSchema ?? {});
  if (fields.length > 0) {
    const fieldBlocks = fields.map(([fieldName, field]) => {
      const attrs: HclNode[] = [attribute("type", field.type)];
      if (field.uiType !== undefined) attrs.push(attribute("ui_type", field.uiType));
      if (field.required !== undefined) attrs.push(attribute("required", field.required));
      const fallback = defaultAsString(field);
      if (fallback !== undefined) attrs.push(attribute("default", fallback));
      if (field.description !== undefined) attrs.push(attribute("description", field.description));
      if (field.type !== "bool" && field.options !== undefined) attrs.push(attribute("options", field.options.map(String)));
      if (field.type !== "bool" && field.pattern !== undefined) attrs.push(attribute("pattern", field.pattern));
      if (field.placeholder !== undefined) attrs.push(attribute("placeholder", field.placeholder));
      if (field.apiSource !== undefined) attrs.push(attribute("api_source", field.apiSource));
      return block("field", [fieldName], attrs);
    });
    body.push(block("config_schema", [], fieldBlocks));
  }
  return writeHcl([block("plugin", [name], body)]);
}

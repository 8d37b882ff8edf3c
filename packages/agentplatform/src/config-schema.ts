// A plugin's `config_schema`: the fields the platform's settings form shows and `Register` receives. The
// platform sends every value as a string (`map<string, string>`), so this is also where strings become the
// numbers and booleans the schema promises, and where bad values are refused, all of them at once.
import { isHclIdentifier } from "./hcl-writer.js";

/** The value types the manifest reference defines. Values still travel as strings; `Register` coerces them. */
export type ConfigFieldType = "string" | "number" | "bool";

/** The settings-form widget. The platform derives one from the type and options unless this overrides it. */
export type ConfigUiType = "text" | "number" | "checkbox" | "radio" | "select";

interface ConfigFieldBase {
  /** Refuse `Register` when the merged config has no value for this field (and there is no default). Default: false. */
  readonly required?: boolean;
  /** Help text the settings form shows. Default: none. */
  readonly description?: string;
  /** Placeholder text for the form input. Default: none. */
  readonly placeholder?: string;
  /** A URL the platform fetches dynamic options from; it must answer `[{"value": ..., "label": ...}]`. Default: none. */
  readonly apiSource?: string;
  /** Overrides the widget the platform derives. Default: derived. */
  readonly uiType?: ConfigUiType;
}

/** A text value. `pattern` is searched for in the value (anchor it with `^...$` to match the whole value). */
export interface StringConfigField extends ConfigFieldBase {
  readonly type: "string";
  readonly default?: string;
  /** The allowed values (the form shows a select). Default: any value. */
  readonly options?: readonly string[];
  /** A regular expression the value must contain a match of. Default: none. */
  readonly pattern?: string;
}

/** A number. Accepted spellings: decimal, with an optional sign, fraction and exponent (`3`, `-0.5`, `1e3`). */
export interface NumberConfigField extends ConfigFieldBase {
  readonly type: "number";
  readonly default?: number;
  /** The allowed values. Default: any number. */
  readonly options?: readonly number[];
  /** A regular expression the value as sent (a string) must contain a match of. Default: none. */
  readonly pattern?: string;
}

/**
 * A boolean. Accepted spellings are Go's `strconv.ParseBool`'s, as the platform is written in Go:
 * `true`, `True`, `TRUE`, `t`, `T`, `1` and `false`, `False`, `FALSE`, `f`, `F`, `0`.
 */
export interface BoolConfigField extends ConfigFieldBase {
  readonly type: "bool";
  readonly default?: boolean;
}

export type ConfigField = StringConfigField | NumberConfigField | BoolConfigField;

/**
 * A plugin's configuration fields, by name. The names are the keys of the workspace's `config {}` block, so
 * they must be HCL identifiers.
 *
 * ```ts
 * import type { ConfigSchema } from "@agentwire/agentplatform";
 *
 * export const schema = {
 *   api_key_env: { type: "string", required: true, description: "Env var holding the API key" },
 *   units: { type: "string", options: ["metric", "imperial"], default: "metric" },
 *   max_results: { type: "number", default: 5 },
 *   verbose: { type: "bool", default: false },
 * } as const satisfies ConfigSchema;
 * ```
 */
export type ConfigSchema = { readonly [name: string]: ConfigField };

/**
 * Gives a config schema its exact type (literal options, `required: true`), to share it between the
 * plugin's manifest and the providers that read it: `class FileTools extends ToolProvider<typeof configSchema>`.
 * It returns the schema as it is; `as const satisfies ConfigSchema` does the same.
 *
 * ```ts
 * import { defineConfigSchema } from "@agentwire/agentplatform";
 *
 * export const configSchema = defineConfigSchema({
 *   root: { type: "string", required: true, description: "Directory the tools may read" },
 *   units: { type: "string", options: ["metric", "imperial"], default: "metric" },
 * });
 * // a provider's context.config is then { root: string; units: "metric" | "imperial" }
 * ```
 */
export function defineConfigSchema<const S extends ConfigSchema>(schema: S): S {
  return schema;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The JS type of one field's value; a field with literal `options` is their union. */
export type ConfigFieldValue<F> = F extends { type: "string"; options: readonly (infer O extends string)[] }
  ? O
  : F extends { type: "string" }
    ? string
    : F extends { type: "number"; options: readonly (infer N extends number)[] }
      ? N
      : F extends { type: "number" }
        ? number
        : F extends { type: "bool" }
          ? boolean
          : never;

type AlwaysSet<F> = F extends { required: true } ? true : F extends { default: string | number | boolean } ? true : false;

/**
 * The typed config a schema yields after `Register`: required fields and fields with a default are always
 * there, the others may be missing.
 */
export type ConfigValues<S extends ConfigSchema> = Simplify<
  { -readonly [K in keyof S as AlwaysSet<S[K]> extends true ? K : never]: ConfigFieldValue<S[K]> } & {
    -readonly [K in keyof S as AlwaysSet<S[K]> extends true ? never : K]?: ConfigFieldValue<S[K]>;
  }
>;

const fieldTypes: readonly string[] = ["string", "number", "bool"];
const uiTypes: readonly string[] = ["text", "number", "checkbox", "radio", "select"];
const trueSpellings = ["1", "t", "T", "true", "True", "TRUE"];
const falseSpellings = ["0", "f", "F", "false", "False", "FALSE"];
const numberSyntax = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One problem with one field: what the settings API calls `fields: {"api_key_env": "required"}`. */
export interface ConfigProblem {
  readonly field: string;
  readonly problem: string;
}

type ConfigValue = string | number | boolean;

function quote(value: string): string {
  return JSON.stringify(value);
}

function listOf(options: readonly (string | number)[]): string {
  return options.map((o) => (typeof o === "string" ? quote(o) : String(o))).join(", ");
}

/** Parses `raw` as the field's type; a string is the reason it is not one. */
function coerce(field: ConfigField, raw: string): { value: ConfigValue } | string {
  switch (field.type) {
    case "string":
      return { value: raw };
    case "number": {
      if (!numberSyntax.test(raw)) return `${quote(raw)} is not a number (write it in decimal, e.g. 3, -0.5 or 1e3)`;
      const value = Number(raw);
      if (!Number.isFinite(value)) return `${quote(raw)} is out of range for a number`;
      return { value };
    }
    case "bool":
      if (trueSpellings.includes(raw)) return { value: true };
      if (falseSpellings.includes(raw)) return { value: false };
      return `${quote(raw)} is not a bool (use true or false; also accepted: ${[...trueSpellings, ...falseSpellings].filter((s) => s !== "true" && s !== "false").join(", ")})`;
  }
}

/** Checks a typed value against the field's options and pattern; `raw` is what the pattern is matched on. */
function constraintProblem(field: ConfigField, value: ConfigValue, raw: string): string | undefined {
  if (field.type === "bool") return undefined;
  const options: readonly ConfigValue[] | undefined = field.options;
  if (options !== undefined && !options.includes(value)) {
    return `${quote(raw)} is not one of ${listOf(field.options ?? [])}`;
  }
  if (field.pattern !== undefined && !new RegExp(field.pattern).test(raw)) {
    return `${quote(raw)} does not match the pattern ${field.pattern}`;
  }
  return undefined;
}

/**
 * Everything wrong with a schema itself (not with a config): names that are not identifiers, unknown types,
 * patterns that do not compile, defaults of the wrong type or outside their own options or pattern.
 */
export function schemaProblems(schema: ConfigSchema): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, field] of Object.entries(schema)) {
    const add = (problem: string) => problems.push({ field: name, problem });
    if (!isHclIdentifier(name)) add("the name is not an HCL identifier (a letter or _, then letters, digits, _ or -)");
    const type = (field as { type?: unknown }).type;
    if (typeof type !== "string" || !fieldTypes.includes(type)) {
      add(`type ${JSON.stringify(type)} is not one of "string", "number", "bool"`);
      continue;
    }
    if (field.uiType !== undefined && !uiTypes.includes(field.uiType)) {
      add(`ui_type ${quote(field.uiType)} is not one of ${listOf(uiTypes)}`);
    }
    if (field.type === "bool") {
      const extra = field as { options?: unknown; pattern?: unknown };
      if (extra.options !== undefined) add("a bool field takes no options");
      if (extra.pattern !== undefined) add("a bool field takes no pattern");
      if (field.default !== undefined && typeof field.default !== "boolean") add(`default ${JSON.stringify(field.default)} is not a boolean`);
      continue;
    }
    if (field.pattern !== undefined) {
      try {
        new RegExp(field.pattern);
      } catch (err) {
        add(`pattern ${field.pattern} does not compile: ${(err as Error).message}`);
        continue;
      }
    }
    const jsType = field.type === "string" ? "string" : "number";
    if (field.options !== undefined) {
      if (!Array.isArray(field.options) || field.options.length === 0) add("options must be a non-empty list");
      else if (field.options.some((o) => typeof o !== jsType || (jsType === "number" && !Number.isFinite(o)))) {
        add(`every option must be a ${jsType === "number" ? "finite number" : "string"}`);
      }
    }
    if (field.default !== undefined) {
      if (typeof field.default !== jsType || (typeof field.default === "number" && !Number.isFinite(field.default))) {
        add(`default ${JSON.stringify(field.default)} is not a ${jsType === "number" ? "finite number" : "string"}`);
      } else {
        const problem = constraintProblem(field, field.default, String(field.default));
        if (problem !== undefined) add(`default ${problem}`);
      }
    }
  }
  return problems;
}

/** A default as the manifest writes it: the manifest reference types every default as a string. */
export function defaultAsString(field: ConfigField): string | undefined {
  return field.default === undefined ? undefined : String(field.default);
}

/**
 * Merges `raw` (what `Register` received) over the schema's defaults, coerces every value to its field's
 * type and checks it. An empty string counts as not set, the way a blank form input does: the default
 * applies, or a required field is reported missing, or an optional one is left out. Keys the schema does
 * not declare are problems too, so a misspelt key is caught rather than silently ignored.
 */
export function resolveConfig(
  schema: ConfigSchema,
  raw: Readonly<Record<string, string>>,
): { values: Record<string, ConfigValue>; problems: ConfigProblem[] } {
  const values: Record<string, ConfigValue> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, field] of Object.entries(schema)) {
    const given = Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (given === undefined || given === "") {
      if (field.default !== undefined) values[name] = field.default;
      else if (field.required) problems.push({ field: name, problem: "required, and not set (no value, no default)" });
      continue;
    }
    const coerced = coerce(field, given);
    if (typeof coerced === "string") {
      problems.push({ field: name, problem: coerced });
      continue;
    }
    const problem = constraintProblem(field, coerced.value, given);
    if (problem !== undefined) problems.push({ field: name, problem });
    else values[name] = coerced.value;
  }
  const known = Object.keys(schema);
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(schema, name)) {
      problems.push({
        field: name,
        problem: `not a field of this plugin's config_schema (${known.length === 0 ? "it declares none" : `fields: ${known.join(", ")}`})`,
      });
    }
  }
  return { values, problems };
}

/** Problems as one line: `api_key_env: required, ...; units: "kelvin" is not one of ...`. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.problem}`).join("; ");
}

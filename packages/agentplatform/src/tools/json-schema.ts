// JSON Schema as a tool's input schema: the type an author writes, the handler input TypeScript infers
// from it, and the subset of the vocabulary this package validates arguments with. A full validator
// (ajv) would be a dependency the SDK's other users pay for; tool schemas written by hand use a small,
// well-known part of the vocabulary, and an author who needs more passes a Standard Schema (zod, valibot,
// arktype) to validate with and the JSON Schema only to describe the tool.

/** The type names JSON Schema defines. */
export type JsonSchemaTypeName = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

/**
 * A JSON Schema, as an author writes one for a tool's arguments. The keywords listed are the ones this
 * package validates; annotations (`title`, `description`, `default`, `examples`, `format`, ...) are sent
 * to the platform and otherwise ignored; see `supportedJsonSchemaKeywords` for the whole subset.
 *
 * ```ts
 * const readFileArgs = {
 *   type: "object",
 *   properties: { path: { type: "string", minLength: 1, description: "Path relative to the root" } },
 *   required: ["path"],
 *   additionalProperties: false,
 * } satisfies JsonSchema;
 * ```
 */
export interface JsonSchema {
  readonly type?: JsonSchemaTypeName | readonly JsonSchemaTypeName[];
  readonly properties?: { readonly [name: string]: JsonSchema | boolean };
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: JsonSchema | boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly anyOf?: readonly (JsonSchema | boolean)[];
  readonly oneOf?: readonly (JsonSchema | boolean)[];
  readonly allOf?: readonly (JsonSchema | boolean)[];
  readonly not?: JsonSchema | boolean;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly format?: string;
  readonly [keyword: string]: unknown;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P & string as K extends RequiredKeys<S> ? K : never]: InferJsonSchema<P[K]> } & {
        -readonly [K in keyof P & string as K extends RequiredKeys<S> ? never : K]?: InferJsonSchema<P[K]>;
      }
    >
  : Record<string, unknown>;

type OfTypeName<T, S> = T extends "string"
  ? string
  : T extends "number" | "integer"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "null"
        ? null
        : T extends "array"
          ? S extends { readonly items: infer I }
            ? InferJsonSchema<I>[]
            : unknown[]
          : T extends "object"
            ? ObjectOf<S>
            : unknown;

/**
 * The value a JSON Schema written as a literal accepts, for the common keywords (`type`, `properties`,
 * `required`, `items`, `enum`, `const`); anything it cannot read is `unknown`. This is what a tool
 * handler's input is typed as when the tool's `inputSchema` is a JSON Schema.
 *
 * ```ts
 * type Args = InferJsonSchema<{ type: "object"; properties: { path: { type: "string" } }; required: ["path"] }>;
 * // { path: string }
 * ```
 */
export type InferJsonSchema<S> = S extends true
  ? unknown
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly const: infer C }
      ? C
      : S extends { readonly type: infer T }
        ? T extends readonly (infer U)[]
          ? OfTypeName<U, S>
          : OfTypeName<T, S>
        : S extends { readonly properties: unknown }
          ? ObjectOf<S>
          : unknown;

/** One thing wrong with a value (or a schema): where (`a.b[2]`, `""` at the root) and what. */
export interface JsonSchemaIssue {
  readonly path: string;
  readonly message: string;
}

const typeNames: readonly string[] = ["object", "array", "string", "number", "integer", "boolean", "null"];

/** Keywords that are only descriptions: sent to the platform, never checked. */
const annotationKeywords = [
  "$schema",
  "$id",
  "$comment",
  "$anchor",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "format",
  "deprecated",
  "readOnly",
  "writeOnly",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
];

const validatedKeywords = [
  "type",
  "properties",
  "required",
  "additionalProperties",
  "minProperties",
  "maxProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "enum",
  "const",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
];

/**
 * The JSON Schema keywords a plain JSON Schema input may use: `validated` ones are checked against the
 * arguments, `annotations` are sent and ignored. Keywords outside both lists that change what a schema
 * accepts (`$ref`, `if`, `patternProperties`, `prefixItems`, ...) are refused when the tool is registered,
 * since ignoring them would let arguments through that the schema refuses; keywords nobody defines (`x-...`)
 * are ignored, as JSON Schema says.
 */
export const supportedJsonSchemaKeywords: { readonly validated: readonly string[]; readonly annotations: readonly string[] } = {
  validated: validatedKeywords,
  annotations: annotationKeywords,
};

/** Applicator and assertion keywords of drafts 4 to 2020-12 that the subset does not implement. */
const unsupportedKeywords = new Set([
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "patternProperties",
  "propertyNames",
  "prefixItems",
  "additionalItems",
  "contains",
  "minContains",
  "maxContains",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** What `typeof` says, in JSON Schema's words (`integer` for whole numbers, `array`, `null`). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * Everything wrong with `schema` as a schema of the supported subset: malformed keyword values, patterns
 * that are not regular expressions, unsupported keywords. `path` is where the schema sits, for messages
 * (`inputSchema.properties.path.pattern`).
 */
export function jsonSchemaProblems(schema: unknown, path = ""): JsonSchemaIssue[] {
  const problems: JsonSchemaIssue[] = [];
  const at = (key: string) => joinPath(path, key);
  if (typeof schema === "boolean") return problems;
  if (!isObject(schema)) return [{ path, message: `a schema must be an object or a boolean, got ${jsonTypeOf(schema)}` }];
  for (const [key, value] of Object.entries(schema)) {
    if (unsupportedKeywords.has(key)) {
      problems.push({
        path: at(key),
        message:
          `"${key}" is not in the JSON Schema subset this SDK validates with; pass a Standard Schema (zod, valibot, ...) ` +
          "as inputSchema to validate and this JSON Schema as jsonSchema to describe the tool",
      });
      continue;
    }
    switch (key) {
      case "type": {
        const names = Array.isArray(value) ? (value as unknown[]) : [value];
        if (names.length === 0 || names.some((n) => typeof n !== "string" || !typeNames.includes(n))) {
          problems.push({ path: at(key), message: `must be one of ${typeNames.join(", ")} or a non-empty array of them` });
        }
        break;
      }
      case "properties":
        if (!isObject(value)) problems.push({ path: at(key), message: "must be an object of schemas" });
        else for (const [name, sub] of Object.entries(value)) problems.push(...jsonSchemaProblems(sub, joinPath(at(key), name)));
        break;
      case "required":
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) problems.push({ path: at(key), message: "must be an array of property names" });
        break;
      case "additionalProperties":
      case "items":
      case "not":
        if (Array.isArray(value)) {
          problems.push({ path: at(key), message: key === "items" ? "an array of schemas (tuple validation) is not supported; give one schema for every item" : "must be a schema" });
        } else {
          problems.push(...jsonSchemaProblems(value, at(key)));
        }
        break;
      case "anyOf":
      case "oneOf":
      case "allOf":
        if (!Array.isArray(value) || value.length === 0) problems.push({ path: at(key), message: "must be a non-empty array of schemas" });
        else value.forEach((sub, i) => problems.push(...jsonSchemaProblems(sub, joinPath(at(key), i))));
        break;
      case "enum":
        if (!Array.isArray(value) || value.length === 0) problems.push({ path: at(key), message: "must be a non-empty array" });
        break;
      case "minLength":
      case "maxLength":
      case "minItems":
      case "maxItems":
      case "minProperties":
      case "maxProperties":
        if (!isNonNegativeInteger(value)) problems.push({ path: at(key), message: "must be a non-negative integer" });
        break;
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        if (typeof value !== "number" || !Number.isFinite(value)) {
          problems.push({
            path: at(key),
            message: typeof value === "boolean" ? "must be a number (the draft-04 boolean form is not supported)" : "must be a number",
          });
        }
        break;
      case "multipleOf":
        if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) problems.push({ path: at(key), message: "must be a number greater than 0" });
        break;
      case "uniqueItems":
        if (typeof value !== "boolean") problems.push({ path: at(key), message: "must be a boolean" });
        break;
      case "pattern":
        if (typeof value !== "string") problems.push({ path: at(key), message: "must be a string" });
        else if (compilePattern(value) === undefined) problems.push({ path: at(key), message: `${JSON.stringify(value)} is not a valid regular expression` });
        break;
      default:
        break;
    }
  }
  return problems;
}

const patternCache = new Map<string, RegExp | undefined>();

/** JSON Schema patterns are ECMA-262 regular expressions, unanchored, over Unicode code points. */
function compilePattern(pattern: string): RegExp | undefined {
  if (!patternCache.has(pattern)) {
    let compiled: RegExp | undefined;
    try {
      compiled = new RegExp(pattern, "u");
    } catch {
      compiled = undefined;
    }
    patternCache.set(pattern, compiled);
  }
  return patternCache.get(pattern);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function matchesType(value: unknown, name: string): boolean {
  switch (name) {
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === name;
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function plural(n: number, word: "character" | "item" | "property"): string {
  if (n === 1) return `1 ${word}`;
  return `${n} ${word === "property" ? "properties" : `${word}s`}`;
}

/**
 * Checks `value` (parsed JSON) against `schema`, which `jsonSchemaProblems` found no problem with, and
 * returns every issue, each naming the path of the value that is wrong (`options.depth`, `files[2]`).
 * A missing required property is reported at its own path, as `required`.
 */
export function validateJsonSchema(schema: JsonSchema | boolean, value: unknown, path = ""): JsonSchemaIssue[] {
  if (schema === true) return [];
  if (schema === false) return [{ path, message: "no value is allowed here" }];
  const issues: JsonSchemaIssue[] = [];
  const fail = (message: string) => issues.push({ path, message });

  if (schema.type !== undefined) {
    const names = (Array.isArray(schema.type) ? schema.type : [schema.type]) as readonly string[];
    if (!names.some((name) => matchesType(value, name))) {
      fail(`expected ${names.join(" or ")}, got ${jsonTypeOf(value)}`);
      // Nothing else can be said usefully about a value of the wrong type.
      return issues;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => deepEqual(allowed, value))) {
    fail(`must be one of ${schema.enum.map(show).join(", ")}, got ${show(value)}`);
  }
  if (Object.hasOwn(schema, "const") && !deepEqual(schema.const, value)) fail(`must be ${show(schema.const)}, got ${show(value)}`);

  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(`must be at least ${plural(schema.minLength, "character")} long`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`must be at most ${plural(schema.maxLength, "character")} long, got ${length}`);
    if (schema.pattern !== undefined && !compilePattern(schema.pattern)?.test(value)) fail(`must match the pattern /${schema.pattern}/`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be >= ${schema.minimum}, got ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be <= ${schema.maximum}, got ${value}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail(`must be > ${schema.exclusiveMinimum}, got ${value}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) fail(`must be < ${schema.exclusiveMaximum}, got ${value}`);
    if (schema.multipleOf !== undefined) {
      const quotient = value / schema.multipleOf;
      if (Math.abs(quotient - Math.round(quotient)) > 1e-9) fail(`must be a multiple of ${schema.multipleOf}, got ${value}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`must have at least ${plural(schema.minItems, "item")}, got ${value.length}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`must have at most ${plural(schema.maxItems, "item")}, got ${value.length}`);
    if (schema.uniqueItems === true) {
      outer: for (let i = 0; i < value.length; i++) {
        for (let j = i + 1; j < value.length; j++) {
          if (deepEqual(value[i], value[j])) {
            fail(`items must be unique, but items ${i} and ${j} are equal`);
            break outer;
          }
        }
      }
    }
    if (schema.items !== undefined) value.forEach((item, i) => issues.push(...validateJsonSchema(schema.items!, item, joinPath(path, i))));
  }
  if (isObject(value)) {
    const count = Object.keys(value).length;
    if (schema.minProperties !== undefined && count < schema.minProperties) fail(`must have at least ${plural(schema.minProperties, "property")}`);
    if (schema.maxProperties !== undefined && count > schema.maxProperties) fail(`must have at most ${plural(schema.maxProperties, "property")}, got ${count}`);
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(value, name)) issues.push({ path: joinPath(path, name), message: "required" });
    }
    const properties = schema.properties ?? {};
    for (const [name, item] of Object.entries(value)) {
      const sub = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (sub !== undefined) {
        issues.push(...validateJsonSchema(sub, item, joinPath(path, name)));
      } else if (schema.additionalProperties === false) {
        const allowed = Object.keys(properties);
        issues.push({
          path: joinPath(path, name),
          message: `unexpected property (${allowed.length === 0 ? "no properties are allowed" : `allowed: ${allowed.join(", ")}`})`,
        });
      } else if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) {
        issues.push(...validateJsonSchema(schema.additionalProperties, item, joinPath(path, name)));
      }
    }
  }

  if (schema.allOf !== undefined) for (const sub of schema.allOf) issues.push(...validateJsonSchema(sub, value, path));
  if (schema.anyOf !== undefined) {
    const failures = schema.anyOf.map((sub) => validateJsonSchema(sub, value, path));
    if (failures.every((f) => f.length > 0)) fail(`matches none of the allowed schemas (${describeBranches(failures, path)})`);
  }
  if (schema.oneOf !== undefined) {
    const failures = schema.oneOf.map((sub) => validateJsonSchema(sub, value, path));
    const matched = failures.flatMap((f, i) => (f.length === 0 ? [i + 1] : []));
    if (matched.length === 0) fail(`matches none of the allowed schemas (${describeBranches(failures, path)})`);
    else if (matched.length > 1) fail(`must match exactly one of the allowed schemas, but matches options ${matched.join(" and ")}`);
  }
  if (schema.not !== undefined && validateJsonSchema(schema.not, value, path).length === 0) fail("matches a schema it must not match");
  return issues;
}

/** `option 1: expected string, got integer; option 2: b: required`, for a failed anyOf/oneOf. */
function describeBranches(failures: readonly JsonSchemaIssue[][], path: string): string {
  return failures
    .map((issues, i) => {
      const first = issues[0]!;
      const where = first.path === path ? "" : `${path === "" ? first.path : first.path.slice(path.length).replace(/^\./, "")}: `;
      return `option ${i + 1}: ${where}${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ""}`;
    })
    .join("; ");
}

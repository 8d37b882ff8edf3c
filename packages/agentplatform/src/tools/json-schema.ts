// JSON Schema as a tool's input schema: the type an author writes, the handler input TypeScript infers
// from it, and the validator the arguments are checked with. Validation is ajv's (draft 2020-12 and
// draft-07, the whole vocabulary: `$ref`/`$defs`, `patternProperties`, `prefixItems`, `if`/`then`/`else`,
// ...), so a schema pydantic or zod generates works as it is; what is this package's own is the
// compile-once wrapper and the messages, which name the argument that is wrong in words an agent can act on.
import { createRequire } from "node:module";
import type { Ajv, AnySchemaObject, ErrorObject, Options, ValidateFunction } from "ajv";
import type { LosslessNumber } from "@agentwire/core";

/**
 * ajv, loaded (synchronously: it is CommonJS) when the first JSON Schema is compiled, not when the package
 * is imported: it costs ~45 ms of a local plugin's start-up, and a plugin whose tools take zod schemas never
 * needs it. Only ajv-formats' format table (plain functions and regexes) is loaded: its entry point also
 * loads its own copy of ajv for the formatMinimum keywords, which are not used here.
 */
interface AjvLibrary {
  Ajv: new (options: Options) => Ajv;
  Ajv2020: new (options: Options) => Ajv;
  /**
   * The formats checked: ajv-formats' full set, except that `date-time` and `time` take a value without a
   * UTC offset (`2024-05-01T12:00:00`), as pydantic (which emits them for `datetime` and `time` fields)
   * and `Date.parse` do. Formats not in the set are ignored.
   */
  formats: typeof import("ajv-formats/dist/formats.js").fullFormats;
}
let ajvLibrary: AjvLibrary | undefined;
function ajvLib(): AjvLibrary {
  if (ajvLibrary === undefined) {
    const require = createRequire(import.meta.url);
    const { fullFormats } = require("ajv-formats/dist/formats.js") as typeof import("ajv-formats/dist/formats.js");
    ajvLibrary = {
      Ajv: (require("ajv") as typeof import("ajv")).Ajv,
      Ajv2020: (require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js")).Ajv2020,
      formats: { ...fullFormats, "date-time": fullFormats["iso-date-time"], time: fullFormats["iso-time"] },
    };
  }
  return ajvLibrary;
}

/** The type names JSON Schema defines. */
export type JsonSchemaTypeName = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

/**
 * A JSON Schema (draft 2020-12, or draft-07 when `$schema` says so), as an author writes one for a tool's
 * arguments or a generator (pydantic's `model_json_schema()`, zod's `z.toJSONSchema()`) produces it. The
 * keywords are listed for editors and type inference; every keyword of the dialect is validated, and
 * keywords the dialect does not define (`x-...`, OpenAPI's `discriminator`) are ignored.
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
  readonly $schema?: string;
  readonly $id?: string;
  readonly $ref?: string;
  readonly $defs?: { readonly [name: string]: JsonSchema | boolean };
  /** draft-07's name for `$defs`. */
  readonly definitions?: { readonly [name: string]: JsonSchema | boolean };
  readonly type?: JsonSchemaTypeName | readonly JsonSchemaTypeName[];
  readonly properties?: { readonly [name: string]: JsonSchema | boolean };
  readonly patternProperties?: { readonly [pattern: string]: JsonSchema | boolean };
  readonly additionalProperties?: JsonSchema | boolean;
  readonly unevaluatedProperties?: JsonSchema | boolean;
  readonly propertyNames?: JsonSchema | boolean;
  readonly required?: readonly string[];
  readonly dependentRequired?: { readonly [name: string]: readonly string[] };
  readonly dependentSchemas?: { readonly [name: string]: JsonSchema | boolean };
  readonly minProperties?: number;
  readonly maxProperties?: number;
  /** One schema for every item (draft-07 also allows an array of schemas, one per position). */
  readonly items?: JsonSchema | boolean | readonly (JsonSchema | boolean)[];
  readonly prefixItems?: readonly (JsonSchema | boolean)[];
  readonly unevaluatedItems?: JsonSchema | boolean;
  readonly contains?: JsonSchema | boolean;
  readonly minContains?: number;
  readonly maxContains?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly anyOf?: readonly (JsonSchema | boolean)[];
  readonly oneOf?: readonly (JsonSchema | boolean)[];
  readonly allOf?: readonly (JsonSchema | boolean)[];
  readonly not?: JsonSchema | boolean;
  readonly if?: JsonSchema | boolean;
  readonly then?: JsonSchema | boolean;
  readonly else?: JsonSchema | boolean;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
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
  : T extends "integer"
    ? number | bigint
    : T extends "number"
      ? number | bigint | LosslessNumber
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
 * `required`, `items`, `enum`, `const`, `anyOf`/`oneOf`); anything it cannot read (`$ref`, `prefixItems`,
 * ...) is `unknown`. This is what a tool handler's input is typed as when the tool's `inputSchema` is a
 * JSON Schema.
 *
 * Numbers are typed as the handler gets them (core's `exactNumbers` of the arguments): a number a double
 * holds exactly is a `number` (`1.0` is `1`), an integer past 2^53 a `bigint`, and any other number (more
 * digits than a double holds: `0.1000000000000000055511151231257827`) a `LosslessNumber`. So `integer` is
 * `number | bigint` and `number` is `number | bigint | LosslessNumber`. (One rare case escapes `integer`'s
 * type: an integer a double cannot hold, written with a fraction or an exponent, such as
 * `18446744073709551615.0` or `1e400`, stays a `LosslessNumber`.)
 *
 * ```ts
 * type Args = InferJsonSchema<{ type: "object"; properties: { path: { type: "string" }; depth: { type: "integer" } }; required: ["path"] }>;
 * // { path: string; depth?: number | bigint }
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
          : S extends { readonly anyOf: readonly (infer B)[] }
            ? InferJsonSchema<B>
            : S extends { readonly oneOf: readonly (infer B)[] }
              ? InferJsonSchema<B>
              : unknown;

/** One thing wrong with a value (or a schema): where (`a.b[2]`, `""` at the root) and what. */
export interface JsonSchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** A schema compiled once: its problems (none when it can validate) and the check. */
export interface CompiledJsonSchema {
  /** The `$schema` of the dialect it is validated as. */
  readonly dialect: string;
  /** Why the schema cannot validate: where in the schema, and what (empty when `validate` works). */
  readonly problems: readonly JsonSchemaIssue[];
  /** Every issue with `value` (parsed JSON), each naming the path of the value that is wrong. Throws when `problems` is not empty. */
  validate(value: unknown): JsonSchemaIssue[];
}

const draft2020 = "https://json-schema.org/draft/2020-12/schema";
const draft07 = "http://json-schema.org/draft-07/schema#";

/**
 * The `$schema` values a plain JSON Schema input may have: draft 2020-12 (also assumed without `$schema`,
 * as pydantic v2 and hand-written schemas have none, and what zod 4 and MCP use) and draft-07 (`http` or
 * `https`, with or without the trailing `#`). Other dialects (draft-04, 2019-09) are refused at registration.
 */
export const supportedJsonSchemaDialects: readonly string[] = [draft2020, draft07];

type Dialect = { readonly id: string; readonly create: (options: Options) => Ajv };

const dialects: readonly (Dialect & { readonly matches: RegExp })[] = [
  { id: draft2020, matches: /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, create: (options) => new (ajvLib().Ajv2020)(options) },
  { id: draft07, matches: /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, create: (options) => new (ajvLib().Ajv)(options) },
];

/**
 * How ajv runs. `strict: false`: generated schemas carry keywords ajv's strict mode refuses (pydantic's
 * `discriminator`, vendors' `x-...`) and formats it does not know (`path`), which JSON Schema says to ignore.
 * `allErrors`: every problem is reported, not the first. `verbose`: errors carry the data and schema the
 * messages are written from. `ownProperties`: a missing `required` property is not found on
 * `Object.prototype` (`toString`). `multipleOfPrecision`: `0.3` is a multiple of `0.1`.
 */
const ajvOptions: Options = {
  strict: false,
  allErrors: true,
  verbose: true,
  ownProperties: true,
  multipleOfPrecision: 9,
  logger: false,
};

/** An ajv of `dialect` with this package's options and formats. */
function newAjv(dialect: Dialect, options: Options): Ajv {
  const ajv = dialect.create({ ...ajvOptions, ...options });
  for (const [name, format] of Object.entries(ajvLib().formats)) ajv.addFormat(name, format);
  return ajv;
}

/** One ajv per dialect that checks schemas against the dialect's meta-schema (compiled the first time, ~30 ms). */
const metaCheckers = new Map<string, Ajv>();
function metaChecker(dialect: Dialect): Ajv {
  let ajv = metaCheckers.get(dialect.id);
  if (ajv === undefined) {
    ajv = newAjv(dialect, {});
    metaCheckers.set(dialect.id, ajv);
  }
  return ajv;
}

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

/** The `a.b[2]` path of ajv's `instancePath` (`/a/b/2`) in `data`, which says whether `2` is an index or a key. */
function pathOf(data: unknown, base: string, instancePath: string): string {
  if (instancePath === "") return base;
  let path = base;
  let current: unknown = data;
  for (const raw of instancePath.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key)) {
      path = joinPath(path, Number(key));
      current = current[Number(key)];
    } else {
      path = joinPath(path, key);
      current = isObject(current) ? current[key] : undefined;
    }
  }
  return path;
}

function show(value: unknown): string {
  // A number past a double's range (an argument written 1e400) is compared as Infinity: say so, not `null`.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function plural(n: number, word: "character" | "item" | "property"): string {
  if (n === 1) return `1 ${word}`;
  return `${n} ${word === "property" ? "properties" : `${word}s`}`;
}

/** What a value of a common format looks like, for the message of one that is not. */
const formatHints: Readonly<Record<string, string>> = {
  "date-time": 'a date-time such as "2024-05-01T12:00:00Z"',
  date: 'a date such as "2024-05-01"',
  time: 'a time such as "12:00:00"',
  duration: 'an ISO 8601 duration such as "P1DT2H"',
  email: "an email address",
  uri: 'an absolute URI such as "https://example.com/a"',
  uuid: 'a UUID such as "123e4567-e89b-12d3-a456-426614174000"',
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  hostname: "a host name",
};

// ---------------------------------------------------------------------------------------------------
// Compiling

/**
 * Where each object of the schema sits, as a JSON pointer in a URI fragment (`/properties/a%20b`), to reach
 * the sub-schemas of an `anyOf` that failed.
 */
function pointerMap(schema: unknown): WeakMap<object, string> {
  const map = new WeakMap<object, string>();
  const walk = (node: unknown, pointer: string) => {
    if (typeof node !== "object" || node === null || map.has(node)) return;
    map.set(node, pointer);
    for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${encodeURIComponent(key.replace(/~/g, "~0").replace(/\//g, "~1"))}`);
  };
  walk(schema, "");
  return map;
}

const singleSchemaKeywords = [
  "additionalProperties",
  "unevaluatedProperties",
  "propertyNames",
  "items",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "not",
  "if",
  "then",
  "else",
];
const schemaMapKeywords = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];
const schemaArrayKeywords = ["anyOf", "oneOf", "allOf", "prefixItems", "items"];

/** Calls `visit` on every sub-schema object of `schema` with its path (`properties.a`), following the applicator keywords. */
function eachSchema(schema: unknown, path: string, visit: (schema: Record<string, unknown>, path: string) => void): void {
  if (!isObject(schema)) return;
  visit(schema, path);
  for (const key of singleSchemaKeywords) if (isObject(schema[key])) eachSchema(schema[key], joinPath(path, key), visit);
  for (const key of schemaMapKeywords) {
    const map = schema[key];
    if (isObject(map)) for (const [name, sub] of Object.entries(map)) eachSchema(sub, joinPath(joinPath(path, key), name), visit);
  }
  for (const key of schemaArrayKeywords) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => eachSchema(sub, joinPath(joinPath(path, key), i), visit));
  }
}

/** JSON Schema patterns are ECMA-262 regular expressions over Unicode code points, as ajv compiles them. */
function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

/** Patterns that are not regular expressions, by place: ajv's own error for them does not say where they are. */
function patternProblems(schema: unknown): JsonSchemaIssue[] {
  const problems: JsonSchemaIssue[] = [];
  eachSchema(schema, "", (node, path) => {
    if (typeof node.pattern === "string" && !isRegExp(node.pattern)) {
      problems.push({ path: joinPath(path, "pattern"), message: `${JSON.stringify(node.pattern)} is not a valid regular expression` });
    }
    if (isObject(node.patternProperties)) {
      for (const pattern of Object.keys(node.patternProperties)) {
        if (!isRegExp(pattern)) problems.push({ path: joinPath(path, "patternProperties"), message: `${JSON.stringify(pattern)} is not a valid regular expression` });
      }
    }
  });
  return problems;
}

/** Where `schema` has the `$ref` ajv could not resolve (`properties.a.$ref`), or the root. */
function refPath(schema: unknown, ref: string | undefined): string {
  let found: string | undefined;
  eachSchema(schema, "", (node, path) => {
    if (found === undefined && node.$ref === ref) found = joinPath(path, "$ref");
  });
  return found ?? "";
}

/**
 * A meta-schema's complaints about a schema, one per place: ajv checks each vocabulary's meta-schema
 * (the same error up to eight times), and the alternatives of the meta-schema's `anyOf`s (a `type` is a
 * name or an array of names) are joined with "or".
 */
function metaProblems(errors: readonly ErrorObject[], schema: unknown): JsonSchemaIssue[] {
  const alternativesAt = new Set(errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => pathOf(schema, "", e.instancePath)));
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") continue;
    for (const issue of issuesOfError(error, schema, "", false)) {
      const message = metaHint(error, issue.path) ?? issue.message;
      const messages = byPath.get(issue.path) ?? [];
      if (!messages.includes(message)) messages.push(message);
      byPath.set(issue.path, messages);
    }
  }
  return [...byPath].flatMap(([path, messages]) => (alternativesAt.has(path) ? [{ path, message: messages.join("; or ") }] : messages.map((message) => ({ path, message }))));
}

/** What to do about the meta-schema errors an author of an older draft's schema meets. */
function metaHint(error: ErrorObject, path: string): string | undefined {
  if (error.keyword !== "type") return undefined;
  const key = path.slice(path.lastIndexOf(".") + 1);
  if (JSON.stringify(error.params.type) === '["object","boolean"]') {
    if (key === "items" && Array.isArray(error.data)) {
      return `an array of schemas is draft-07's tuple form: in draft 2020-12 write it as prefixItems (or declare "$schema": ${JSON.stringify(draft07)})`;
    }
    return `must be a schema (an object, or true or false), got ${jsonTypeOf(error.data)}`;
  }
  if ((key === "exclusiveMinimum" || key === "exclusiveMaximum") && typeof error.data === "boolean") {
    return `must be a number (draft-04's boolean form is not supported: write the bound itself, ${key}: 0, instead of ${key === "exclusiveMinimum" ? "minimum" : "maximum"}: 0 with ${key}: true)`;
  }
  return undefined;
}

/** The key the schema is added to its ajv under, to reach sub-schemas by JSON pointer (`urn:agentwire:input#/anyOf/0`). */
const rootKey = "urn:agentwire:input";

/**
 * Compiles `schema` (a JSON value, not changed afterwards) once: checks it against its dialect's
 * meta-schema, then has ajv compile it. A schema that cannot validate gets `problems`, each naming the
 * place in the schema (`properties.a.minLength`) and what is wrong, ajv's reason included.
 */
export function compileJsonSchema(schema: unknown): CompiledJsonSchema {
  const refused = (dialect: string, problems: JsonSchemaIssue[]): CompiledJsonSchema => ({
    dialect,
    problems,
    validate: () => {
      throw new TypeError(`the schema cannot validate: ${problems.map((p) => `${p.path === "" ? "(root)" : p.path}: ${p.message}`).join("; ")}`);
    },
  });
  if (typeof schema === "boolean") {
    return { dialect: draft2020, problems: [], validate: () => (schema ? [] : [{ path: "", message: "no value is allowed here" }]) };
  }
  if (!isObject(schema)) return refused(draft2020, [{ path: "", message: `a schema must be an object or a boolean, got ${jsonTypeOf(schema)}` }]);

  const declared = schema.$schema;
  const dialect = declared === undefined ? dialects[0]! : dialects.find((d) => typeof declared === "string" && d.matches.test(declared));
  if (dialect === undefined) {
    return refused(String(declared), [
      {
        path: "$schema",
        message: `${show(declared)} is not a dialect this SDK validates: use ${JSON.stringify(draft2020)} (assumed when $schema is absent) or ${JSON.stringify(draft07)}`,
      },
    ]);
  }
  // The dialect is chosen: each ajv class checks against its own meta-schema, whatever the spelling of `$schema`.
  const root: Record<string, unknown> = { ...schema };
  delete root.$schema;

  const checker = metaChecker(dialect);
  const problems = checker.validateSchema(root) ? [] : metaProblems(checker.errors ?? [], root);
  // draft-07's meta-schema checks patterns too (as format "regex"): one problem per place.
  problems.push(...patternProblems(root).filter((p) => !problems.some((q) => q.path === p.path)));
  if (problems.length > 0) return refused(dialect.id, problems);

  // An ajv of its own: the schema's `$id`s cannot clash with another tool's, and it goes when the tool does.
  const ajv = newAjv(dialect, { validateSchema: false });
  let validateRoot: ValidateFunction;
  try {
    ajv.addSchema(root, rootKey);
    validateRoot = ajv.getSchema(rootKey)!;
  } catch (err) {
    // The key the schema was added under is ours, not the author's: leave it out.
    const reason = (err instanceof Error ? err.message : String(err)).replace(` from id ${rootKey}`, "");
    const ref = /^can't resolve reference (.*?)(?: from id |$)/.exec(reason)?.[1];
    return refused(dialect.id, [{ path: refPath(root, ref), message: `ajv cannot compile the schema: ${reason}` }]);
  }

  const pointers = pointerMap(root);
  const subValidators = new Map<string, ValidateFunction | undefined>();
  const validator: SubValidator = (parent, keyword, index) => {
    const pointer = parent === undefined ? undefined : pointers.get(parent);
    if (pointer === undefined) return undefined;
    const ref = `${rootKey}#${pointer}/${keyword}${index === undefined ? "" : `/${index}`}`;
    if (!subValidators.has(ref)) {
      let fn: ValidateFunction | undefined;
      try {
        fn = ajv.getSchema(ref);
      } catch {
        fn = undefined;
      }
      subValidators.set(ref, fn);
    }
    return subValidators.get(ref);
  };

  return {
    dialect: dialect.id,
    problems: [],
    validate: (value) => (validateRoot(value) ? [] : explain(validateRoot.errors ?? [], value, "", validator)),
  };
}

const compiled = new WeakMap<object, CompiledJsonSchema>();

function compiledFor(schema: unknown): CompiledJsonSchema {
  if (typeof schema !== "object" || schema === null) return compileJsonSchema(schema);
  let result = compiled.get(schema);
  if (result === undefined) {
    result = compileJsonSchema(schema);
    compiled.set(schema, result);
  }
  return result;
}

/**
 * Everything that keeps `schema` from validating, each problem with its place in the schema
 * (`properties.b.minLength`): a `$schema` of another dialect, what its meta-schema refuses, a pattern that is
 * not a regular expression, a `$ref` that resolves to nothing, or any other reason ajv cannot compile it.
 * The compiled schema is kept (by object identity) for `validateJsonSchema`.
 */
export function jsonSchemaProblems(schema: unknown): JsonSchemaIssue[] {
  return [...compiledFor(schema).problems];
}

/**
 * Checks `value` (parsed JSON) against `schema`, which `jsonSchemaProblems` found no problem with (it
 * throws otherwise), and returns every issue, each naming the path of the value that is wrong
 * (`options.depth`, `files[2]`). A missing required property is reported at its own path, as `required`.
 * The schema is compiled the first time and kept by object identity: do not change it afterwards.
 */
export function validateJsonSchema(schema: JsonSchema | boolean, value: unknown): JsonSchemaIssue[] {
  return compiledFor(schema).validate(value);
}

// ---------------------------------------------------------------------------------------------------
// ajv's errors in this package's words

/** The validator of a sub-schema (`anyOf/1` of the schema object `parent`), to say why each alternative failed. */
type SubValidator = (parent: AnySchemaObject | undefined, keyword: string, index?: number) => ValidateFunction | undefined;

/** The errors a sub-validator gives `data`, with their `instancePath`s made relative to the whole value. */
function runSub(fn: ValidateFunction, data: unknown, prefix: string): ErrorObject[] | undefined {
  if (fn(data)) return undefined;
  return (fn.errors ?? []).map((e) => ({ ...e, instancePath: prefix + e.instancePath }));
}

function sameError(a: ErrorObject, b: ErrorObject): boolean {
  return a.keyword === b.keyword && a.instancePath === b.instancePath && a.message === b.message && JSON.stringify(a.params) === JSON.stringify(b.params);
}

/**
 * Where the errors of an `anyOf`'s alternatives (or a `contains`'s items) start before its own error at
 * `end`: ajv reports them first, one block per alternative it tried, in order. `blocks` are the errors
 * each alternative gives on its own; the longest run of leading blocks that matches is the span.
 */
function spanStart(errors: readonly ErrorObject[], end: number, blocks: readonly (readonly ErrorObject[])[]): number {
  for (let n = blocks.length; n > 0; n--) {
    const flat = blocks.slice(0, n).flat();
    const start = end - flat.length;
    if (start >= 0 && flat.every((b, k) => sameError(errors[start + k]!, b))) return start;
  }
  return end;
}

/** A schema that only allows `null` (`{"type": "null"}`, how pydantic and zod spell Optional). */
function isNullSchema(schema: unknown): boolean {
  return isObject(schema) && schema.type === "null" && Object.keys(schema).every((k) => ["type", "title", "description"].includes(k));
}

/** `option 1: expected string, got integer; option 2: b: required`, for a failed anyOf/oneOf. */
function describeOptions(options: readonly { index: number; issues: readonly JsonSchemaIssue[] }[], path: string): string {
  return options
    .map(({ index, issues }) => {
      const first = issues[0];
      if (first === undefined) return `option ${index + 1}: does not match`;
      const where = first.path === path ? "" : `${path === "" ? first.path : first.path.slice(path.length).replace(/^\./, "")}: `;
      return `option ${index + 1}: ${where}${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ""}`;
    })
    .join("; ");
}

/**
 * ajv's errors for `data` as issues under `base`: one per thing wrong, at the path of the value, with
 * the errors of an `anyOf`/`oneOf`'s alternatives folded into one message that says why each failed.
 * `nullable`: the value may also be `null` (the other option of an Optional whose errors these are).
 */
function explain(errors: readonly ErrorObject[], data: unknown, base: string, sub: SubValidator, nullable = false): JsonSchemaIssue[] {
  const hidden = new Set<number>();
  const folded = new Map<number, JsonSchemaIssue[]>();
  for (let end = errors.length - 1; end >= 0; end--) {
    const error = errors[end]!;
    if (hidden.has(end)) continue;
    let result: { blocks: ErrorObject[][]; issues: JsonSchemaIssue[] } | undefined;
    if (error.keyword === "anyOf" || error.keyword === "oneOf") result = foldAlternatives(error, data, base, sub);
    else if (error.keyword === "contains") result = foldContains(error, data, base, sub);
    if (result === undefined) continue;
    for (let i = spanStart(errors, end, result.blocks); i < end; i++) hidden.add(i);
    folded.set(end, result.issues);
  }
  const issues: JsonSchemaIssue[] = [];
  errors.forEach((error, i) => {
    if (hidden.has(i)) return;
    issues.push(...(folded.get(i) ?? issuesOfError(error, data, base, nullable && error.instancePath === "")));
  });
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An `anyOf`/`oneOf` that failed: the errors of its alternatives (to hide), and the issues that say why. */
function foldAlternatives(error: ErrorObject, data: unknown, base: string, sub: SubValidator): { blocks: ErrorObject[][]; issues: JsonSchemaIssue[] } | undefined {
  const options = error.schema;
  if (!Array.isArray(options)) return undefined;
  const path = pathOf(data, base, error.instancePath);
  const value = error.data;
  const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
  const results: { index: number; errors: ErrorObject[] | undefined }[] = [];
  for (let index = 0; index < options.length; index++) {
    const fn = sub(error.parentSchema, error.keyword, index);
    if (fn === undefined) return undefined;
    results.push({ index, errors: runSub(fn, value, error.instancePath) });
  }
  const blocks = results.flatMap((r) => (r.errors === undefined ? [] : [r.errors]));
  if (Array.isArray(passing)) {
    const matched = passing.map((i) => Number(i) + 1).join(" and ");
    return { blocks, issues: [{ path, message: `must match exactly one of the allowed schemas, but matches options ${matched}` }] };
  }
  // Each alternative's errors, with paths relative to `value`, and what they say.
  let failed = results.map((r) => {
    const relative = (r.errors ?? []).map((e) => ({ ...e, instancePath: e.instancePath.slice(error.instancePath.length) }));
    return { index: r.index, schema: options[r.index] as unknown, relative };
  });
  // `null` is not what a caller who sent another value meant: say what is wrong with the value for the other options.
  const nullAllowed = failed.some((f) => isNullSchema(f.schema));
  if (value !== null && nullAllowed && failed.length > 1) failed = failed.filter((f) => !isNullSchema(f.schema));
  if (failed.length === 1) return { blocks, issues: explain(failed[0]!.relative, value, path, sub, nullAllowed) };
  const described = failed.map((f) => ({ index: f.index, issues: explain(f.relative, value, path, sub) }));
  return { blocks, issues: [{ path, message: `matches none of the allowed schemas (${describeOptions(described, path)})` }] };
}

/** A `contains` that failed: the errors of the items that did not match (to hide), and the issue. */
function foldContains(error: ErrorObject, data: unknown, base: string, sub: SubValidator): { blocks: ErrorObject[][]; issues: JsonSchemaIssue[] } | undefined {
  const items = error.data;
  const fn = sub(error.parentSchema, "contains");
  if (!Array.isArray(items) || fn === undefined) return undefined;
  const blocks: ErrorObject[][] = [];
  let matching = 0;
  items.forEach((item, i) => {
    const errs = runSub(fn, item, `${error.instancePath}/${i}`);
    if (errs === undefined) matching++;
    else blocks.push(errs);
  });
  const params = error.params as { minContains?: number; maxContains?: number };
  const message =
    params.maxContains !== undefined
      ? `must contain at most ${plural(params.maxContains, "item")} matching the "contains" schema, got ${matching}`
      : `must contain at least ${plural(params.minContains ?? 1, "item")} matching the "contains" schema, got ${matching}`;
  return { blocks, issues: [{ path: pathOf(data, base, error.instancePath), message }] };
}

/** One ajv error as issues (none for the ones that only repeat others: `if`, `propertyNames`). */
function issuesOfError(error: ErrorObject, data: unknown, base: string, nullable: boolean): JsonSchemaIssue[] {
  const issues = valueIssuesOf(error, data, base, nullable);
  // An error of `propertyNames`' schema is about a key of the object at `instancePath`, not a value.
  if (error.propertyName === undefined) return issues;
  return issues.map((issue) => ({ path: issue.path, message: `property name ${show(error.propertyName)}: ${issue.message}` }));
}

/** One ajv error about a value as issues, each at the value's path and in this package's words. */
function valueIssuesOf(error: ErrorObject, data: unknown, base: string, nullable: boolean): JsonSchemaIssue[] {
  const path = pathOf(data, base, error.instancePath);
  const value = error.data;
  const params = error.params as Record<string, unknown>;
  const at = (message: string, where = path): JsonSchemaIssue[] => [{ path: where, message }];
  const limit = Number(params.limit);
  switch (error.keyword) {
    case "type": {
      const names = (Array.isArray(params.type) ? params.type : String(params.type).split(",")).map(String);
      if (nullable && !names.includes("null")) names.push("null");
      return at(`expected ${names.join(" or ")}, got ${jsonTypeOf(value)}`);
    }
    case "required":
      return at("required", joinPath(path, String(params.missingProperty)));
    case "dependentRequired":
    case "dependencies":
      return at(`required when ${String(params.property)} is present`, joinPath(path, String(params.missingProperty)));
    case "additionalProperties": {
      const parent = error.parentSchema ?? {};
      const allowed = isObject(parent.properties) ? Object.keys(parent.properties) : [];
      const patterns = isObject(parent.patternProperties) ? Object.keys(parent.patternProperties).map((p) => `/${p}/`) : [];
      const described = [...allowed, ...(patterns.length > 0 ? [`names matching ${patterns.join(" or ")}`] : [])];
      return at(`unexpected property (${described.length === 0 ? "no properties are allowed" : `allowed: ${described.join(", ")}`})`, joinPath(path, String(params.additionalProperty)));
    }
    case "unevaluatedProperties":
      return at("unexpected property (no part of the schema allows it)", joinPath(path, String(params.unevaluatedProperty)));
    case "enum":
      return at(`must be one of ${(params.allowedValues as unknown[]).map(show).join(", ")}, got ${show(value)}`);
    case "const":
      return at(`must be ${show(params.allowedValue)}, got ${show(value)}`);
    case "minLength":
      return at(`must be at least ${plural(limit, "character")} long`);
    case "maxLength":
      return at(`must be at most ${plural(limit, "character")} long, got ${typeof value === "string" ? [...value].length : "?"}`);
    case "pattern":
      return at(`must match the pattern /${String(params.pattern)}/`);
    case "format": {
      const format = String(params.format);
      return at(`must be ${formatHints[format] ?? `a valid ${format}`}, got ${show(value)}`);
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return at(`must be ${String(params.comparison)} ${String(params.limit)}, got ${show(value)}`);
    case "multipleOf":
      return at(`must be a multiple of ${String(params.multipleOf)}, got ${show(value)}`);
    case "minItems":
      return at(`must have at least ${plural(limit, "item")}, got ${Array.isArray(value) ? value.length : "?"}`);
    case "maxItems":
    case "items":
    case "additionalItems":
    case "unevaluatedItems":
      return at(`must have at most ${plural(limit, "item")}, got ${Array.isArray(value) ? value.length : "?"}`);
    case "uniqueItems": {
      const [i, j] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return at(`items must be unique, but items ${i} and ${j} are equal`);
    }
    case "minProperties":
      return at(`must have at least ${plural(limit, "property")}`);
    case "maxProperties":
      return at(`must have at most ${plural(limit, "property")}, got ${isObject(value) ? Object.keys(value).length : "?"}`);
    case "not":
      return at("matches a schema it must not match");
    case "false schema":
      return at("no value is allowed here");
    case "anyOf":
    case "oneOf":
      return at(Array.isArray(params.passingSchemas) ? "must match exactly one of the allowed schemas" : "matches none of the allowed schemas");
    // The errors of `then`/`else`, and of a property name, come before these and say what is wrong.
    case "if":
    case "propertyNames":
      return [];
    default:
      return at(error.message ?? `fails "${error.keyword}"`);
  }
}

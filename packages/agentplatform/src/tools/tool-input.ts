// From what an author declares as a tool's input to the two things the provider needs: the JSON Schema
// ListTools sends (object-rooted, as LLM function calling requires) and the check ExecuteTool runs on the
// arguments before the handler sees them.
import {
  AgentwireError,
  exactNumbers,
  isJsonObject,
  isStandardSchema,
  issuePath,
  messageOf,
  plainNumbers,
  type JsonObject,
  type StandardSchemaV1,
} from "@agentwire/core";
import { compileJsonSchema, jsonTypeOf, type InferJsonSchema, type JsonSchema, type JsonSchemaIssue } from "./json-schema.js";

/**
 * A tool's input: a Standard Schema (zod 4, valibot, arktype, ...), which validates the arguments and, if it
 * implements Standard JSON Schema (zod ≥ 4.2 does), describes them; or a plain JSON Schema (draft 2020-12,
 * or draft-07 by its `$schema`: `supportedJsonSchemaDialects`), which this package validates with ajv.
 */
export type ToolInputSchema = StandardSchemaV1 | JsonSchema;

/** The arguments a handler gets for an input schema: the Standard Schema's output, or what the JSON Schema accepts. */
export type InferToolInput<I> = [I] extends [undefined]
  ? JsonObject
  : I extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<I>
    : I extends JsonSchema
      ? InferJsonSchema<I>
      : Record<string, unknown>;

/** The outcome of checking a call's arguments. */
export type ArgumentsCheck = { ok: true; value: unknown } | { ok: false; issues: JsonSchemaIssue[] };

export interface ResolvedToolInput {
  /** The JSON Schema sent in `ToolDefinition.parameters_json_schema` (a private copy, `type: "object"` at the root). */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** `jsonSchema` as the JSON text ListTools sends. */
  readonly parametersJsonSchema: string;
  /**
   * Checks the arguments as parsed (losslessly, already known to be an object; see tool-arguments.ts for
   * which numbers each validator sees) and answers the value the handler gets: at once when the validator
   * is synchronous (zod's usual schemas, JSON Schema), as a promise when it is not.
   */
  check(args: JsonObject): ArgumentsCheck | Promise<ArgumentsCheck>;
}

/** The Standard JSON Schema extension (standardschema.dev/json-schema), as far as this package uses it. */
interface StandardJsonSchemaConverter {
  readonly input: (options: { readonly target: string }) => Record<string, unknown>;
}

/** The JSON Schema dialect asked of a Standard Schema: what MCP and Anthropic's tool schemas use. */
const jsonSchemaTarget = "draft-2020-12";

function refuse(tool: string, message: string): AgentwireError {
  return new AgentwireError("invalid_argument", `tool ${JSON.stringify(tool)}: ${message}`);
}

/** A JSON copy of `schema` (the author may mutate theirs later), refused when it is not JSON. */
function jsonCopy(tool: string, what: string, schema: unknown): Record<string, unknown> {
  let text: string | undefined;
  try {
    text = JSON.stringify(schema);
  } catch (err) {
    throw refuse(tool, `${what} cannot be sent as JSON: ${messageOf(err)}`);
  }
  const copy: unknown = text === undefined ? undefined : JSON.parse(text);
  if (!isJsonObject(copy)) throw refuse(tool, `${what} must be a JSON Schema object, got ${jsonTypeOf(schema)}`);
  return copy;
}

/**
 * The schema with `type: "object"` at its root: added when the root has no `type`, refused when the root
 * is of another type, since a tool's arguments are always an object of named values.
 */
function objectRooted(tool: string, what: string, schema: Record<string, unknown>): Record<string, unknown> {
  const type = schema.type;
  if (type === undefined) return { type: "object", ...schema };
  if (type === "object" || (Array.isArray(type) && type.length === 1 && type[0] === "object")) return { ...schema, type: "object" };
  throw refuse(
    tool,
    `${what} must describe an object (tool arguments are named values, and LLM function calling requires an object at the root), ` +
      `but its root has type ${JSON.stringify(type)}: wrap the value in an object, e.g. { type: "object", properties: { value: ... } } or z.object({ value: ... })`,
  );
}

/**
 * The Standard Schema's own JSON Schema for its input, without `$schema`: the platform passes tool schemas
 * on to LLM APIs, and some (Gemini's) refuse keywords they do not know.
 */
function derivedJsonSchema(tool: string, schema: StandardSchemaV1): Record<string, unknown> {
  const props = schema["~standard"] as StandardSchemaV1["~standard"] & { jsonSchema?: Partial<StandardJsonSchemaConverter> };
  const input = props.jsonSchema?.input;
  if (typeof input !== "function") {
    throw refuse(
      tool,
      `its inputSchema (${props.vendor}) cannot describe itself as JSON Schema (it does not implement Standard JSON Schema; zod does from 4.2): ` +
        "pass the JSON Schema too, as jsonSchema (with zod 4.0/4.1: jsonSchema: z.toJSONSchema(schema))",
    );
  }
  let produced: unknown;
  try {
    produced = input.call(props.jsonSchema, { target: jsonSchemaTarget });
  } catch (err) {
    throw refuse(tool, `its inputSchema (${props.vendor}) cannot be converted to JSON Schema: ${messageOf(err)}; pass the JSON Schema explicitly as jsonSchema`);
  }
  const copy = jsonCopy(tool, `the JSON Schema of its inputSchema (${props.vendor})`, produced);
  delete copy.$schema;
  return copy;
}

/** The value at `path` in `root`, or `absent` when a key or index on the way is missing. */
const absent = Symbol("absent");
function valueAt(root: unknown, path: ReadonlyArray<PropertyKey | StandardSchemaV1.PathSegment> | undefined): unknown {
  let current: unknown = root;
  for (const segment of path ?? []) {
    const key = typeof segment === "object" ? segment.key : segment;
    if (typeof current !== "object" || current === null || typeof key === "symbol" || !Object.hasOwn(current, key)) return absent;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * A Standard Schema's issues in this package's words: the path as `a.b[2]`, and a missing value called
 * `required` (the library's own message kept in parentheses), as the JSON Schema check does.
 */
function standardIssues(args: unknown, issues: ReadonlyArray<StandardSchemaV1.Issue>): JsonSchemaIssue[] {
  return issues.map((issue) => {
    const path = issuePath(issue);
    const missing = path !== "" && valueAt(args, issue.path) === absent;
    return { path, message: missing ? `required (${issue.message})` : issue.message };
  });
}

/**
 * Resolves a tool's declared input. `inputSchema` alone: a Standard Schema validates and describes itself,
 * a JSON Schema is compiled (once, here) and validates with ajv. `inputSchema` (Standard)
 * with `jsonSchema`: the first validates, the second is sent as is. Neither: the tool takes any object and
 * is described as `{"type":"object","properties":{}}`. Every problem is refused with INVALID_ARGUMENT.
 */
export function resolveToolInput(tool: string, inputSchema: unknown, jsonSchema: unknown): ResolvedToolInput {
  let wire: Record<string, unknown>;
  let check: (args: JsonObject) => ArgumentsCheck | Promise<ArgumentsCheck>;

  if (isStandardSchema(inputSchema)) {
    const standard = inputSchema;
    wire = objectRooted(
      tool,
      jsonSchema === undefined ? `the JSON Schema of its inputSchema (${standard["~standard"].vendor})` : "its jsonSchema",
      jsonSchema === undefined ? derivedJsonSchema(tool, standard) : jsonCopy(tool, "its jsonSchema", jsonSchema),
    );
    const checkOf = (input: JsonObject, result: StandardSchemaV1.Result<unknown>): ArgumentsCheck =>
      result.issues !== undefined ? { ok: false, issues: standardIssues(input, result.issues) } : { ok: true, value: result.value };
    check = (args) => {
      const input = exactNumbers(args);
      const result = standard["~standard"].validate(input);
      return result instanceof Promise ? result.then((r) => checkOf(input, r)) : checkOf(input, result);
    };
  } else {
    if (inputSchema !== undefined && jsonSchema !== undefined) {
      throw refuse(
        tool,
        "inputSchema is a JSON Schema, and jsonSchema is only for describing a Standard Schema inputSchema (zod, valibot, ...); give the JSON Schema once, as inputSchema",
      );
    }
    const given = inputSchema ?? jsonSchema;
    const what = inputSchema !== undefined ? "its inputSchema" : "its jsonSchema";
    if (given !== undefined && !isJsonObject(given)) {
      throw refuse(tool, `${what} must be a Standard Schema (zod, valibot, ...) or a JSON Schema object, got ${jsonTypeOf(given)}`);
    }
    wire = objectRooted(tool, what, given === undefined ? { properties: {} } : jsonCopy(tool, what, given));
    const compiled = compileJsonSchema(wire);
    if (compiled.problems.length > 0) {
      throw refuse(tool, `${what} is not a JSON Schema this SDK can validate with: ${compiled.problems.map((p) => `${p.path === "" ? "(root)" : p.path}: ${p.message}`).join("; ")}`);
    }
    // The handler of a JSON Schema tool gets what its type (InferJsonSchema) says: every number a double
    // holds exactly as a `number` (`1.0` is 1), as a Standard Schema tool does. Without a schema, the
    // arguments are handed over exactly as sent (a `JsonObject`).
    const handlerValue = given === undefined ? (args: JsonObject) => args : (args: JsonObject) => exactNumbers(args);
    check = (args) => {
      const issues = compiled.validate(plainNumbers(args));
      return issues.length > 0 ? { ok: false, issues } : { ok: true, value: handlerValue(args) };
    };
  }

  return { jsonSchema: deepFreeze(wire), parametersJsonSchema: JSON.stringify(wire), check };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

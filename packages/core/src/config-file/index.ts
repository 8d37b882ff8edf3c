/**
 * @agentwire/core/config-file: the one way agentwire reads a YAML (or JSON) file that a person wrote and
 * checks it against a JSON Schema, so that every refusal names the file, the line and the key path
 * (`agentwire-host.yaml:12: flyte.connectors.batch.endpoint: required`). The conformance harness reads its
 * cases files with it and the host its configuration.
 *
 * ```ts
 * import { loadYamlFile } from "@agentwire/core/config-file";
 *
 * const file = loadYamlFile<MyConfig>("agentwire-host.yaml", { schema: myConfigSchema });
 * file.value;                      // typed, valid against the schema
 * file.at(["flyte", "resyncPeriod"]); // "agentwire-host.yaml:4": for checks the schema cannot express
 * ```
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { isMap, isNode, LineCounter, parseDocument, type Document } from "yaml";
import { AgentwireError } from "../errors.js";

/** A file that cannot be used: the message names the file, the line and the key path of every problem. */
export class ConfigFileError extends AgentwireError {
  static override readonly brand: string = "agentwire.ConfigFileError";
  override readonly name: string = "ConfigFileError";
  constructor(message: string) {
    super("invalid_argument", message);
  }
}

/** A key path inside the file: keys and list indices, `["flyte", "connectors", "batch", "endpoint"]`. */
export type KeyPath = ReadonlyArray<string | number>;

/** One thing wrong at one place. `key: true` points at the key itself (an unknown key) rather than its value. */
export interface ConfigProblem {
  readonly path: KeyPath;
  readonly text: string;
  readonly key?: boolean;
}

/** A file read, parsed and validated. */
export interface LoadedYamlFile<T> {
  readonly value: T;
  /** The name shown in messages (the file's base name unless `shownName` was given). */
  readonly shownName: string;
  /** `file:line` of the value (or, with `key`, the key) at `path`, or of its nearest ancestor that exists. */
  at(path: KeyPath, options?: { key?: boolean }): string;
  /** The line of `path`, as `at` finds it. */
  lineOf(path: KeyPath, options?: { key?: boolean }): number;
  /** The error for problems the schema cannot express, each with its line, sorted by line. */
  error(problems: readonly ConfigProblem[]): Error;
}

/** What `loadYamlFile` and `parseYamlText` take. */
export interface YamlFileOptions {
  /** The JSON Schema (draft 2020-12) the value must satisfy. */
  readonly schema: object;
  /** The name used in messages. Default: the file's base name. */
  readonly shownName?: string;
  /** What the file is, for a missing file: "no such cases file". Default: "file". */
  readonly kind?: string;
  /** Builds the error thrown (a subclass of `ConfigFileError`, say). Default: `new ConfigFileError(message)`. */
  readonly makeError?: (message: string) => Error;
  /** What an empty file is. Default: `{}`. */
  readonly empty?: unknown;
}

/** `["tasks", 0, "taskType"]` → `tasks[0].taskType`; the empty path is `(the file)`. */
export function keyPathText(path: KeyPath): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out === "" ? "(the file)" : out;
}

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function quote(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One schema error as a key path and plain words ("required", "not a known key; expected one of …"). */
function describe(error: ErrorObject, schemaKeys: (path: KeyPath) => string[] | undefined): ConfigProblem {
  const path: Array<string | number> = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: [...path, params.missingProperty as string], text: "required" };
    case "additionalProperties": {
      const known = schemaKeys(path);
      return {
        path: [...path, params.additionalProperty as string],
        text: `not a known key${known && known.length > 0 ? `; expected one of ${known.join(", ")}` : ""}`,
        key: true,
      };
    }
    case "enum":
      return { path, text: `must be one of ${(params.allowedValues as unknown[]).map(quote).join(", ")}` };
    case "const":
      return { path, text: `must be ${quote(params.allowedValue)}` };
    case "type":
      return { path, text: `must be ${String(params.type).replace(/,/g, " or ")}` };
    case "pattern":
    case "format":
      return { path, text: (error.parentSchema as { description?: string } | undefined)?.description ?? error.message ?? error.keyword };
    default:
      return { path, text: error.message ?? error.keyword };
  }
}

/** The `properties` keys the schema allows at `path` (following `properties`, `additionalProperties`, `items`). */
function propertiesAt(schema: object, path: KeyPath): string[] | undefined {
  let node: unknown = schema;
  for (const part of path) {
    const s = node as { properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown };
    if (typeof part === "number") node = s.items;
    else node = s.properties?.[part] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
    if (node === undefined) return undefined;
  }
  const props = (node as { properties?: Record<string, unknown> }).properties;
  return props === undefined ? undefined : Object.keys(props);
}

/** The offset of the node at `path` (or its key), or of its nearest ancestor that exists. */
function offsetOf(doc: Document, path: KeyPath, keyNode: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (keyNode && n === path.length && n > 0) {
      const parent = prefix.length > 1 ? doc.getIn(prefix.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === prefix[prefix.length - 1]);
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(prefix, true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

/**
 * Parses `text` (YAML, or JSON, which YAML reads too) and validates it against `options.schema`. Throws one
 * error listing every problem, each as `name:line: key.path: what was expected`, sorted by line.
 */
export function parseYamlText<T>(text: string, shownName: string, options: YamlFileOptions): LoadedYamlFile<T> {
  const makeError = options.makeError ?? ((message: string) => new ConfigFileError(message));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw makeError(`${shownName}:${line}: not valid YAML or JSON: ${first.message.split("\n")[0]}`);
  }
  const lineOf = (path: KeyPath, opts: { key?: boolean } = {}) => lineCounter.linePos(offsetOf(doc, path, opts.key === true)).line;
  const error = (problems: readonly ConfigProblem[]) => {
    const lines = problems
      .map((p) => {
        const line = lineOf(p.path, { key: p.key === true });
        return { line, text: `${shownName}:${line}: ${keyPathText(p.path)}: ${p.text}` };
      })
      .sort((a, b) => a.line - b.line);
    return makeError([...new Set(lines.map((l) => l.text))].join("\n"));
  };
  const value: unknown = doc.toJS() ?? options.empty ?? {};
  const validate = validatorFor(options.schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      .filter((e) => e.keyword !== "if" && e.keyword !== "anyOf" && e.keyword !== "oneOf")
      .map((e) => describe(e, (path) => propertiesAt(options.schema, path)));
    throw error(problems.length > 0 ? problems : [{ path: [], text: "does not fit the schema" }]);
  }
  return { value: value as T, shownName, lineOf, at: (path, opts) => `${shownName}:${lineOf(path, opts)}`, error };
}

/** Reads `path` and does what `parseYamlText` does; a missing or unreadable file is refused, naming it. */
export function loadYamlFile<T>(path: string, options: YamlFileOptions): LoadedYamlFile<T> {
  const makeError = options.makeError ?? ((message: string) => new ConfigFileError(message));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw makeError(code === "ENOENT" ? `${path}: no such ${options.kind ?? "file"}` : `${path}: cannot read it (${code ?? String(err)})`);
  }
  return parseYamlText<T>(text, options.shownName ?? basename(path), options);
}

import { create, isMessage } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralMap } from "../gen/flyteidl/core/literals_pb.js";
import { VariableMapSchema, type VariableMap } from "../gen/flyteidl/core/interface_pb.js";
import { SimpleType, type LiteralType } from "../gen/flyteidl/core/types_pb.js";
import { refuse, type CodecOptions, type DecodeOptions } from "./codec-options.js";
import { describeType } from "./describe-type.js";
import { describeValue } from "./describe-value.js";
import type { DecodedValues, EncodableValues, FlyteTypes } from "./flyte-type.js";
import { fromLiteral } from "./from-literal.js";
import { inferLiteralType } from "./infer.js";
import { isPlainRecord, setOwn } from "./plain-object.js";
import { toLiteral } from "./to-literal.js";
import { variables as variableMap } from "./types.js";

/** Options for {@link toLiteralMap}. */
export interface ToLiteralMapOptions extends CodecOptions {
  /**
   * Refuse a map that leaves out a declared variable (unless its type accepts None, in which case it is
   * sent as None). Turn off to encode only the values given, e.g. for a partial update. Default `true`.
   */
  requireAll?: boolean;
}

/** Options for {@link fromLiteralMap}. */
export interface FromLiteralMapOptions extends DecodeOptions {
  /**
   * Refuse a map that lacks a declared variable. Off by default: Propeller fills in defaults before
   * a task starts, so a gap usually means an optional input rather than an error. Default `false`.
   */
  requireAll?: boolean;
}

const variableMaps = new WeakMap<FlyteTypes, VariableMap>();

/**
 * A record of types (`{ n: types.integer() }`) or a ready `VariableMap` as a `VariableMap`. Records are
 * converted once and remembered, since a task's declared types are converted on every call.
 */
export function asVariableMap(types: FlyteTypes | VariableMap | undefined): VariableMap | undefined {
  if (types === undefined || isMessage(types, VariableMapSchema)) return types;
  let map = variableMaps.get(types);
  if (map === undefined) {
    map = variableMap(types);
    variableMaps.set(types, map);
  }
  return map;
}

/** Whether `undefined` can be encoded as this type (None, or a union with a None variant). */
function acceptsNone(type: LiteralType | undefined): boolean {
  if (type === undefined) return true;
  const t = type.type;
  if (t.case === "simple") return t.value === SimpleType.NONE;
  if (t.case === "unionType") return t.value.variants.some(acceptsNone);
  return false;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The declared name a typo most likely meant, if one is close enough to suggest. */
function closest(name: string, declared: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of declared) {
    const d = name.toLowerCase() === candidate.toLowerCase() ? 0 : editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function listNames(names: string[]): string {
  return names.length === 0 ? "none" : names.map((n) => JSON.stringify(n)).join(", ");
}

/**
 * Encodes a record of JS values as a LiteralMap. With declared types (a record such as a task's
 * `outputs`, or a template's `VariableMap`), each value is encoded as its declared type, unknown names
 * are refused (with the declared names listed, and the closest one suggested), and a declared variable
 * left out is refused as received "nothing" unless its type accepts None. Without types, each value's
 * type is inferred from the value. With a record of `types.*`, the values are type-checked too.
 *
 * ```ts
 * toLiteralMap({ rows: 42, url: "s3://reports/42.csv" }, reportTask.outputs, { direction: "output" })
 * ```
 */
export function toLiteralMap<T extends FlyteTypes>(values: EncodableValues<T>, types: T, options?: ToLiteralMapOptions): LiteralMap;
export function toLiteralMap(values: Record<string, unknown>, variables?: VariableMap, options?: ToLiteralMapOptions): LiteralMap;
export function toLiteralMap(
  values: Record<string, unknown>,
  types: VariableMap | FlyteTypes | undefined,
  options: ToLiteralMapOptions = {},
): LiteralMap {
  const variables = asVariableMap(types);
  const direction = options.direction ?? "input";
  if (!isPlainRecord(values)) {
    return refuse(
      options,
      "",
      `an object keyed by ${direction} name`,
      describeValue(values),
      `Return a plain object such as { o0: value }`,
    );
  }
  const literals: Record<string, Literal> = {};
  if (variables === undefined) {
    for (const [name, value] of Object.entries(values)) {
      setOwn(literals, name, toLiteral(value, inferLiteralType(value, name, options), name, options));
    }
    return create(LiteralMapSchema, { literals });
  }
  const declared = Object.keys(variables.variables);
  for (const [name, value] of Object.entries(values)) {
    // An undefined property is an absent one, as in JSON.
    if (value === undefined || Object.hasOwn(variables.variables, name)) continue;
    const guess = closest(name, declared.filter((d) => !Object.hasOwn(values, d)));
    refuse(
      options,
      name,
      declared.length === 0 ? `no ${direction}s (the interface declares none)` : `one of the declared ${direction}s (${listNames(declared)})`,
      describeValue(value),
      guess !== undefined
        ? `Did you mean ${JSON.stringify(guess)}?`
        : `Remove ${JSON.stringify(name)}, or add it to the task interface's ${direction}s`,
    );
  }
  for (const [name, variable] of Object.entries(variables.variables)) {
    const value = values[name];
    const type = variable.type;
    if (value === undefined) {
      if (options.requireAll === false) continue;
      if (!acceptsNone(type)) {
        refuse(
          options,
          name,
          describeType(type),
          "nothing",
          `Pass a value for ${JSON.stringify(name)}; the declared ${direction}s are ${listNames(declared)}`,
        );
      }
    }
    const declaredType = type ?? inferLiteralType(value, name, options);
    setOwn(literals, name, toLiteral(value, declaredType, name, options));
  }
  return create(LiteralMapSchema, { literals });
}

/**
 * Decodes a LiteralMap into a record of JS values: each literal as its declared type when the types
 * (a record of `types.*` or a template's `VariableMap`) declare it, by its own shape otherwise (an extra
 * literal is not an error when reading). A missing map decodes as `{}`.
 *
 * ```ts
 * const { script } = fromLiteralMap(ctx.rawInputs, { script: types.string() }); // script: string
 * ```
 */
export function fromLiteralMap<T extends FlyteTypes>(map: LiteralMap | undefined, types: T, options?: FromLiteralMapOptions): DecodedValues<T>;
export function fromLiteralMap(map: LiteralMap | undefined, variables?: VariableMap, options?: FromLiteralMapOptions): Record<string, unknown>;
export function fromLiteralMap(
  map: LiteralMap | undefined,
  types?: VariableMap | FlyteTypes,
  options: FromLiteralMapOptions = {},
): Record<string, unknown> {
  const variables = asVariableMap(types);
  const literals = map?.literals ?? {};
  const out: Record<string, unknown> = {};
  if (variables !== undefined && options.requireAll === true) {
    const direction = options.direction ?? "input";
    const declared = Object.keys(variables.variables);
    for (const [name, variable] of Object.entries(variables.variables)) {
      if (!Object.hasOwn(literals, name)) {
        refuse(
          options,
          name,
          describeType(variable.type),
          "nothing",
          `The ${direction}s carry no literal for ${JSON.stringify(name)}; the declared ${direction}s are ${listNames(declared)}`,
        );
      }
    }
  }
  for (const [name, literal] of Object.entries(literals)) {
    const declared = variables !== undefined && Object.hasOwn(variables.variables, name);
    const type = declared ? variables.variables[name]?.type : undefined;
    setOwn(out, name, fromLiteral(literal, type, name, options));
  }
  return out;
}

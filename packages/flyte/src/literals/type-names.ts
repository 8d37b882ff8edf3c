// Flyte types by name, as people write them in a file or on a command line: `integer`, `[string]`,
// `{string: float}`, `union[integer, none]`. The conformance harness's cases file and the host's
// `--interface` read them with this one parser.
import type { FlyteType, FlyteTypes } from "./flyte-type.js";
import { types } from "./types.js";

/** A Flyte type written by name: `integer`, `float`, `string`, `boolean`, `datetime`, `duration`, `struct`, `none`, `blob`, `[T]`, `{string: T}`, `union[T1, T2, ...]`. */
export type FlyteTypeName = string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = FlyteType<any, any>;

/** Every type name `parseTypeName` takes, for error messages. */
export const typeNameSyntax = "integer, float, string, boolean, datetime, duration, struct, none, blob, [T], {string: T}, union[T1, T2, ...]";

/** Splits `a, [b, c], {string: d}` at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/**
 * Parses a type name (`integer`, `[string]`, `{string: float}`, `none`, `blob`,
 * `union[integer, none]`) into a `types.*` value; throws naming the syntax for anything else.
 */
export function parseTypeName(name: FlyteTypeName): AnyType {
  const text = name.trim();
  const unknown = (why = "") => new Error(`unknown Flyte type ${JSON.stringify(name)}${why} (${typeNameSyntax})`);
  if (text.startsWith("union[") && text.endsWith("]")) {
    const variants = splitTopLevel(text.slice("union[".length, -1));
    if (variants.length < 2 || variants.some((v) => v === "")) throw unknown(": a union names two or more types, union[T1, T2]");
    return types.union(...variants.map(parseTypeName));
  }
  if (text.startsWith("[") && text.endsWith("]")) return types.list(parseTypeName(text.slice(1, -1)));
  if (text.startsWith("{") && text.endsWith("}")) {
    const inner = text.slice(1, -1);
    const colon = inner.indexOf(":");
    if (colon < 0 || inner.slice(0, colon).trim() !== "string") throw unknown(": a map is {string: T}");
    return types.map(parseTypeName(inner.slice(colon + 1)));
  }
  switch (text) {
    case "integer":
      return types.integer();
    case "float":
      return types.float();
    case "string":
      return types.string();
    case "boolean":
      return types.boolean();
    case "datetime":
      return types.datetime();
    case "duration":
      return types.duration();
    case "struct":
      return types.struct();
    case "none":
      return types.none();
    case "blob":
      return types.blob();
    default:
      throw unknown();
  }
}

/** A map of names to type names (an interface's inputs or outputs) as `types.*`, or undefined when not given. */
export function parseTypes(map: Record<string, FlyteTypeName> | undefined): FlyteTypes | undefined {
  if (map === undefined) return undefined;
  const out: Record<string, AnyType> = {};
  for (const [k, v] of Object.entries(map)) out[k] = parseTypeName(v);
  return out;
}

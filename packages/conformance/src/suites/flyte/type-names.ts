import { types, type FlyteType, type FlyteTypes } from "@agentwire/flyte";
import type { FlyteTypeName } from "../../cases.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = FlyteType<any, any>;

/** Parses a cases file's type name (`integer`, `[string]`, `{string: float}`) into a `types.*` value. */
export function parseTypeName(name: FlyteTypeName): AnyType {
  const text = name.trim();
  if (text.startsWith("[") && text.endsWith("]")) return types.list(parseTypeName(text.slice(1, -1)));
  if (text.startsWith("{") && text.endsWith("}")) {
    const inner = text.slice(1, -1);
    const colon = inner.indexOf(":");
    if (colon < 0 || inner.slice(0, colon).trim() !== "string") throw new Error(`unknown Flyte type ${JSON.stringify(name)}: a map is {string: T}`);
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
    default:
      throw new Error(`unknown Flyte type ${JSON.stringify(name)} (integer, float, string, boolean, datetime, duration, struct, [T], {string: T})`);
  }
}

/** A case's `interface.inputs` or `.outputs` as `types.*`, or undefined when not declared. */
export function parseTypes(map: Record<string, FlyteTypeName> | undefined): FlyteTypes | undefined {
  if (map === undefined) return undefined;
  const out: Record<string, AnyType> = {};
  for (const [k, v] of Object.entries(map)) out[k] = parseTypeName(v);
  return out;
}

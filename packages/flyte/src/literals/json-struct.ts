import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { refuse, type CodecOptions } from "./codec-options.js";
import { describeValue } from "./describe-value.js";
import { childPath, indexPath, isPlainRecord, setOwn } from "./plain-object.js";

/*
 * The legacy STRUCT encoding: a google.protobuf.Struct, which protobuf-es holds as a plain JSON object.
 * flytekit < 1.14 (or FLYTE_USE_OLD_DC_FORMAT) writes and reads it. A Struct number is a double, so
 * Python reads every number back as a float, and it cannot hold NaN, Infinity or bytes.
 */

const JSONABLE = "a JSON value (string, finite number, boolean, null, array, plain object, Date)";
const USE_MSGPACK = "Declare the variable with types.struct() (msgpack) to carry it";

function toJson(value: unknown, path: string, options: CodecOptions, seen: Set<object>): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      return refuse(
        options,
        path,
        "a finite number (google.protobuf.Struct cannot hold it)",
        describeValue(value),
        USE_MSGPACK,
      );
    case "bigint":
      if (Number.isSafeInteger(Number(value))) return Number(value);
      return refuse(
        options,
        path,
        "an integer within ±2^53 (Struct numbers are doubles)",
        describeValue(value),
        USE_MSGPACK,
      );
    default:
      break;
  }
  if (typeof value !== "object") return refuse(options, path, JSONABLE, describeValue(value));
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return refuse(options, path, "a valid Date", "invalid Date");
    return value.toISOString();
  }
  if (seen.has(value)) return refuse(options, path, JSONABLE, "a circular reference", "Remove the cycle");
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, i) => toJson(item, indexPath(path, i), options, seen));
    if (!isPlainRecord(value)) return refuse(options, path, JSONABLE, describeValue(value), USE_MSGPACK);
    return toJsonObject(value, path, options, seen);
  } finally {
    seen.delete(value);
  }
}

/** A plain object as a Struct-compatible JSON object; refuses what a Struct cannot hold, naming the path. */
export function toJsonObject(
  value: Record<string, unknown>,
  path: string,
  options: CodecOptions,
  seen: Set<object> = new Set(),
): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    // `undefined` properties are dropped, as JSON.stringify drops them.
    if (v !== undefined) setOwn(out, k, toJson(v, childPath(path, k), options, seen));
  }
  return out;
}

import { Decoder, Encoder } from "@msgpack/msgpack";
import { refuse, type CodecOptions } from "./codec-options.js";
import { describeValue } from "./describe-value.js";
import { isInt64, int64ToJs } from "./int64.js";
import { childPath, indexPath, isPlainRecord, setOwn } from "./plain-object.js";

/*
 * Msgpack as flytekit writes it (msgpack-python via mashumaro): maps as maps, integers in the smallest
 * int form, floats as float64, strings as str, bytes as bin, datetimes as ISO-8601 strings.
 *
 * JS has one number type, so a Python `1.0` and `1` are the same value here: an integral number is
 * written as an int and a fractional one as a float64. Python reads the int back as `int`; a dataclass
 * field typed `float` accepts it (mashumaro converts), an untyped dict keeps `1`. Nothing can restore
 * the distinction, so we do what JSON does.
 *
 * `useBigInt64` is on so bigints survive, but with it @msgpack/msgpack writes safe integers beyond 32 bits
 * as float64, so the walk below turns those into bigints first; the encoder then writes them as
 * uint64/int64, byte-for-byte what msgpack-python writes for the same integers.
 */
const encoder = new Encoder({ useBigInt64: true });

// Keys Python may use that msgpack-js refuses by default (ints beyond 2^53, bools, None) become strings:
// a JS object key is a string anyway.
const decoder = new Decoder({
  useBigInt64: true,
  mapKeyConverter: (key: unknown): string | number => {
    if (typeof key === "string" || typeof key === "number") return key;
    if (typeof key === "bigint" || typeof key === "boolean" || key === null) return String(key);
    throw new TypeError(`msgpack map key of type ${typeof key} cannot be an object key`);
  },
});

const ENCODABLE = "a msgpack-encodable value (string, number, bigint, boolean, null, array, plain object, Date, Uint8Array)";

function prepare(value: unknown, path: string, options: CodecOptions, seen: Set<object>): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // Beyond int32/uint32 range: see the note above about useBigInt64.
      if (Number.isSafeInteger(value) && (value >= 2 ** 32 || value < -(2 ** 31))) return BigInt(value);
      return value;
    case "bigint":
      if (isInt64(value) || (value >= 0n && value < 2n ** 64n)) return value;
      return refuse(
        options,
        path,
        "an integer that fits in 64 bits",
        describeValue(value),
        "msgpack integers are at most 64 bits",
      );
    default:
      break;
  }
  if (typeof value !== "object") return refuse(options, path, ENCODABLE, describeValue(value));
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return refuse(options, path, "a valid Date", "invalid Date");
    return value.toISOString(); // mashumaro's msgpack form of a datetime
  }
  if (value instanceof Uint8Array) return value;
  if (seen.has(value)) return refuse(options, path, ENCODABLE, "a circular reference", "Remove the cycle");
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, i) => prepare(item, indexPath(path, i), options, seen));
    const out: Record<string, unknown> = {};
    if (value instanceof Map) {
      for (const [k, v] of value) {
        if (typeof k !== "string") return refuse(options, path, "a Map with string keys", `a ${typeof k} key`);
        if (v !== undefined) setOwn(out, k, prepare(v, childPath(path, k), options, seen));
      }
      return out;
    }
    if (!isPlainRecord(value)) {
      return refuse(options, path, ENCODABLE, describeValue(value), "Convert class instances to plain objects first");
    }
    // `undefined` properties are dropped, as JSON.stringify drops them.
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) setOwn(out, k, prepare(v, childPath(path, k), options, seen));
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Encodes a JS value the way flytekit's msgpack encoder would; refuses values msgpack cannot carry. */
export function encodeMsgpack(value: unknown, path: string, options: CodecOptions): Uint8Array {
  return encoder.encode(prepare(value, path, options, new Set()));
}

function settle(value: unknown): unknown {
  if (typeof value === "bigint") return int64ToJs(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = settle(value[i]);
    return value;
  }
  if (isPlainRecord(value)) {
    for (const k of Object.keys(value)) value[k] = settle(value[k]);
  }
  return value;
}

/**
 * Decodes msgpack bytes (from flytekit or from us). 64-bit integers are read as bigints and turned into
 * numbers when they are safe, so a large id keeps its digits instead of being rounded. Timestamps
 * (ext type -1) become Dates.
 */
export function decodeMsgpack(bytes: Uint8Array, path: string, expected: string, options: CodecOptions): unknown {
  try {
    return settle(decoder.decode(bytes));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return refuse(
      options,
      path,
      expected,
      `binary literal (tag msgpack, ${bytes.length} ${bytes.length === 1 ? "byte" : "bytes"}) that is not valid msgpack (${reason})`,
      "The producer must write msgpack as flytekit does (msgpack.dumps of the value)",
      cause,
    );
  }
}

import type { Literal } from "../gen/flyteidl/core/literals_pb.js";
import { isPlainRecord } from "./plain-object.js";

/** Strings in error messages are cut to this many characters so a 10 MB script doesn't flood a log line. */
const MAX_PREVIEW = 40;

function preview(text: string): string {
  if (text.length <= MAX_PREVIEW) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_PREVIEW))}… (${text.length} chars)`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function keysPreview(keys: string[]): string {
  const shown = keys.slice(0, 5).join(", ");
  return keys.length > 5 ? `{${shown}, …}` : `{${shown}}`;
}

/**
 * A short, human description of a JS value for "got …" in error messages: `string "abc"`, `number 1.5`,
 * `null`, `object {uri, fmt}`, `array (3 items)`. It names the JS kind first because the kind is usually
 * what was wrong, and shows the value only when it is short enough to help.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `string ${preview(value)}`;
    case "number":
      return `number ${String(value)}`;
    case "bigint":
      return `bigint ${value.toString()}`;
    case "boolean":
      return `boolean ${String(value)}`;
    case "symbol":
      return "symbol";
    case "function":
      return "function";
    default:
      break;
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "invalid Date" : `Date ${value.toISOString()}`;
  }
  if (Array.isArray(value)) return `array (${count(value.length, "item", "items")})`;
  if (value instanceof Uint8Array) return `Uint8Array (${count(value.length, "byte", "bytes")})`;
  if (value instanceof Map) return `Map (${count(value.size, "entry", "entries")})`;
  if (value instanceof Set) return `Set (${count(value.size, "entry", "entries")})`;
  if (isPlainRecord(value)) return `object ${keysPreview(Object.keys(value))}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `${name} instance` : "object";
}

/**
 * A short description of a Literal for decode errors, where what arrived is a proto rather than a JS
 * value: `string literal "abc"`, `list literal (3 items)`, `binary literal (msgpack, 12 bytes)`.
 */
export function describeLiteral(literal: Literal): string {
  const v = literal.value;
  switch (v.case) {
    case "collection":
      return `list literal (${count(v.value.literals.length, "item", "items")})`;
    case "map":
      return `map literal (${count(Object.keys(v.value.literals).length, "entry", "entries")})`;
    case "offloadedMetadata":
      return `offloaded literal (${v.value.uri})`;
    case undefined:
      return "empty literal";
    case "scalar":
      break;
  }
  const s = v.value.value;
  switch (s.case) {
    case "primitive": {
      const p = s.value.value;
      switch (p.case) {
        case "integer":
          return `integer literal ${p.value.toString()}`;
        case "floatValue":
          return `float literal ${String(p.value)}`;
        case "stringValue":
          return `string literal ${preview(p.value)}`;
        case "boolean":
          return `boolean literal ${String(p.value)}`;
        case "datetime":
          return "datetime literal";
        case "duration":
          return "duration literal";
        case undefined:
          return "empty primitive literal";
      }
      break;
    }
    case "binary":
      return `binary literal (${s.value.tag === "" ? "no tag" : `tag ${s.value.tag}`}, ${count(s.value.value.length, "byte", "bytes")})`;
    case "blob":
      return `blob literal ${preview(s.value.uri)}`;
    case "schema":
      return `schema literal ${preview(s.value.uri)}`;
    case "noneType":
      return "none literal";
    case "error":
      return "error literal";
    case "generic":
      return "struct literal (google.protobuf.Struct)";
    case "structuredDataset":
      return `structured dataset literal ${preview(s.value.uri)}`;
    case "union":
      return "union literal";
    case undefined:
      return "empty scalar literal";
  }
  return "literal";
}

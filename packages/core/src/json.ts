import { isLosslessNumber, LosslessNumber, parse as losslessParse, stringify as losslessStringify } from "lossless-json";

export { isLosslessNumber, LosslessNumber };

/**
 * A JSON value as agentwire hands it to authors: exactly what the peer sent, with no number rounded.
 *
 * - a number that a JavaScript `number` holds exactly, and that prints back as it was written, is a
 *   `number` (`42`, `-7`, `3.25`);
 * - an integer past 2^53 (`12345678901234567891`, `18446744073709551615`) is a `bigint`;
 * - any other number (`1.0`, `2.50`, `1e3`, `0.30000000000000000001`) is a `LosslessNumber`, which keeps
 *   the text it was written as: `String(n)` and `n.value` give it back, `Number(n)` or `+n` gives the
 *   nearest `number`.
 *
 * Written back through the SDK, each is sent as it came: `1.0` stays `1.0` and 2^64−1 stays exact, as
 * Ruby, Go and Python peers expect. An author can also put a `bigint` or a `LosslessNumber` of their own
 * in a result.
 */
export type JsonValue = null | boolean | number | bigint | LosslessNumber | string | JsonValue[] | JsonObject;

/** A JSON object (`{…}`) of `JsonValue`s. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * True for a JSON object: not null, not an array, not a class instance such as `Date`, `Map` or a
 * `LosslessNumber` (its prototype is `Object.prototype` or null).
 */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const integerText = /^-?\d+$/;

/** The number parser: `number` where it is exact and prints back the same, `bigint` for large integers, else `LosslessNumber`. */
function parseNumber(text: string): number | bigint | LosslessNumber {
  const n = Number(text);
  if (String(n) === text) return n;
  // -0 is an integer that prints back as 0: kept as written, like 1.0.
  if (integerText.test(text) && !Object.is(n, -0)) return Number.isSafeInteger(n) ? n : BigInt(text);
  return new LosslessNumber(text);
}

/**
 * Number tokens `JSON.parse` may change: 16 or more digits (past 2^53, or more precision than a double
 * holds, a decimal point allowed among them), a fraction ending in 0 (`1.0`, `2.50`), an exponent, or `-0`.
 * Only where a JSON number can start (the beginning, or after `[`, `:` or `,`), so an ID such as
 * `"pw-8f3a1c2e9d"` inside a string does not count; a string that happens to hold `, 1.0` only sends the
 * text down the slower exact path. A text without any of these parses the same both ways, so it takes
 * `JSON.parse`.
 */
const riskyNumber = /(?:^|[[:,])\s*(?:-?(?:\d\.?){16}|-?\d+\.\d*0(?!\d)|-?\d+(?:\.\d+)?[eE]|-0(?![.\d]))/;

/**
 * Parses JSON text without losing any number (see `JsonValue`). Most texts hold no number `JSON.parse`
 * would change, and take its fast path; the others go through `lossless-json`. Throws a `SyntaxError`
 * naming the position for text that is not JSON.
 *
 * ```ts
 * parseJson('{"id": 12345678901234567891, "ratio": 1.0}');
 * // { id: 12345678901234567891n, ratio: LosslessNumber { value: "1.0" } }
 * ```
 */
export function parseJson(text: string): JsonValue {
  if (!riskyNumber.test(text)) return JSON.parse(text) as JsonValue;
  return losslessParse(text, null, parseNumber) as JsonValue;
}

/** True when `value` holds a `bigint` or a `LosslessNumber` somewhere, which `JSON.stringify` cannot write exactly. */
function needsLossless(value: unknown, depth: number): boolean {
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  if (isLosslessNumber(value)) return true;
  // Past this depth JSON.stringify would give up anyway; let it say so.
  if (depth > 512) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (needsLossless(item, depth + 1)) return true;
    return false;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && needsLossless((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * Writes `value` as JSON text, keeping every `bigint` and `LosslessNumber` exact (see `JsonValue`).
 * Otherwise it is `JSON.stringify` (same output, `toJSON` honoured, `undefined` members left out); a value
 * without any exact number takes `JSON.stringify` itself. Returns `undefined` where `JSON.stringify` does
 * (for `undefined` or a function at the top).
 */
export function stringifyJson(value: unknown, space?: number): string | undefined {
  if (!needsLossless(value, 0)) return JSON.stringify(value, null, space);
  return losslessStringify(value, null, space);
}

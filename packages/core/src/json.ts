import { isLosslessNumber, LosslessNumber, parse as losslessParse, stringify as losslessStringify } from "lossless-json";

export { isLosslessNumber, LosslessNumber };

/**
 * A JSON value as agentwire hands it to authors: exactly what the peer sent, with no number rounded.
 *
 * - a number that a JavaScript `number` holds exactly, and that prints back as it was written, is a
 *   `number` (`42`, `-7`, `3.25`);
 * - an integer past 2^53 (`12345678901234567891`, `18446744073709551615`) is a `bigint`;
 * - any other number (`1.0`, `2.50`, `1e3`, `0.30000000000000000001`) is a `LosslessNumber`, which keeps
 *   the text it was written as: `String(n)` and `n.value` give it back, `toNumber(n)` gives the nearest
 *   `number` (`Infinity` or `0` for `1e400` / `1e-400`; `Number(n)` throws for those two).
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
 * holds, a decimal point allowed among them), a fraction ending in 0 (`1.0`, `2.50`), an exponent, `-0`, or a
 * decimal below 1e-6 (`0.0000001`, which a `number` prints as `1e-7`).
 * Only where a JSON number can start (the beginning, or after `[`, `:` or `,`), so an ID such as
 * `"pw-8f3a1c2e9d"` inside a string does not count; a string that happens to hold `, 1.0` only sends the
 * text down the slower exact path. A text without any of these parses the same both ways, so it takes
 * `JSON.parse`.
 */
const riskyNumber = /(?:^|[[:,])\s*(?:-?(?:\d\.?){16}|-?\d+\.\d*0(?!\d)|-?\d+(?:\.\d+)?[eE]|-0(?![.\d])|-?0\.0{6})/;

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
  // A repeated key keeps its last value, as JSON.parse does (lossless-json would refuse the text).
  return losslessParse(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue }) as JsonValue;
}

/**
 * True when `value` holds a `bigint` or a `LosslessNumber` somewhere (what `toJSON` returns included), which
 * `JSON.stringify` cannot write exactly. Objects already on the path are not entered again: a cycle is left
 * to `JSON.stringify`, which refuses it with its usual error. Past a depth no real payload reaches, the
 * exact writer is taken rather than guessed about.
 */
function needsLossless(value: unknown, key: string, ancestors: Set<object>): boolean {
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  if (isLosslessNumber(value)) return true;
  if (ancestors.has(value)) return false;
  if (ancestors.size > 256) return true;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const replaced: unknown = (toJSON as (key: string) => unknown).call(value, key);
    if (replaced !== value) {
      ancestors.add(value);
      try {
        return needsLossless(replaced, key, ancestors);
      } finally {
        ancestors.delete(value);
      }
    }
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (needsLossless(value[i], String(i), ancestors)) return true;
      return false;
    }
    for (const k in value) {
      if (Object.hasOwn(value, k) && needsLossless((value as Record<string, unknown>)[k], k, ancestors)) return true;
    }
    return false;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Writes `value` as JSON text, keeping every `bigint` and `LosslessNumber` exact (see `JsonValue`).
 * Otherwise it is `JSON.stringify` (same output, `toJSON` honoured, `undefined` members left out); a value
 * without any exact number takes `JSON.stringify` itself. Returns `undefined` where `JSON.stringify` does
 * (for `undefined` or a function at the top).
 */
export function stringifyJson(value: unknown, space?: number): string | undefined {
  if (!needsLossless(value, "", new Set())) return JSON.stringify(value, null, space);
  return losslessStringify(value, null, space);
}

/**
 * The nearest `number` to a JSON number in any of its forms: a `number` as it is, a `bigint` or a
 * `LosslessNumber` rounded (`Infinity`, `-Infinity` or `0` where it is out of range, where `Number()` on a
 * `LosslessNumber` throws).
 */
export function toNumber(value: number | bigint | LosslessNumber): number {
  return typeof value === "number" ? value : Number(String(value));
}

const decimalText = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** `text` as sign, significant digits and exponent, so two spellings of one value compare equal (`1.0`, `1`, `1e0`). */
function canonicalDecimal(text: string): string | undefined {
  const m = decimalText.exec(text);
  if (m === null) return undefined;
  let digits = `${m[2]}${m[3] ?? ""}`;
  let exponent = Number(m[4] ?? 0) - (m[3] ?? "").length;
  digits = digits.replace(/^0+/, "");
  if (digits === "") return "0";
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${m[1]}${digits}e${exponent}`;
}

/**
 * The `number` a `LosslessNumber` stands for when a `number` holds that value exactly (`1.0`, `2.50`,
 * `1e3`, `-0`), else undefined (`0.30000000000000000001`, `1e400`).
 */
export function exactNumber(n: LosslessNumber): number | undefined {
  const value = Number(n.value);
  if (!Number.isFinite(value)) return undefined;
  if (value === 0) return canonicalDecimal(n.value) === "0" ? value : undefined;
  const written = canonicalDecimal(n.value);
  return written !== undefined && written === canonicalDecimal(String(value)) ? value : undefined;
}

/** Applies `convert` to every `bigint` and `LosslessNumber` in `value`, copying only along the paths that change. */
function mapNumbers(value: unknown, convert: (n: bigint | LosslessNumber) => unknown): unknown {
  if (typeof value === "bigint") return convert(value);
  if (typeof value !== "object" || value === null) return value;
  if (isLosslessNumber(value)) return convert(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const mapped = mapNumbers(item, convert);
      if (mapped !== item) (copy ??= value.slice())[i] = mapped;
    }
    return copy ?? value;
  }
  if (!isJsonObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const mapped = mapNumbers(item, convert);
    if (mapped !== item) (copy ??= { ...value })[key] = mapped;
  }
  return copy ?? value;
}

/**
 * `value` with every `LosslessNumber` that a `number` holds exactly turned into that number (`10.0` → `10`):
 * what a schema library's `number` type accepts. Integers past 2^53 stay `bigint`s and numbers with more
 * precision than a double stay `LosslessNumber`s, so no value changes, only how it was written.
 */
export function exactNumbers<T>(value: T): T {
  return mapNumbers(value, (n) => (typeof n === "bigint" ? n : (exactNumber(n) ?? n))) as T;
}

/**
 * `value` with every `bigint` and `LosslessNumber` as the nearest `number`: what `JSON.parse` would have
 * given. For validators that only know plain numbers (a JSON Schema `integer` check); never for data
 * that is sent on.
 */
export function plainNumbers(value: unknown): unknown {
  return mapNumbers(value, (n) => toNumber(n));
}

/**
 * A JSON object as ActiveWorkflow sends and stores it (options, memory, a message payload). Values are
 * whatever `JSON.parse` gives; the type stays loose so an author's own interfaces are assignable to it.
 */
export type JsonObject = Record<string, unknown>;

/** True for `{}`-style objects (object literals, `JSON.parse` output, `Object.create(null)`), not arrays, dates or class instances. */
export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** What a value is, for refusals: "null", "an array", "a string", "a number", "an object". */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return isPlainObject(value) ? "an object" : `a ${value.constructor?.name ?? "non-plain object"}`;
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : `a ${typeof value}`;
}

/**
 * The value as it will travel: a JSON round trip drops `undefined` and functions and turns dates into
 * strings, so what an agent returns is exactly what ActiveWorkflow stores. Throws on cycles and BigInts,
 * with `what` naming the value in the message.
 */
export function toJson<T>(value: T, what: string): T {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new TypeError(`${what} is not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (text === undefined) throw new TypeError(`${what} is not JSON-serializable (got ${describeType(value)})`);
  return JSON.parse(text) as T;
}

/** Deep equality of two JSON values, ignoring key order (ActiveWorkflow stores memory as a hash). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const aKeys = Object.keys(ao);
  if (aKeys.length !== Object.keys(bo).length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(bo, key) && jsonEqual(ao[key], bo[key]));
}

import { isJsonObject } from "@agentwire/core";

/**
 * Helpers for telling a "plain object" (what a user means by a record of values) apart from every other
 * kind of object, and for writing keys that come from the wire without tripping over `__proto__`.
 */

/**
 * True for `{...}` literals, `Object.create(null)` and JSON/msgpack-decoded objects; false for arrays,
 * Dates, Maps, Uint8Arrays and class instances. Class instances are refused on purpose: their fields
 * may live behind getters or carry meaning a structural copy would lose, so the author should convert
 * them (or call `toJSON()`) explicitly.
 *
 * The test is core's `isJsonObject`; only the type differs. A record the codec takes holds any values
 * (`Date`, `Uint8Array`, `bigint`, `undefined`, and what msgpack decodes), and the codec writes such values
 * into it, so it narrows to `Record<string, unknown>` rather than to a `JsonObject` of JSON values.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isJsonObject(value);
}

/**
 * Sets an own, enumerable property. Plain assignment would treat a wire key named `__proto__` as a
 * prototype change instead of data; `defineProperty` always creates a data property.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Appends an object key to an error path: `config.key` for identifiers, `config["odd key"]` otherwise. */
export function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Appends an array index to an error path: `items[2]`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

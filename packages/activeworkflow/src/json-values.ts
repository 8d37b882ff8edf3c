import { isJsonObject, isLosslessNumber } from "@agentwire/core";

/**
 * The helpers the SDK uses to walk the JSON values that cross ActiveWorkflow's wire (options, memory,
 * payloads, results). Values are core's `JsonValue`: a number that a `number` does not hold exactly, or
 * that would not print back as written, is a `bigint` (integers past 2^53) or a `LosslessNumber` (`1.0`,
 * `1e3`), and every helper here keeps both as they are, so what ActiveWorkflow sent is what it gets back.
 */

/** What a value is, for refusals: "null", "an array", "a string", "a number", "an object", "a Date". */
export function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "bigint" || isLosslessNumber(value)) return "a number";
  if (typeof value === "object") return isJsonObject(value) ? "an object" : `a ${value.constructor?.name ?? "non-plain object"}`;
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : `a ${typeof value}`;
}

/**
 * Sets an own property, even one called `__proto__` (which plain assignment would take as the
 * prototype): JSON may carry that key, and the parser makes it an ordinary property.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A deep copy of a value that is already plain JSON (what `parseJson` returns): objects, arrays and
 * primitives, plus `bigint`s and `LosslessNumber`s, which are kept as they are (a `LosslessNumber` is
 * treated as immutable, like a number). Several times cheaper than a stringify/parse round trip, and,
 * unlike `structuredClone`, it keeps a `LosslessNumber` a `LosslessNumber`.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i] as unknown);
    return copy as T;
  }
  if (isLosslessNumber(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as Record<string, unknown>)[key]);
    if (key === "__proto__") setOwn(copy, key, item);
    else copy[key] = item;
  }
  return copy as T;
}

/** Thrown inside `jsonValue` on a cycle; `toJsonValue` then asks `JSON.stringify` for its wording. */
class Unserializable extends Error {}
/** What a property whose value JSON leaves out (undefined, a function, a symbol) turns into. */
const omitted = Symbol("omitted");

/**
 * The value `parseJson(stringifyJson(value))` would give, computed by walking it: `toJSON` is called
 * (dates become strings), `undefined`, functions and symbols are dropped from objects and become `null` in
 * arrays, non-finite numbers become `null`, boxed primitives are unboxed, class instances become plain
 * objects, and `bigint`s and `LosslessNumber`s stay exact. With `copy`, every object and array is new;
 * without it, a subtree that is already plain JSON is returned as it is, and only the objects on the way
 * to something converted are new.
 */
function jsonValue(value: unknown, key: string, ancestors: object[], copy: boolean): unknown {
  if (typeof value === "object" && value !== null) {
    if (isLosslessNumber(value)) return value;
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = (toJSON as (key: string) => unknown).call(value, key);
  }
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "object":
      break;
    default:
      return omitted; // undefined, function, symbol
  }
  if (value === null || isLosslessNumber(value)) return value;
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) return value.valueOf();
  if (ancestors.includes(value)) throw new Unserializable();
  ancestors.push(value);
  let result: unknown;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined = copy ? new Array<unknown>(value.length) : undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      let converted = jsonValue(item, String(i), ancestors, copy);
      if (converted === omitted) converted = null;
      if (out === undefined && converted !== item) out = value.slice(0, i);
      if (out !== undefined) out[i] = converted;
    }
    result = out ?? value;
  } else {
    // A class instance (a Map, a URL, your own class) is written as its own enumerable properties.
    let out: Record<string, unknown> | undefined = copy || !isJsonObject(value) ? {} : undefined;
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const item = source[k];
      const converted = jsonValue(item, k, ancestors, copy);
      if (out === undefined && converted !== item) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j]!, source[keys[j]!]);
      }
      if (out !== undefined && converted !== omitted) setOwn(out, k, converted);
    }
    result = out ?? value;
  }
  ancestors.pop();
  return result;
}

/**
 * The value as it will travel: what a stringify/parse round trip gives (dates as strings, `undefined`
 * and functions dropped, big numbers exact), without the round trip. Throws a `TypeError` naming `what`
 * on a cycle, worded as `JSON.stringify` words it. With `copy: false`, parts that are already plain JSON
 * are shared with `value` rather than copied.
 */
export function toJsonValue<T>(value: T, what: string, options: { copy: boolean }): T {
  let result: unknown;
  try {
    result = jsonValue(value, "", [], options.copy);
  } catch (err) {
    let reason: string;
    if (err instanceof Unserializable) {
      try {
        // Bigints are fine here: only the wording of the cycle is wanted.
        JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? 0 : item));
        reason = "it holds a cycle";
      } catch (native) {
        reason = native instanceof Error ? native.message : String(native);
      }
    } else {
      reason = err instanceof Error ? err.message : String(err);
    }
    throw new TypeError(`${what} is not JSON-serializable: ${reason}`, err instanceof Unserializable ? undefined : { cause: err });
  }
  if (result === omitted) throw new TypeError(`${what} is not JSON-serializable (got ${describeKind(value)})`);
  return result as T;
}

/**
 * The value as it will travel, as a new copy: what an agent returns is exactly what ActiveWorkflow
 * stores. Throws on cycles, with `what` naming the value in the message.
 */
export function toJson<T>(value: T, what: string): T {
  return toJsonValue(value, what, { copy: true });
}

/**
 * Whether `other` is the same JSON value as `json` (plain JSON, as `parseJson` gives it), ignoring key
 * order (ActiveWorkflow stores memory as a hash). Numbers compare as written: `1.0` (a `LosslessNumber`)
 * is not `1`, because ActiveWorkflow would store a Float for one and an Integer for the other. Only plain
 * JSON can equal it: a date, a class instance, an `undefined` property or a non-finite number in `other`
 * makes them differ (convert `other` with `toJsonValue` first to compare what it would become).
 */
export function jsonEqual(json: unknown, other: unknown): boolean {
  if (json === other) return true;
  if (typeof json !== "object" || typeof other !== "object" || json === null || other === null) return false;
  if (Array.isArray(json)) {
    if (!Array.isArray(other) || json.length !== other.length) return false;
    for (let i = 0; i < json.length; i++) if (!jsonEqual(json[i], other[i])) return false;
    return true;
  }
  if (isLosslessNumber(json) || isLosslessNumber(other)) {
    return isLosslessNumber(json) && isLosslessNumber(other) && json.value === other.value;
  }
  if (!isJsonObject(other)) return false;
  const keys = Object.keys(json);
  if (keys.length !== Object.keys(other).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(other, key) || !jsonEqual((json as Record<string, unknown>)[key], other[key])) return false;
  }
  return true;
}

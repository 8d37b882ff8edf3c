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
 * Sets an own property, even one called `__proto__` (which plain assignment would take as the
 * prototype): JSON may carry that key, and `JSON.parse` makes it an ordinary property.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A deep copy of a value that is already plain JSON (what `JSON.parse` returns): objects, arrays and
 * primitives only, so no cycles, dates or class instances to care about. Several times cheaper than
 * `structuredClone` or a `JSON.stringify`/`JSON.parse` round trip.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i] as unknown);
    return copy as T;
  }
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as JsonObject)[key]);
    if (key === "__proto__") setOwn(copy, key, item);
    else copy[key] = item;
  }
  return copy as T;
}

/** Thrown inside `jsonValue` on a cycle or a BigInt; `toJsonValue` then asks `JSON.stringify` for its wording. */
class Unserializable extends Error {}
/** What a property whose value JSON leaves out (undefined, a function, a symbol) turns into. */
const omitted = Symbol("omitted");

/**
 * The value `JSON.parse(JSON.stringify(value))` would give, computed by walking it: `toJSON` is called
 * (dates become strings), `undefined`, functions and symbols are dropped from objects and become `null` in
 * arrays, non-finite numbers become `null`, boxed primitives are unboxed and class instances become plain
 * objects. With `copy`, every object and array is new; without it, a subtree that is already plain JSON is
 * returned as it is, and only the objects on the way to something converted are new.
 */
function jsonValue(value: unknown, key: string, ancestors: object[], copy: boolean): unknown {
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = (toJSON as (key: string) => unknown).call(value, key);
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      throw new Unserializable();
    case "object":
      break;
    default:
      return omitted; // undefined, function, symbol
  }
  if (value === null) return null;
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  if (value instanceof BigInt) throw new Unserializable();
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
    let out: JsonObject | undefined = copy || !isPlainObject(value) ? {} : undefined;
    const source = value as JsonObject;
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
 * The value as it will travel: what a `JSON.stringify`/`JSON.parse` round trip gives (dates as strings,
 * `undefined` and functions dropped), without the round trip. Throws a `TypeError` naming `what` on cycles
 * and BigInts, worded as `JSON.stringify` words it. With `copy: false`, parts that are already plain JSON
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
        JSON.stringify(value);
        reason = "it holds a cycle or a BigInt";
      } catch (native) {
        reason = native instanceof Error ? native.message : String(native);
      }
    } else {
      reason = err instanceof Error ? err.message : String(err);
    }
    throw new TypeError(`${what} is not JSON-serializable: ${reason}`, err instanceof Unserializable ? undefined : { cause: err });
  }
  if (result === omitted) throw new TypeError(`${what} is not JSON-serializable (got ${describeType(value)})`);
  return result as T;
}

/**
 * The value as it will travel, as a new copy: a JSON round trip drops `undefined` and functions and turns
 * dates into strings, so what an agent returns is exactly what ActiveWorkflow stores. Throws on cycles and
 * BigInts, with `what` naming the value in the message.
 */
export function toJson<T>(value: T, what: string): T {
  return toJsonValue(value, what, { copy: true });
}

/**
 * Whether `other` is the same JSON value as `json` (plain JSON, as `JSON.parse` gives it), ignoring key
 * order (ActiveWorkflow stores memory as a hash). Only plain JSON can equal it: a date, a class instance,
 * an `undefined` property or a non-finite number in `other` makes them differ (convert `other` with
 * `toJsonValue` first to compare what it would become).
 */
export function jsonEqual(json: unknown, other: unknown): boolean {
  if (json === other) return true;
  if (typeof json !== "object" || typeof other !== "object" || json === null || other === null) return false;
  if (Array.isArray(json)) {
    if (!Array.isArray(other) || json.length !== other.length) return false;
    for (let i = 0; i < json.length; i++) if (!jsonEqual(json[i], other[i])) return false;
    return true;
  }
  if (!isPlainObject(other)) return false;
  const keys = Object.keys(json);
  if (keys.length !== Object.keys(other).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(other, key) || !jsonEqual((json as JsonObject)[key], other[key])) return false;
  }
  return true;
}

// The one place a tool call's numbers change form. `arguments_json` is parsed without losing any number
// (core's `parseJson`: an integer past 2^53 is a `bigint`, `1.0` a `LosslessNumber`), and then:
//
// - a JSON Schema (or no schema) tool's handler gets the arguments exactly as parsed, so a value it passes
//   on (an id, a ratio written 1.0) goes back out as it came;
// - the JSON Schema validator gets `plainNumbers(args)`: every number as the `number` `JSON.parse` would
//   have made of it. The validator never sees a `bigint` or a `LosslessNumber` (ajv and the like do not
//   know them); an integer past 2^53 is validated by its nearest double;
// - a Standard Schema (zod, valibot, ...) gets `exactNumbers(args)`: numbers a double holds exactly become
//   `number`s (`1.0` is 1, so `z.number()` takes it), the others stay exact (`2^64−1` is still a `bigint`,
//   which `z.number()` refuses by name instead of rounding; `z.bigint()` takes it). The handler gets the
//   schema's output.
import { isJsonObject, isLosslessNumber, parseJson, type JsonObject, type JsonValue, type LosslessNumber } from "@agentwire/core";

/** The parsed arguments, or why they are not a JSON object. */
export type ParsedArguments = { ok: true; value: JsonObject } | { ok: false; problem: string };

function jsonKind(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "bigint" || isLosslessNumber(value)) return "a number";
  return `a ${typeof value}`;
}

/** Parses `arguments_json` losslessly; `""` (some LLM APIs send nothing for a tool without arguments) is `{}`. */
export function parseToolArguments(text: string): ParsedArguments {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: JsonValue;
  try {
    value = parseJson(text);
  } catch (err) {
    return { ok: false, problem: `arguments_json is not valid JSON (${(err as Error).message})` };
  }
  if (!isJsonObject(value)) return { ok: false, problem: `the arguments must be a JSON object of named values, got ${jsonKind(value)}` };
  return { ok: true, value };
}

/** A copy of `value` with numbers converted by `convert` (containers copied only where something changed). */
function mapNumbers(value: unknown, convert: (n: bigint | LosslessNumber) => unknown): unknown {
  if (typeof value === "bigint" || isLosslessNumber(value)) return convert(value);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, i) => {
      const mapped = mapNumbers(item, convert);
      if (mapped !== item) (copy ??= [...items])[i] = mapped;
    });
    return copy ?? value;
  }
  if (isJsonObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const mapped = mapNumbers(item, convert);
      if (mapped !== item) (copy ??= { ...value })[key] = mapped;
    }
    return copy ?? value;
  }
  return value;
}

/** Every `bigint` and `LosslessNumber` in `value` as the nearest `number`: what `JSON.parse` would have given. */
export function plainNumbers(value: unknown): unknown {
  return mapNumbers(value, (n) => Number(n));
}

const decimal = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** `text` as sign, significant digits and exponent, so two spellings of one value compare equal. */
function canonical(text: string): string | undefined {
  const m = decimal.exec(text);
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

/** The `number` a `LosslessNumber` holds when a double holds its value exactly (`1.0`, `2.50`, `1e3`), else undefined. */
export function exactNumber(n: LosslessNumber): number | undefined {
  const value = Number(n.value);
  if (!Number.isFinite(value)) return undefined;
  if (Object.is(value, -0)) return value;
  const written = canonical(n.value);
  return written !== undefined && written === canonical(String(value)) ? value : undefined;
}

/**
 * `value` with every `LosslessNumber` a double holds exactly turned into that `number`; bigints and numbers
 * with more precision than a double stay as they are.
 */
export function exactNumbers(value: unknown): unknown {
  return mapNumbers(value, (n) => (typeof n === "bigint" ? n : (exactNumber(n) ?? n)));
}

// The one place a tool call's numbers change form. `arguments_json` is parsed without losing any number
// (core's `parseJson`: an integer past 2^53 is a `bigint`, `1.0` a `LosslessNumber`), and then:
//
// - a tool without a schema gets the arguments exactly as parsed, so a value it passes on (an id, a ratio
//   written 1.0) goes back out as it came;
// - the JSON Schema validator gets core's `plainNumbers(args)`: every number as the `number` `JSON.parse`
//   would have made of it (`1e400` as `Infinity`, never a throw). The validator never sees a `bigint` or a
//   `LosslessNumber` (ajv and the like do not know them); an integer past 2^53 is validated by its nearest
//   double;
// - a JSON Schema tool's handler gets core's `exactNumbers(args)`: numbers a double holds exactly become
//   `number`s (`1.0` is 1), the others stay exact (`2^64−1` a `bigint`, `0.1000000000000000055511151231257827`
//   a `LosslessNumber`), as its type (`InferJsonSchema`) says;
// - a Standard Schema (zod, valibot, ...) gets `exactNumbers(args)` too (`1.0` is 1, so `z.number()` takes
//   it; `2^64−1` is still a `bigint`, which `z.number()` refuses by name instead of rounding; `z.bigint()`
//   takes it). The handler gets the schema's output.
import { isJsonObject, isLosslessNumber, parseJson, type JsonObject, type JsonValue } from "@agentwire/core";

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

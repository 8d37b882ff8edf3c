// Values given on the command line: `--input name=value`, and objects given inline or as a file
// (`--inputs FILE`, `--custom FILE`, `--options JSON`). Every refusal names the option (and the file and
// line) and says what was expected.
import { readFileSync } from "node:fs";
import { AgentwireError, exactNumbers, isJsonObject, parseJson, type JsonObject } from "@agentwire/core";
import { LineCounter, parseDocument } from "yaml";

function refuse(message: string): AgentwireError {
  return new AgentwireError("invalid_argument", message);
}

/**
 * `name=value`: the value as JSON when it parses as JSON (`42`, `2.5`, `true`, `"x"`, `{"a": 1}`), else the
 * text itself as a string (`--input city=Paris`). Numbers are kept exact (an integer past 2^53 is a bigint).
 */
export function parseAssignment(option: string, text: string): [string, unknown] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw refuse(`${option} ${JSON.stringify(text)}: expected NAME=VALUE, e.g. ${option} x=21 or ${option} 'tags=["a","b"]'`);
  const name = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  try {
    return [name, exactNumbers(parseJson(raw))];
  } catch {
    return [name, raw];
  }
}

/** `name=value` for a credential: the value always as the text given. */
export function parseCredential(option: string, text: string): { name: string; value: string } {
  const eq = text.indexOf("=");
  if (eq <= 0) throw refuse(`${option} ${JSON.stringify(text)}: expected NAME=VALUE, e.g. ${option} api_token=s3cr3t`);
  return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

/** A JSON object given inline (`--options '{"max_items": 2}'`), numbers kept exact as ActiveWorkflow keeps them. */
export function parseJsonObjectOption(option: string, text: string): JsonObject {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    throw refuse(`${option}: not valid JSON (${(err as Error).message}); give a JSON object, e.g. ${option} '{"key": "value"}'`);
  }
  if (!isJsonObject(value)) throw refuse(`${option}: expected a JSON object such as {"key": "value"}, got ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`);
  return value;
}

/**
 * An object given as a file (JSON or YAML) or, when the text starts with `{`, inline. A YAML or JSON error
 * names the file and line.
 */
export function readObjectOption(option: string, spec: string): Record<string, unknown> {
  const inline = spec.trimStart().startsWith("{");
  let text = spec;
  if (!inline) {
    try {
      text = readFileSync(spec, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw refuse(`${option} ${spec}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(err)})`}; give a JSON or YAML file, or an inline object starting with {`);
    }
  }
  const where = inline ? option : `${option} ${spec}`;
  try {
    const value = exactNumbers(parseJson(text));
    if (isJsonObject(value)) return value;
    throw refuse(`${where}: expected an object (name: value pairs), got ${Array.isArray(value) ? "a list" : typeof value}`);
  } catch (err) {
    if (err instanceof AgentwireError) throw err;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [first] = doc.errors;
  if (first !== undefined) {
    throw refuse(`${where}:${lineCounter.linePos(first.pos[0]).line}: not valid JSON or YAML: ${first.message.split("\n")[0]}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refuse(`${where}: expected an object (name: value pairs), got ${Array.isArray(value) ? "a list" : value === null ? "nothing" : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** A number of seconds given to an option (`--timeout 30`, `--poll 0.5`), as milliseconds. */
export function secondsOption(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw refuse(`${option} ${JSON.stringify(text)}: expected a number of seconds greater than 0, e.g. ${option} 30`);
  return Math.round(seconds * 1000);
}

/** `--interface`: `{ inputs?: { name: typeName }, outputs?: { name: typeName } }`, checked key by key. */
export function interfaceOption(option: string, value: Record<string, unknown>): { inputs?: Record<string, string>; outputs?: Record<string, string> } {
  const out: { inputs?: Record<string, string>; outputs?: Record<string, string> } = {};
  for (const [key, side] of Object.entries(value)) {
    if (key !== "inputs" && key !== "outputs") throw refuse(`${option}: unknown key ${JSON.stringify(key)}; expected inputs and/or outputs, e.g. {inputs: {x: integer}, outputs: {y: float}}`);
    if (side === null || typeof side !== "object" || Array.isArray(side)) throw refuse(`${option} ${key}: expected name: type pairs, e.g. {x: integer}`);
    const types: Record<string, string> = {};
    for (const [name, type] of Object.entries(side)) {
      if (typeof type !== "string") throw refuse(`${option} ${key}.${name}: expected a Flyte type name such as integer, float, string, [string] or {string: float}`);
      types[name] = type;
    }
    out[key] = types;
  }
  return out;
}

// The repo's Python venv (`npm test` creates it when missing): the real HCL parser (python-hcl2) and the official
// gRPC stack (grpcio, grpc_tools.protoc). Finding it, the AGENTWIRE_SKIP_PYTHON=1 switch (skips these tests on
// a machine without Python; a missing venv otherwise fails them on purpose) and running it come from
// @agentwire/test-support; what is here is this package's: where it is, and reading HCL back through python-hcl2.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { processOutput, pythonEnv, pythonSkipReason, requirePython as requireVenvPython } from "@agentwire/test-support";

const here = dirname(fileURLToPath(import.meta.url));
export const packageRoot = resolve(here, "..");
export const skipPython = pythonSkipReason() !== undefined;

/** The venv's Python, or an error saying how to create it. */
export function requirePython(): string {
  return requireVenvPython(here);
}

/** Runs the venv's Python on `args`, feeding `input` on stdin; resolves with stdout, rejects with stderr. */
export function runPython(args: string[], options: { input?: string; cwd?: string } = {}): Promise<string> {
  return processOutput(requirePython(), args, { ...options, input: options.input ?? "", env: pythonEnv() });
}

/**
 * Decodes the body of an HCL quoted string (escapes as written), per the
 * HCL native syntax spec: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, `$${` for a literal `${`, `%%{` for `%{`.
 * Anything else (a bare `${`, which would be an interpolation; an unknown escape; a raw control
 * character) throws, so the test fails on output a strict HCL parser would reject or read differently.
 */
export function decodeHclString(body: string): string {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === "\\") {
      const e = body[i + 1];
      const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        i += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
        out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 6), 16));
        i += 6;
      } else if (e === "U" && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
        out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 10), 16));
        i += 10;
      } else {
        throw new Error(`invalid escape \\${e} in ${JSON.stringify(body)}`);
      }
    } else if ((c === "$" || c === "%") && body[i + 1] === c && body[i + 2] === "{") {
      out += `${c}{`;
      i += 3;
    } else if ((c === "$" || c === "%") && body[i + 1] === "{") {
      throw new Error(`unescaped template sequence ${c}{ in ${JSON.stringify(body)}`);
    } else if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) {
      throw new Error(`raw control character U+${c.charCodeAt(0).toString(16).padStart(4, "0")} in ${JSON.stringify(body)}`);
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** A quoted string in source form (`"a\\nb"`) to its value. */
function decodeQuoted(source: string): string {
  if (source.length < 2 || !source.startsWith('"') || !source.endsWith('"')) {
    throw new Error(`not a quoted string literal: ${source}`);
  }
  return decodeHclString(source.slice(1, -1));
}

function decodeStrings(value: unknown): unknown {
  if (typeof value === "string") return decodeQuoted(value);
  if (Array.isArray(value)) return value.map(decodeStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('"') ? decodeQuoted(k) : k, decodeStrings(v)]));
  }
  return value;
}

/**
 * Parses HCL with python-hcl2 (a real HCL2 parser) and decodes its strings: blocks come back as
 * `{ type: [{ label: body }] }`, unlabelled ones as `{ type: [body] }`.
 */
export async function parseHcl(text: string): Promise<unknown> {
  const json = await runPython([join(here, "interop/parse_hcl.py")], { input: text });
  return decodeStrings(JSON.parse(json));
}

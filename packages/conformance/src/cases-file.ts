import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject } from "ajv";
import { isMap, isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { CasesFile } from "./cases.js";
import { casesSchema } from "./cases-schema.js";
import { parseTypeName } from "./suites/flyte/type-names.js";

/** A cases file that cannot be used: the message names the file, the line and the field. The CLI exits 2. */
export class CasesFileError extends Error {
  override readonly name = "CasesFileError";
}

const validate = new Ajv2020({ allErrors: true, strict: false }).compile<CasesFile>(casesSchema);

/** `/tasks/0/taskType` → `tasks[0].taskType`. */
function fieldName(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out === "" ? "(the file)" : out;
}

function describe(error: ErrorObject): { path: (string | number)[]; text: string; keyNode: boolean } {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  switch (error.keyword) {
    case "required":
      return { path: [...path, (error.params as { missingProperty: string }).missingProperty], text: "required", keyNode: false };
    case "additionalProperties":
      return { path: [...path, (error.params as { additionalProperty: string }).additionalProperty], text: "not a known key", keyNode: true };
    case "enum":
      return { path, text: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ")}`, keyNode: false };
    default:
      return { path, text: error.message ?? error.keyword, keyNode: false };
  }
}

/** The offset of the node at `path`, or of its nearest ancestor that exists. */
function offsetOf(doc: Document, path: (string | number)[], keyNode: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (keyNode && n === path.length && n > 0) {
      const parent = prefix.length > 1 ? doc.getIn(prefix.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === prefix[prefix.length - 1]);
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(prefix, true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

/** Throws naming the line of every Flyte interface type name the harness cannot parse. */
function typeNameErrors(value: CasesFile, doc: Document, lineCounter: LineCounter, shown: string): void {
  const errors: Array<{ line: number; text: string }> = [];
  for (const [i, task] of (value.tasks ?? []).entries()) {
    for (const side of ["inputs", "outputs"] as const) {
      for (const [key, typeName] of Object.entries(task.interface?.[side] ?? {})) {
        try {
          parseTypeName(typeName);
        } catch (err) {
          const path = ["tasks", i, "interface", side, key];
          const line = lineCounter.linePos(offsetOf(doc, path, false)).line;
          errors.push({ line, text: `${shown}:${line}: ${fieldName(path)}: ${(err as Error).message}` });
        }
      }
    }
  }
  if (errors.length > 0) throw new CasesFileError(errors.sort((a, b) => a.line - b.line).map((e) => e.text).join("\n"));
}

/** The expectations the matching rules read as unanchored regular expressions. */
const patternFields: ReadonlyArray<{ list: "tasks" | "calls" | "completions"; key: string }> = [
  { list: "tasks", key: "message" },
  { list: "calls", key: "errors" },
  { list: "calls", key: "logs" },
  { list: "completions", key: "text" },
];

/** Throws naming the line of every expectation that is not a valid regular expression. */
function patternErrors(value: CasesFile, doc: Document, lineCounter: LineCounter, shown: string): void {
  const errors: Array<{ line: number; text: string }> = [];
  for (const { list, key } of patternFields) {
    for (const [i, item] of ((value[list] ?? []) as Array<{ expect?: Record<string, unknown> }>).entries()) {
      const pattern = item.expect?.[key];
      if (typeof pattern !== "string") continue;
      try {
        new RegExp(pattern);
      } catch (err) {
        const path = [list, i, "expect", key];
        const line = lineCounter.linePos(offsetOf(doc, path, false)).line;
        errors.push({ line, text: `${shown}:${line}: ${fieldName(path)}: not a valid regular expression (${(err as Error).message}); escape special characters such as ( [ + * ? with a backslash` });
      }
    }
  }
  if (errors.length > 0) throw new CasesFileError(errors.sort((a, b) => a.line - b.line).map((e) => e.text).join("\n"));
}

/**
 * Reads and validates a cases file (YAML, or JSON, which YAML reads too) against cases.schema.json.
 * Throws `CasesFileError` (`cases.yaml:12: tasks[0].taskType: required`) for a missing file, bad syntax or a
 * field that does not fit.
 */
export function loadCasesFile(path: string): CasesFile {
  const shown = basename(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CasesFileError(code === "ENOENT" ? `${path}: no such cases file` : `${path}: cannot read it (${code ?? String(err)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new CasesFileError(`${shown}:${line}: not valid YAML or JSON: ${first.message.split("\n")[0]}`);
  }
  const value: unknown = doc.toJS() ?? {};
  if (validate(value)) {
    typeNameErrors(value, doc, lineCounter, shown);
    patternErrors(value, doc, lineCounter, shown);
    return value;
  }
  const errors = validate.errors ?? [];
  const lines = errors
    .filter((e) => e.keyword !== "if")
    .map((e) => {
      const { path: p, text: t, keyNode } = describe(e);
      const line = lineCounter.linePos(offsetOf(doc, p, keyNode)).line;
      return { line, text: `${shown}:${line}: ${fieldName(p)}: ${t}` };
    })
    .sort((a, b) => a.line - b.line);
  const unique = [...new Set(lines.map((l) => l.text))];
  throw new CasesFileError(unique.join("\n"));
}

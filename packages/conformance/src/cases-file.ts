import { ConfigFileError, loadYamlFile, type ConfigProblem, type LoadedYamlFile } from "@agentwire/core/config-file";
import type { CasesFile } from "./cases.js";
import { casesSchema } from "./cases-schema.js";
import { parseTypeName } from "./suites/flyte/type-names.js";

/** A cases file that cannot be used: the message names the file, the line and the field. The CLI exits 2. */
export class CasesFileError extends ConfigFileError {
  static override readonly brand: string = "agentwire.conformance.CasesFileError";
  override readonly name = "CasesFileError";
}

/** Every Flyte interface type name the harness cannot parse. */
function typeNameErrors(value: CasesFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [i, task] of (value.tasks ?? []).entries()) {
    for (const side of ["inputs", "outputs"] as const) {
      for (const [key, typeName] of Object.entries(task.interface?.[side] ?? {})) {
        try {
          parseTypeName(typeName);
        } catch (err) {
          problems.push({ path: ["tasks", i, "interface", side, key], text: (err as Error).message });
        }
      }
    }
  }
  return problems;
}

/** The expectations the matching rules read as unanchored regular expressions. */
const patternFields: ReadonlyArray<{ list: "tasks" | "calls" | "completions"; key: string }> = [
  { list: "tasks", key: "message" },
  { list: "calls", key: "errors" },
  { list: "calls", key: "logs" },
  { list: "completions", key: "text" },
];

/** Every expectation that is not a valid regular expression. */
function patternErrors(value: CasesFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const { list, key } of patternFields) {
    for (const [i, item] of ((value[list] ?? []) as Array<{ expect?: Record<string, unknown> }>).entries()) {
      const pattern = item.expect?.[key];
      if (typeof pattern !== "string") continue;
      try {
        new RegExp(pattern);
      } catch (err) {
        problems.push({
          path: [list, i, "expect", key],
          text: `not a valid regular expression (${(err as Error).message}); escape special characters such as ( [ + * ? with a backslash`,
        });
      }
    }
  }
  return problems;
}

/**
 * Reads and validates a cases file (YAML, or JSON, which YAML reads too) against cases.schema.json.
 * Throws `CasesFileError` (`cases.yaml:12: tasks[0].taskType: required`) for a missing file, bad syntax or a
 * field that does not fit.
 */
export function loadCasesFile(path: string): CasesFile {
  const file: LoadedYamlFile<CasesFile> = loadYamlFile<CasesFile>(path, {
    schema: casesSchema,
    kind: "cases file",
    makeError: (message) => new CasesFileError(message),
  });
  const typeProblems = typeNameErrors(file.value);
  if (typeProblems.length > 0) throw file.error(typeProblems);
  const patternProblems = patternErrors(file.value);
  if (patternProblems.length > 0) throw file.error(patternProblems);
  return file.value;
}

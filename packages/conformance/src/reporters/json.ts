import type { ConformanceReport } from "../run-conformance.js";

/** The version of the `--json` format (report.schema.json); raised only for a change that breaks readers. */
export const REPORT_SCHEMA_VERSION = 1;

/** `--json`: the report as report.schema.json documents it, with `schemaVersion` first. */
export function toJson(report: ConformanceReport): string {
  return JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...report }, null, 2) + "\n";
}

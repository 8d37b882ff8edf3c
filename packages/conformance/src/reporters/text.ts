import { inspect } from "node:util";
import type { CheckResult, CheckStatus } from "../check.js";
import type { ConformanceReport } from "../run-conformance.js";

/** The mark of each status in human output. */
export const marks: Readonly<Record<CheckStatus, string>> = {
  passed: "✓",
  failed: "✗",
  warning: "!",
  skipped: "−",
  "expected-failure": "✗",
  "unexpected-pass": "✗",
};

const labels: Readonly<Record<CheckStatus, string>> = {
  passed: "",
  failed: "",
  warning: " (SHOULD: warning)",
  skipped: " (skipped)",
  "expected-failure": " (known failing)",
  "unexpected-pass": " (UNEXPECTED PASS)",
};

function show(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 6, breakLength: 100, compact: 3 });
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

/** The details of a check that did not hold: message, exchanges, what was needed, source, server stderr. */
export function renderFailure(result: CheckResult, pad = "    "): string {
  const out: string[] = [];
  if (result.message) out.push(`${pad}${result.message}`);
  for (const ex of result.exchanges) {
    out.push(`${pad}${ex.call}`);
    out.push(`${pad}  sent:     ${show(ex.sent).split("\n").join(`\n${pad}            `)}`);
    out.push(`${pad}  received: ${show(ex.received).split("\n").join(`\n${pad}            `)}`);
  }
  if (result.needed) out.push(`${pad}needed: ${result.needed}`);
  out.push(`${pad}why:    ${result.reason}`);
  if (result.source) out.push(`${pad}source: ${result.source}`);
  for (const line of result.serverLog ?? []) out.push(`${pad}[server] ${line}`);
  return out.join("\n");
}

/** Human output: grouped by suite, a mark per check, details for each one that did not hold, a summary. */
export function renderText(report: ConformanceReport, options: { verbose?: boolean } = {}): string {
  const out: string[] = [`agentwire-conformance ${report.protocol} against ${report.target}`, ""];
  for (const suite of report.suites) {
    out.push(`${suite.name} — ${suite.description}`);
    if (suite.results.length === 0) out.push("  (no checks)");
    for (const r of suite.results) {
      const level = r.level === "SHOULD" ? " [SHOULD]" : "";
      out.push(`  ${marks[r.status]} ${r.id}${level}${labels[r.status]}`);
      if (r.status === "failed" || r.status === "warning" || r.status === "unexpected-pass") out.push(renderFailure(r));
      else if (r.status === "skipped" && options.verbose && r.message) out.push(indent(r.message, "    "));
      else if (r.status === "expected-failure" && r.message) out.push(indent(r.message, "    "));
    }
    out.push("");
  }
  const s = report.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`, `${s.warnings} warnings`, `${s.skipped} skipped`];
  if (s.expectedFailures > 0) parts.push(`${s.expectedFailures} known failing`);
  if (s.unexpectedPasses > 0) parts.push(`${s.unexpectedPasses} unexpected passes`);
  out.push(`${report.ok ? "OK" : "FAILED"}: ${parts.join(", ")} in ${(report.durationMs / 1000).toFixed(1)} s`);
  return out.join("\n") + "\n";
}

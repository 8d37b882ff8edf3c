import type { CheckResult } from "../check.js";
import type { ConformanceReport } from "../run-conformance.js";
import { renderFailure } from "./text.js";

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: CheckResult): string {
  const open = `    <testcase name="${escapeXml(r.id)}" classname="${escapeXml(r.suite)}" time="${seconds(r.durationMs)}">`;
  const body: string[] = [];
  switch (r.status) {
    case "failed":
    case "unexpected-pass":
      body.push(`      <failure message="${escapeXml(r.message ?? r.reason)}" type="${r.status === "failed" ? r.level : "unexpected-pass"}">${escapeXml(renderFailure(r, ""))}</failure>`);
      break;
    case "skipped":
      body.push(`      <skipped message="${escapeXml(r.message ?? "skipped")}"/>`);
      break;
    case "warning":
      body.push(`      <system-out>${escapeXml(`WARNING (SHOULD): ${r.id}\n${renderFailure(r, "")}`)}</system-out>`);
      break;
    case "expected-failure":
      body.push(`      <skipped message="${escapeXml(`known failing: ${r.message ?? ""}`)}"/>`);
      break;
    case "passed":
      break;
  }
  return body.length === 0 ? `${open.slice(0, -1)}/>` : `${open}\n${body.join("\n")}\n    </testcase>`;
}

/**
 * JUnit XML as GitHub, GitLab and Jenkins read it: one `testsuite` per suite; a failed MUST (or an unexpected
 * pass) is a `failure` with the message and the details; a failed SHOULD passes with the warning in
 * `system-out`; skipped and known-failing checks are `skipped`.
 */
export function toJUnit(report: ConformanceReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = report.summary;
  const total = report.suites.reduce((n, suite) => n + suite.results.length, 0);
  const time = seconds(report.durationMs);
  out.push(
    `<testsuites name="agentwire-conformance ${escapeXml(report.protocol)}" tests="${total}" failures="${s.failed + s.unexpectedPasses}" errors="0" skipped="${s.skipped + s.expectedFailures}" time="${time}">`,
  );
  for (const suite of report.suites) {
    const failures = suite.results.filter((r) => r.status === "failed" || r.status === "unexpected-pass").length;
    const skipped = suite.results.filter((r) => r.status === "skipped" || r.status === "expected-failure").length;
    const suiteTime = seconds(suite.results.reduce((n, r) => n + r.durationMs, 0));
    out.push(
      `  <testsuite name="${escapeXml(suite.name)}" tests="${suite.results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${suiteTime}" timestamp="${escapeXml(report.startedAt)}">`,
    );
    out.push(`    <properties><property name="target" value="${escapeXml(report.target)}"/><property name="description" value="${escapeXml(suite.description)}"/></properties>`);
    for (const r of suite.results) out.push(testcase(r));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

import picomatch from "picomatch";
import type { CasesFile } from "./cases.js";
import type { CheckResult } from "./check.js";
import { casesFor, protocols, type Protocol, type ProtocolTypes } from "./protocols.js";
import { runSuite } from "./run-suite.js";
import type { Suite } from "./suite.js";

/** One suite's part of a report. */
export interface SuiteReport {
  readonly name: string;
  readonly description: string;
  readonly results: readonly CheckResult[];
}

export interface ReportSummary {
  readonly passed: number;
  /** Failed MUST checks (including `<suite>.suite-error`). */
  readonly failed: number;
  /** Failed SHOULD checks: reported, never fail the run. */
  readonly warnings: number;
  readonly skipped: number;
  readonly expectedFailures: number;
  /** Listed in --known-failing but passed: fails the run, so the baseline stays current. */
  readonly unexpectedPasses: number;
}

/** What `runConformance` returns; `--json` writes it as is (see report.schema.json). */
export interface ConformanceReport {
  readonly protocol: Protocol;
  /** The server under test, for a person: a URL, an address or `command: CMD`. */
  readonly target: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly suites: readonly SuiteReport[];
  readonly summary: ReportSummary;
  /** No failed MUST and no unexpected pass: exit 0. */
  readonly ok: boolean;
}

/** Lines the server under test wrote to stderr between two `Date.now()` instants (when the harness started it). */
export type ServerLog = (fromMs: number, toMs: number) => string[];

export interface RunConformanceOptions<P extends Protocol> {
  protocol: P;
  target: ProtocolTypes[P]["target"];
  /** The whole cases file (its own section is taken) or undefined: discovery only. */
  cases?: CasesFile;
  /** Globs on check ids (picomatch): run only the matching ones. Empty: all. */
  only?: readonly string[];
  /** Globs on check ids: skip the matching ones. */
  skip?: readonly string[];
  /** Check ids expected to fail: a failure becomes `expected-failure`, a pass `unexpected-pass`. */
  knownFailing?: Iterable<string>;
  /** Per-call deadline in seconds (default 10); a check gets three times as long, at least 30 s. */
  timeoutSeconds?: number;
  /** Each result as it is made (after --known-failing is applied). */
  onProgress?: (result: CheckResult) => void;
  /** The server's stderr, attached to failed checks. */
  serverLog?: ServerLog;
  /** The suites to run instead of the registry's (tests, embedding). */
  suites?: readonly Suite<ProtocolTypes[P]["target"], ProtocolTypes[P]["cases"]>[];
}

/** The display string of a target. */
export function describeTarget(target: ProtocolTypes[Protocol]["target"]): string {
  if ("url" in target) return target.url;
  if ("address" in target) return target.address;
  return `command: ${target.command}`;
}

/** Whether a check id is selected by --only/--skip globs. */
export function selector(only: readonly string[] = [], skip: readonly string[] = []): (id: string) => boolean {
  const isOnly = only.length > 0 ? picomatch([...only]) : () => true;
  const isSkipped = skip.length > 0 ? picomatch([...skip]) : () => false;
  return (id) => isOnly(id) && !isSkipped(id);
}

function applyKnownFailing(result: CheckResult, known: ReadonlySet<string>): CheckResult {
  if (!known.has(result.id)) return result;
  if (result.status === "failed" || result.status === "warning") return { ...result, status: "expected-failure" };
  if (result.status === "passed") {
    return { ...result, status: "unexpected-pass", message: "listed in --known-failing but passed: remove it from the list" };
  }
  return result;
}

/**
 * Runs every suite of `protocol` (or `suites`) against `target` and returns the report. Never throws for
 * what the server does: a suite that throws outside its checks becomes one failed check `<suite>.suite-error`
 * and the run goes on.
 */
export async function runConformance<P extends Protocol>(options: RunConformanceOptions<P>): Promise<ConformanceReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const suites = options.suites ?? protocols[options.protocol].suites;
  const cases = casesFor(options.protocol, options.cases);
  const known = new Set(options.knownFailing ?? []);
  const include = selector(options.only, options.skip);
  const callTimeoutMs = (options.timeoutSeconds ?? 10) * 1000;
  const checkTimeoutMs = Math.max(30_000, callTimeoutMs * 3);
  const reports: SuiteReport[] = [];

  try {
    for (const suite of suites) {
      const results: CheckResult[] = [];
      const add = (raw: CheckResult) => {
        let result = applyKnownFailing(raw, known);
        if (options.serverLog && (result.status === "failed" || result.status === "warning" || result.status === "expected-failure")) {
          const end = Date.now();
          const lines = options.serverLog(end - result.durationMs - 50, end);
          if (lines.length > 0) result = { ...result, serverLog: lines };
        }
        results.push(result);
        options.onProgress?.(result);
      };
      const suiteStarted = performance.now();
      try {
        await runSuite(suite, { target: options.target, cases, callTimeoutMs, checkTimeoutMs, include, onResult: add });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const id = `${suite.name}.suite-error`;
        // Filtered like any check: `--only flyte.async.*` does not fail on another suite's stop.
        const selected = include(id);
        add({
          id,
          level: "MUST",
          reason: "the suite runs to its end: the server answered in a way the harness could not go on from",
          suite: suite.name,
          status: selected ? "failed" : "skipped",
          message: `${selected ? "" : "not selected (--only/--skip); "}the suite stopped: ${message}`,
          exchanges: [],
          durationMs: Math.round(performance.now() - suiteStarted),
        });
      }
      reports.push({ name: suite.name, description: suite.description, results });
    }
  } finally {
    // What the suites started for the whole run (a local plugin shared by the AgentPlatform suites) is
    // stopped even when a filter or a failure kept the suite that would stop it from running.
    await protocols[options.protocol].finish?.(options.target);
  }

  const all = reports.flatMap((s) => s.results);
  const count = (status: CheckResult["status"]) => all.filter((r) => r.status === status).length;
  const summary: ReportSummary = {
    passed: count("passed"),
    failed: count("failed"),
    warnings: count("warning"),
    skipped: count("skipped"),
    expectedFailures: count("expected-failure"),
    unexpectedPasses: count("unexpected-pass"),
  };
  return {
    protocol: options.protocol,
    target: describeTarget(options.target),
    startedAt,
    durationMs: Date.now() - started,
    suites: reports,
    summary,
    ok: summary.failed === 0 && summary.unexpectedPasses === 0,
  };
}

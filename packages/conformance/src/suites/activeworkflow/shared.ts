import { isLosslessNumber, parseJson } from "@agentwire/core";
import { createActiveWorkflowDriver, type ActiveWorkflowDriver, type CallOutcome, type DriverWarning } from "@agentwire/activeworkflow/testing";
import type { CheckRecorder } from "../../check.js";
import type { ActiveWorkflowTarget } from "../../targets.js";

/** The driver for one agent URL, with the target's headers and the run's per-call deadline. */
export function driverFor(target: ActiveWorkflowTarget, callTimeoutMs: number): ActiveWorkflowDriver {
  return createActiveWorkflowDriver({
    url: target.url,
    callTimeoutMs,
    ...(target.headers === undefined ? {} : { headers: target.headers }),
  });
}

/** An answer body as shown in a report: parsed JSON when it is JSON, the text otherwise. */
export function shownBody(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return parseJson(body);
  } catch {
    return body.length > 2_000 ? `${body.slice(0, 2_000)}…` : body;
  }
}

/** Records one call's request and answer. */
export function recordCall(rec: CheckRecorder, label: string, outcome: CallOutcome): void {
  rec.exchange(`POST ${label} ${outcome.method}`, outcome.request, {
    status: outcome.status,
    body: shownBody(outcome.body),
    ...(outcome.warnings.length === 0 ? {} : { warnings: outcome.warnings.map((w) => `[${w.code}] ${w.message}`) }),
  });
}

/** A warning in words: what was wrong and what ActiveWorkflow would have done. */
export function describeWarning(w: DriverWarning): string {
  return `${w.message} (${w.aw})`;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (isLosslessNumber(value)) return Number(value.value);
  return undefined;
}

/**
 * The cases file's matching rule: objects by subset, arrays element by element with the same length,
 * anything else equal (numbers by value, whatever their JSON form). Returns where it differs, or undefined.
 */
export function mismatch(expected: unknown, actual: unknown, at: string): string | undefined {
  const expectedNumber = numberOf(expected);
  if (expectedNumber !== undefined) {
    return numberOf(actual) === expectedNumber ? undefined : `${at}: expected ${String(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} element(s), got ${actual.length}`;
    for (const [i, item] of expected.entries()) {
      const found = mismatch(item, actual[i], `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return `${at}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${at}.${key}: missing`;
      const found = mismatch(value, (actual as Record<string, unknown>)[key], `${at}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return value.toString();
  if (isLosslessNumber(value)) return value.value;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : isLosslessNumber(v) ? Number(v.value) : v)) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** An unanchored regular expression from the cases file; an invalid one is reported, not thrown. */
export function regexOf(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern);
  } catch (err) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

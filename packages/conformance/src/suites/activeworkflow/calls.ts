import { randomUUID } from "node:crypto";
import { isJsonObject, parseJson, stringifyJson, type JsonObject } from "@agentwire/core";
import type { ActiveWorkflowDriver, CallOutcome } from "@agentwire/activeworkflow/testing";
import type { ActiveWorkflowCallCase, ActiveWorkflowCases } from "../../cases.js";
import type { CheckRecorder } from "../../check.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";
import { awChecks, unansweredCodes, warningChecks } from "./checks.js";
import { describeWarning, driverFor, mismatch, recordCall, regexOf } from "./shared.js";

/** The name of the credential the harness adds to every call; its value is random per run. */
export const canaryCredentialName = "agentwire_canary";

/** A fresh canary credential. */
export function makeCanary(): { name: string; value: string } {
  return { name: canaryCredentialName, value: `agentwire-canary-${randomUUID()}` };
}

/** One case's call, as ActiveWorkflow makes it: a fresh instance with the case's options, memory and credentials plus the canary. */
export async function callCase(driver: ActiveWorkflowDriver, c: ActiveWorkflowCallCase, canary: { name: string; value: string }, payload?: JsonObject): Promise<CallOutcome> {
  const instance = await driver.createInstance({
    name: c.name,
    ...(c.options === undefined ? {} : { options: c.options as JsonObject }),
    memory: (c.memory ?? {}) as JsonObject,
    credentials: [...(c.credentials ?? []), canary],
  });
  return c.method === "receive" ? driver.receive(instance, payload ?? ((c.payload ?? {}) as JsonObject)) : driver.check(instance);
}

type Ran = { case: ActiveWorkflowCallCase; outcome: CallOutcome; error?: undefined } | { case: ActiveWorkflowCallCase; outcome?: undefined; error: string };

/** Where the canary's value came back: the answer's `result` messages, logs, errors or memory (as sent, before ActiveWorkflow applies it). */
function canaryEchoes(outcome: CallOutcome, value: string): string[] {
  let body: unknown;
  try {
    body = outcome.body === undefined ? undefined : parseJson(outcome.body);
  } catch {
    return outcome.body?.includes(value) ? ["the body"] : [];
  }
  const result = isJsonObject(body) ? body.result : undefined;
  const fields: string[] = [];
  if (isJsonObject(result)) {
    for (const field of ["messages", "logs", "errors", "memory"]) {
      if (field in result && (stringifyJson(result[field]) ?? "").includes(value)) fields.push(`result.${field}`);
    }
  }
  // What ActiveWorkflow stored (a string memory or message is re-parsed; belt and braces).
  if (!fields.includes("result.memory") && (stringifyJson(outcome.memory) ?? "").includes(value)) fields.push("memory (as stored)");
  return fields;
}

/** Cases: each `check`/`receive` call of the cases file, judged as ActiveWorkflow applies it. */
export const callsSuite: Suite<ActiveWorkflowTarget, ActiveWorkflowCases> = {
  name: "activeworkflow.calls",
  description: "the cases' check and receive calls: answers ActiveWorkflow can apply, matching each case's expect, never echoing a credential",
  async run(ctx) {
    const cases = ctx.cases?.calls ?? [];
    const driver = driverFor(ctx.target, ctx.callTimeoutMs);
    const canary = makeCanary();
    const ran: Ran[] = [];
    for (const c of cases) {
      try {
        ran.push({ case: c, outcome: await callCase(driver, c, canary) });
      } catch (err) {
        ran.push({ case: c, error: err instanceof Error ? err.message : String(err) });
      }
    }
    const noCases = (rec: CheckRecorder) => rec.skip(ctx.cases === undefined ? "no cases file: only discovery checks ran" : "the cases file has no ActiveWorkflow `calls`");
    const record = (rec: CheckRecorder, r: Ran) => {
      if (r.outcome !== undefined) recordCall(rec, `${ctx.target.url} (case "${r.case.name}")`, r.outcome);
      else rec.exchange(`POST ${ctx.target.url} ${r.case.method} (case "${r.case.name}")`, r.case, { error: r.error });
    };

    await ctx.check(awChecks.callsAnswered, async (rec) => {
      if (ran.length === 0) noCases(rec);
      const failures: string[] = [];
      for (const r of ran) {
        record(rec, r);
        if (r.error !== undefined) failures.push(`case "${r.case.name}": ${r.error}`);
        else for (const w of r.outcome.warnings.filter((w) => unansweredCodes.includes(w.code))) failures.push(`case "${r.case.name}" (${r.case.method}): ${describeWarning(w)}`);
      }
      if (failures.length > 0) rec.fail(failures.join("\n"), 'a JSON body {"result": {"errors": [...], "logs": [...], "messages": [{...}], "memory": {...}}} (every key optional)');
    });

    for (const { definition, codes } of warningChecks) {
      await ctx.check(definition, async (rec) => {
        if (ran.length === 0) noCases(rec);
        const failures: string[] = [];
        for (const r of ran) {
          if (r.outcome === undefined) continue;
          const found = r.outcome.warnings.filter((w) => codes.includes(w.code));
          if (found.length === 0) continue;
          record(rec, r);
          for (const w of found) failures.push(`case "${r.case.name}" (${r.case.method}): ${describeWarning(w)}`);
        }
        if (failures.length > 0) {
          rec.fail(failures.join("\n"), "errors and logs as arrays of non-empty strings, messages as an array of objects, memory as an object; omit a key rather than send null");
        }
      });
    }

    await ctx.check(awChecks.callsExpect, async (rec) => {
      if (ran.length === 0) noCases(rec);
      const judged = ran.filter((r) => r.case.expect !== undefined);
      if (judged.length === 0) rec.skip("no call case has an `expect`");
      const failures: string[] = [];
      for (const r of judged) {
        const expect = r.case.expect!;
        const name = `case "${r.case.name}"`;
        if (r.outcome === undefined) {
          failures.push(`${name}: ${r.error}`);
          continue;
        }
        const before = failures.length;
        if (expect.messages !== undefined) {
          const found = mismatch(expect.messages, r.outcome.messages, "messages");
          if (found !== undefined) failures.push(`${name}: ${found}`);
        }
        if (expect.memory !== undefined) {
          const found = mismatch(expect.memory, r.outcome.memory, "memory");
          if (found !== undefined) failures.push(`${name}: ${found}`);
        }
        for (const key of ["errors", "logs"] as const) {
          const pattern = expect[key];
          if (pattern === undefined) continue;
          const regex = regexOf(pattern);
          if (typeof regex === "string") failures.push(`${name}: expect.${key}: ${regex}`);
          else if (!r.outcome[key].some((entry) => regex.test(entry))) {
            failures.push(`${name}: no ${key} entry matches /${pattern}/ (${key}: ${JSON.stringify(r.outcome[key])})`);
          }
        }
        if (failures.length > before) record(rec, r);
      }
      if (failures.length > 0) rec.fail(failures.join("\n"), "answers matching each case's expect (objects by subset, arrays element by element with the same length, errors/logs by regex on any entry)");
    });

    await ctx.check(awChecks.callsCanary, async (rec) => {
      if (ran.length === 0) noCases(rec);
      const failures: string[] = [];
      for (const r of ran) {
        if (r.outcome === undefined) continue;
        const fields = canaryEchoes(r.outcome, canary.value);
        if (fields.length === 0) continue;
        record(rec, r);
        failures.push(`case "${r.case.name}" (${r.case.method}): the value of credential "${canary.name}" came back in ${fields.join(", ")}`);
      }
      if (failures.length > 0) rec.fail(failures.join("\n"), "credential values used, never returned: ActiveWorkflow stores messages, logs and memory and shows them to anyone who can see the agent");
    });
  },
};

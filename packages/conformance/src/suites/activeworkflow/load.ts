import { randomUUID } from "node:crypto";
import { stringifyJson, type JsonObject } from "@agentwire/core";
import type { CallOutcome } from "@agentwire/activeworkflow/testing";
import type { ActiveWorkflowCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";
import { callCase, makeCanary } from "./calls.js";
import { awChecks } from "./checks.js";
import { driverFor, recordCall } from "./shared.js";

/** How many `receive` calls the load check sends at once. */
export const concurrentReceives = 50;

/** The payload key the load check adds to tell the answers apart. */
export const markerKey = "agentwire_marker";

/** Cases: 50 concurrent receives of the first receive case, each payload marked, each answered with its own. */
export const loadSuite: Suite<ActiveWorkflowTarget, ActiveWorkflowCases> = {
  name: "activeworkflow.load",
  description: `${concurrentReceives} concurrent receive calls, each answered with its own payload`,
  async run(ctx) {
    await ctx.check(awChecks.loadOwnPayload, async (rec) => {
      const first = ctx.cases?.calls?.find((c) => c.method === "receive");
      if (first === undefined) return rec.skip(ctx.cases === undefined ? "no cases file: only discovery checks ran" : "the cases file has no `receive` call to repeat");
      const driver = driverFor(ctx.target, ctx.callTimeoutMs);
      const canary = makeCanary();
      const run = randomUUID();
      const payloadFor = (i: number): JsonObject => ({ ...((first.payload ?? {}) as JsonObject), [markerKey]: `${run}-${i}` });
      const label = `${ctx.target.url} (case "${first.name}")`;

      // One marked call first: the check applies only when the agent's messages carry the payload back.
      const probe = await callCase(driver, first, canary, payloadFor(concurrentReceives));
      if (probe.failed || !(stringifyJson(probe.messages) ?? "").includes(`${run}-${concurrentReceives}`)) {
        recordCall(rec, label, probe);
        rec.skip(
          probe.failed
            ? `case "${first.name}"'s receive failed alone (see activeworkflow.calls): nothing to load`
            : `case "${first.name}"'s receive emits no message carrying the payload's "${markerKey}", so answers cannot be told apart`,
        );
      }

      const outcomes = await Promise.all(
        Array.from({ length: concurrentReceives }, (_, i) =>
          callCase(driver, first, canary, payloadFor(i)).then(
            (outcome): CallOutcome | string => outcome,
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          ),
        ),
      );
      const failures: string[] = [];
      const markerPattern = new RegExp(`${run}-(\\d+)`, "g");
      for (const [i, outcome] of outcomes.entries()) {
        if (typeof outcome === "string") {
          failures.push(`call ${i}: ${outcome}`);
          continue;
        }
        const text = stringifyJson(outcome.messages) ?? "";
        const seen = [...new Set(Array.from(text.matchAll(markerPattern), (m) => Number(m[1])))];
        const wrong = outcome.failed
          ? `no answer ActiveWorkflow could apply (${outcome.warnings.map((w) => w.code).join(", ")})`
          : !seen.includes(i)
            ? `its messages do not carry its own payload (${markerKey} "${run}-${i}")`
            : seen.length > 1
              ? `its messages carry other calls' payloads too (${seen.filter((n) => n !== i).map((n) => `#${n}`).join(", ")})`
              : undefined;
        if (wrong !== undefined) {
          failures.push(`call ${i}: ${wrong}`);
          if (failures.length <= 3) recordCall(rec, label, outcome);
        }
      }
      if (failures.length > 0) {
        rec.fail(`${failures.length} of ${concurrentReceives} concurrent receives went wrong:\n${failures.slice(0, 10).join("\n")}`, "each concurrent call answered independently, from its own request only");
      }
    });
  },
};

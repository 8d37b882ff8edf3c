import type { RegisterOutcome, DriverWarningCode } from "@agentwire/activeworkflow/testing";
import type { ActiveWorkflowCases } from "../../cases.js";
import type { CheckDefinition, CheckRecorder } from "../../check.js";
import type { Suite } from "../../suite.js";
import type { ActiveWorkflowTarget } from "../../targets.js";
import { awChecks } from "./checks.js";
import { describeWarning, driverFor, shownBody } from "./shared.js";

const registerBody = { method: "register", params: {} };

/** Discovery: `register` as every booting ActiveWorkflow process sends it (twice, to see it answers the same). */
export const registerSuite: Suite<ActiveWorkflowTarget, ActiveWorkflowCases> = {
  name: "activeworkflow.register",
  description: "register, as ActiveWorkflow's boot reads it: a Ruby constant name, display name, description, default_options",
  async run(ctx) {
    const driver = driverFor(ctx.target, ctx.callTimeoutMs);
    let outcome: RegisterOutcome | undefined;
    let thrown: unknown;
    try {
      outcome = await driver.register({ times: 2 });
    } catch (err) {
      thrown = err;
    }
    const record = (rec: CheckRecorder, upTo = 1) => {
      if (outcome === undefined) return;
      outcome.responses.slice(0, upTo).forEach((r) => rec.exchange(`POST ${ctx.target.url} register`, registerBody, { status: r.status, body: shownBody(r.body) }));
      if (outcome.responses.length === 0) {
        rec.exchange(`POST ${ctx.target.url} register`, registerBody, { error: outcome.warnings.map((w) => w.message).join("; ") });
      }
    };
    const judge = (definition: CheckDefinition, codes: readonly DriverWarningCode[], needed: string, upTo = 1) =>
      ctx.check(definition, async (rec) => {
        if (outcome === undefined) throw thrown instanceof Error ? thrown : new Error(String(thrown));
        record(rec, upTo);
        const found = outcome.warnings.filter((w) => codes.includes(w.code));
        if (found.length > 0) rec.fail(found.map(describeWarning).join("; "), needed);
      });

    await judge(
      awChecks.registerAnswered,
      ["transport_error", "non_json_body", "missing_result", "result_not_object"],
      'an answer with a JSON body {"result": {"name": …, "display_name": …, "description": …, "default_options": {…}}}',
    );
    const answered = outcome?.registration !== undefined;
    const needsAnswer = (definition: CheckDefinition, codes: readonly DriverWarningCode[], needed: string, upTo = 1) =>
      answered
        ? judge(definition, codes, needed, upTo)
        : ctx.check(definition, async (rec) => rec.skip("register gave no result object to judge (see activeworkflow.register.answered)"));
    await needsAnswer(awChecks.registerStatus, ["http_status"], "HTTP 200");
    await needsAnswer(awChecks.registerName, ["register_name_invalid"], 'a name matching /^[A-Z][A-Za-z0-9_]*$/, e.g. "DigestAgent", never changed once used');
    await needsAnswer(awChecks.registerDisplayName, ["register_display_name"], 'a non-empty display_name string, e.g. "Digest Agent"');
    await needsAnswer(awChecks.registerDescription, ["register_description"], "a description string (Markdown)");
    await needsAnswer(awChecks.registerDefaultOptions, ["register_default_options"], "default_options as a JSON object ({} when the agent has none)");
    await needsAnswer(awChecks.registerIdempotent, ["register_not_idempotent"], "the same register answer on every call", 2);
  },
};

import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { CheckDefinition } from "../src/check.js";
import { toJUnit } from "../src/reporters/junit.js";
import { toJson } from "../src/reporters/json.js";
import { renderText } from "../src/reporters/text.js";
import { runConformance } from "../src/run-conformance.js";
import type { Suite } from "../src/suite.js";
import type { ActiveWorkflowCases } from "../src/cases.js";
import type { ActiveWorkflowTarget } from "../src/targets.js";

type S = Suite<ActiveWorkflowTarget, ActiveWorkflowCases>;
const target: ActiveWorkflowTarget = { url: "http://127.0.0.1:9/agent" };
const def = (id: string, level: CheckDefinition["level"] = "MUST"): CheckDefinition => ({
  id,
  level,
  reason: `the caller needs ${id}`,
  source: "app/models/agents/remote_agent.rb",
});

/** A fake suite: `a` passes, `b` fails with an exchange, `c` (SHOULD) fails, `d` skips. */
const fake: S = {
  name: "activeworkflow.fake",
  description: "a fake suite",
  async run(ctx) {
    await ctx.check(def("activeworkflow.fake.a"), async () => {});
    await ctx.check(def("activeworkflow.fake.b"), async (rec) => {
      rec.exchange("POST /agent receive", { method: "receive" }, { result: null });
      rec.fail("result is null", "a result object");
    });
    await ctx.check(def("activeworkflow.fake.c", "SHOULD"), async (rec) => rec.fail("a 5xx page <html> & more"));
    await ctx.check(def("activeworkflow.fake.d"), async (rec) => rec.skip("no cases"));
  },
};
const passing: S = {
  name: "activeworkflow.ok",
  description: "all good",
  async run(ctx) {
    await ctx.check(def("activeworkflow.ok.one"), async () => {});
    await ctx.check(def("activeworkflow.ok.two"), async () => {});
  },
};
const throwing: S = {
  name: "activeworkflow.broken",
  description: "throws between checks",
  async run(ctx) {
    await ctx.check(def("activeworkflow.broken.first"), async () => {});
    throw new Error("register answered 502");
  },
};

describe("runConformance", () => {
  it("all MUST checks hold: ok", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [passing] });
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ passed: 2, failed: 0, warnings: 0, skipped: 0, expectedFailures: 0, unexpectedPasses: 0 });
    expect(report.target).toBe("http://127.0.0.1:9/agent");
    expect(report.suites[0]!.name).toBe("activeworkflow.ok");
  });

  it("a failed MUST fails the run, a failed SHOULD is a warning", async () => {
    const progress: string[] = [];
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake], onProgress: (r) => progress.push(`${r.id} ${r.status}`) });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ passed: 1, failed: 1, warnings: 1, skipped: 1 });
    expect(progress).toEqual([
      "activeworkflow.fake.a passed",
      "activeworkflow.fake.b failed",
      "activeworkflow.fake.c warning",
      "activeworkflow.fake.d skipped",
    ]);
    const b = report.suites[0]!.results[1]!;
    expect(b).toMatchObject({ message: "result is null", needed: "a result object" });
    expect(b.exchanges).toEqual([{ call: "POST /agent receive", sent: { method: "receive" }, received: { result: null } }]);
  });

  it("warnings alone never fail the run", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake], skip: ["*.fake.b"] });
    expect(report.ok).toBe(true);
  });

  it("--only and --skip are globs on check ids", async () => {
    const only = await runConformance({ protocol: "activeworkflow", target, suites: [fake, passing], only: ["activeworkflow.ok.*"] });
    const ran = only.suites.flatMap((s) => s.results).filter((r) => r.status !== "skipped").map((r) => r.id);
    expect(ran).toEqual(["activeworkflow.ok.one", "activeworkflow.ok.two"]);
    const skip = await runConformance({ protocol: "activeworkflow", target, suites: [fake, passing], skip: ["activeworkflow.fake.{b,c}", "**.two"] });
    const skipped = skip.suites.flatMap((s) => s.results).filter((r) => r.status === "skipped").map((r) => r.id);
    expect(skipped).toEqual(["activeworkflow.fake.b", "activeworkflow.fake.c", "activeworkflow.fake.d", "activeworkflow.ok.two"]);
    expect(skip.ok).toBe(true);
  });

  it("a glob's * spans dots (ids have no slashes)", async () => {
    const { selector } = await import("../src/run-conformance.js");
    const pick = selector(["flyte.*"], ["*.suite-error"]);
    expect(pick("flyte.async.outputs-only-on-succeeded")).toBe(true);
    expect(pick("flyte.async.suite-error")).toBe(false);
    expect(pick("activeworkflow.register.name")).toBe(false);
  });

  it("known-failing: a listed failure is expected and the run is ok", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake], knownFailing: ["activeworkflow.fake.b"] });
    expect(report.suites[0]!.results[1]!.status).toBe("expected-failure");
    expect(report.summary).toMatchObject({ failed: 0, expectedFailures: 1 });
    expect(report.ok).toBe(true);
  });

  it("known-failing: a listed check that passes fails the run", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [passing], knownFailing: ["activeworkflow.ok.two"] });
    expect(report.suites[0]!.results[1]!.status).toBe("unexpected-pass");
    expect(report.summary).toMatchObject({ failed: 0, unexpectedPasses: 1 });
    expect(report.ok).toBe(false);
    expect(renderText(report)).toContain("✗ activeworkflow.ok.two (UNEXPECTED PASS)");
  });

  it("a suite that throws is one failed check <suite>.suite-error, and the run goes on", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [throwing, passing] });
    expect(report.suites.map((s) => s.results.map((r) => `${r.id} ${r.status}`))).toEqual([
      ["activeworkflow.broken.first passed", "activeworkflow.broken.suite-error failed"],
      ["activeworkflow.ok.one passed", "activeworkflow.ok.two passed"],
    ]);
    expect(report.suites[0]!.results[1]!.message).toContain("register answered 502");
    expect(report.ok).toBe(false);
  });

  it("a suite error is filtered like any check", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [throwing, passing], only: ["activeworkflow.ok.*"] });
    const error = report.suites[0]!.results[1]!;
    expect(error).toMatchObject({ id: "activeworkflow.broken.suite-error", status: "skipped" });
    expect(error.message).toContain("register answered 502");
    expect(report.ok).toBe(true);
  });

  it("passes the protocol's own section of the cases file and the call timeout", async () => {
    let seen: unknown;
    let timeout = 0;
    const reader: S = {
      name: "activeworkflow.reader",
      description: "reads cases",
      async run(ctx) {
        seen = ctx.cases;
        timeout = ctx.callTimeoutMs;
      },
    };
    await runConformance({
      protocol: "activeworkflow",
      target,
      suites: [reader],
      timeoutSeconds: 3,
      cases: { tasks: [{ name: "t", taskType: "x" }], calls: [{ name: "c", method: "check" }] },
    });
    expect(seen).toEqual({ calls: [{ name: "c", method: "check" }] });
    expect(timeout).toBe(3000);
  });

  it("attaches the server's stderr of the moment to a failure", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake], serverLog: () => ["12:00:00.000 boom"] });
    const b = report.suites[0]!.results[1]!;
    expect(b.serverLog).toEqual(["12:00:00.000 boom"]);
    expect(report.suites[0]!.results[0]!.serverLog).toBeUndefined();
    expect(renderText(report)).toContain("[server] 12:00:00.000 boom");
  });
});

describe("reporters", () => {
  it("text: grouped by suite, a mark per check, the failure's exchange, need and source", async () => {
    const text = renderText(await runConformance({ protocol: "activeworkflow", target, suites: [fake] }));
    expect(text).toContain("activeworkflow.fake — a fake suite");
    expect(text).toContain("✓ activeworkflow.fake.a");
    expect(text).toContain("✗ activeworkflow.fake.b");
    expect(text).toContain("! activeworkflow.fake.c [SHOULD] (SHOULD: warning)");
    expect(text).toContain("− activeworkflow.fake.d (skipped)");
    expect(text).toContain("POST /agent receive");
    expect(text).toContain("needed: a result object");
    expect(text).toContain("source: app/models/agents/remote_agent.rb");
    expect(text).toMatch(/FAILED: 1 passed, 1 failed, 1 warnings, 1 skipped/);
  });

  it("JUnit: parsed back, one testsuite per suite, failure, system-out, skipped; escaped", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake, passing], knownFailing: ["activeworkflow.ok.two"] });
    const xml = toJUnit(report);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) }).parse(xml) as {
      testsuites: { failures: string; testsuite: Array<{ name: string; tests: string; failures: string; testcase: Array<Record<string, unknown>> }> };
    };
    expect(parsed.testsuites.failures).toBe("2");
    const [fakeSuite, okSuite] = parsed.testsuites.testsuite;
    expect(fakeSuite!.name).toBe("activeworkflow.fake");
    expect(fakeSuite!.tests).toBe("4");
    const [a, b, c, d] = fakeSuite!.testcase;
    expect(a).toMatchObject({ name: "activeworkflow.fake.a", classname: "activeworkflow.fake" });
    expect(a!.failure).toBeUndefined();
    const failure = b!.failure as { message: string; "#text": string };
    expect(failure.message).toBe("result is null");
    expect(failure["#text"]).toContain("needed: a result object");
    expect(c!["system-out"]).toContain("a 5xx page <html> & more");
    expect(c!.failure).toBeUndefined();
    expect(d!.skipped).toMatchObject({ message: "no cases" });
    expect(okSuite!.failures).toBe("1");
    expect(okSuite!.testcase[1]!.failure).toMatchObject({ type: "unexpected-pass" });
  });

  it("JSON: the report with its schema version", async () => {
    const report = await runConformance({ protocol: "activeworkflow", target, suites: [fake] });
    const json = JSON.parse(toJson(report)) as Record<string, unknown>;
    expect(json).toMatchObject({ schemaVersion: 1, protocol: "activeworkflow", ok: false });
    expect(json).toEqual(JSON.parse(JSON.stringify({ schemaVersion: 1, ...report })));
  });
});

describe("report.schema.json", () => {
  it("validates the JSON reports of passing, failing and known-failing runs", async () => {
    const { readFileSync } = await import("node:fs");
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const schema = JSON.parse(readFileSync(new URL("../report.schema.json", import.meta.url), "utf8")) as object;
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    for (const report of [
      await runConformance({ protocol: "activeworkflow", target, suites: [fake, throwing], serverLog: () => ["x"] }),
      await runConformance({ protocol: "activeworkflow", target, suites: [passing], knownFailing: ["activeworkflow.ok.one"] }),
    ]) {
      const json: unknown = JSON.parse(toJson(report));
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

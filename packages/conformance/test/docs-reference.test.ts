// docs/conformance.md lists every check the suites can report, with the level, reason and source the code
// gives it, and names no check the code does not have.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CasesFile } from "../src/cases.js";
import type { CheckResult } from "../src/check.js";
import { runConformance } from "../src/run-conformance.js";
import type { Protocol } from "../src/protocols.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const doc = readFileSync(join(root, "docs/conformance.md"), "utf8");
const protocolNames: Protocol[] = ["flyte", "flyte2", "activeworkflow", "agentplatform"];
/** Where each protocol's suites live (Flyte 2's are Flyte 1's, spoken for the other caller). */
const suiteDirs: Record<Protocol, string> = { flyte: "flyte", flyte2: "flyte", activeworkflow: "activeworkflow", agentplatform: "agentplatform" };

// Cases that reach every case check (each with an `expect`), against targets where nothing listens: every
// check is reported (not selected), none does any work.
const cases: CasesFile = {
  tasks: [{ name: "t", taskType: "x", inputs: {} }],
  calls: [{ name: "c", method: "receive", payload: {} }],
  tools: [{ name: "t", tool: "x", expect: { isError: false } }],
  completions: [{ name: "c", request: { messages: [{ role: "user", content: "hi" }] }, expect: { finish: "STOP" } }],
  hooks: [{ name: "h", event: "TOOL_CALL", payload: {}, expect: { action: "CONTINUE" } }],
  views: [{ name: "v", view: "x", routes: [{ method: "GET", path: "/", expect: { status: 200 } }] }],
};
const targets = {
  flyte: [{ url: "http://127.0.0.1:1" }],
  flyte2: [{ url: "http://127.0.0.1:1" }],
  activeworkflow: [{ url: "http://127.0.0.1:1/agent" }],
  agentplatform: [{ address: "127.0.0.1:1" }, { command: `${JSON.stringify(process.execPath)} -e 0` }],
} as const;

async function reportedChecks(): Promise<Map<string, CheckResult>> {
  const checks = new Map<string, CheckResult>();
  for (const protocol of protocolNames) {
    for (const target of targets[protocol]) {
      const report = await runConformance({ protocol, target: target, cases, only: ["nothing.selected"], timeoutSeconds: 1 });
      for (const result of report.suites.flatMap((s) => s.results)) if (!result.id.endsWith(".suite-error")) checks.set(result.id, result);
    }
  }
  return checks;
}

/** Every check id written as a string literal in the suites' source. */
function sourceIds(): Set<string> {
  const ids = new Set<string>();
  for (const protocol of protocolNames) {
    const dir = join(root, "packages/conformance/src/suites", suiteDirs[protocol]);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(new RegExp(`"(${protocol}\\.[a-z]+\\.[a-z0-9-]+)"`, "g"))) ids.add(m[1]!);
    }
  }
  return ids;
}

/** The ids in the reference tables, with their level column. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z][a-z0-9]*\.[a-z]+\.[a-z0-9-]+)` \| (MUST|SHOULD) \|/gm)) rows.set(m[1]!, m[2]!);
  return rows;
}

describe("docs/conformance.md's check reference", () => {
  it("documents every check the suites report, at the level the code gives it, and no other", async () => {
    const reported = await reportedChecks();
    const docRows = documented();
    const inCode = new Set([...reported.keys(), ...sourceIds()]);
    expect([...inCode].filter((id) => !docRows.has(id)).sort()).toEqual([]);
    expect([...docRows.keys()].filter((id) => !inCode.has(id)).sort()).toEqual([]);
    for (const [id, result] of reported) expect(`${id} ${docRows.get(id)}`).toBe(`${id} ${result.level}`);
    // And each reported reason is the one the reference gives.
    for (const [id, result] of reported) expect(doc, id).toContain(result.reason.replace(/\|/g, "\\|").replace(/\n/g, " "));
  });

  it("names no check id in its prose that the code does not have", () => {
    const inCode = new Set([...documented().keys()]);
    const mentioned = [...doc.matchAll(/`((?:flyte2?|activeworkflow|agentplatform)\.[a-z]+\.[a-z0-9-]+)`/g)].map((m) => m[1]!);
    expect(mentioned.filter((id) => !inCode.has(id))).toEqual([]);
  });
});

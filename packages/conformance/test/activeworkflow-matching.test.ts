// The cases file's matching rules as the ActiveWorkflow `calls` suite applies them, and a case whose answer
// does not match its `expect`.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LosslessNumber } from "@agentwire/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSuite } from "../src/index.js";
import { activeWorkflowSuites, awChecks, checkOfWarning } from "../src/suites/activeworkflow/index.js";
import { unansweredCodes, warningChecks } from "../src/suites/activeworkflow/checks.js";
import { mismatch } from "../src/suites/activeworkflow/shared.js";

describe("mismatch (the cases file's matching rules)", () => {
  it("objects by subset, arrays element by element with the same length, numbers by value", () => {
    expect(mismatch({ a: 1 }, { a: 1, b: 2 }, "memory")).toBeUndefined();
    expect(mismatch({ a: 1, c: 3 }, { a: 1 }, "memory")).toBe("memory.c: missing");
    expect(mismatch([{ a: 1 }], [{ a: 1, b: 2 }], "messages")).toBeUndefined();
    expect(mismatch([], [{ a: 1 }], "messages")).toBe("messages: expected 0 element(s), got 1");
    expect(mismatch([{ a: 1 }, { a: 2 }], [{ a: 1 }], "messages")).toBe("messages: expected 2 element(s), got 1");
    expect(mismatch({ n: 42 }, { n: new LosslessNumber("42.0") }, "m")).toBeUndefined();
    expect(mismatch({ n: 42 }, { n: "42" }, "m")).toBe('m.n: expected 42, got "42"');
    expect(mismatch({ x: null }, { x: null }, "m")).toBeUndefined();
    expect(mismatch({ x: { y: [1, 2] } }, { x: { y: [1, 3] } }, "m")).toBe("m.x.y[1]: expected 2, got 3");
  });
});

describe("the driver's warnings and the checks", () => {
  it("every DriverWarningCode maps to a check the suites judge it with", () => {
    const ids = new Set<string>(Object.values(awChecks).map((c) => c.id));
    for (const [code, { register, calls }] of Object.entries(checkOfWarning)) {
      expect(register ?? calls, code).toBeDefined();
      if (register !== undefined) expect(ids.has(register), code).toBe(true);
      if (calls === undefined) continue;
      expect(ids.has(calls), code).toBe(true);
      const judgedBy = unansweredCodes.includes(code as never)
        ? awChecks.callsAnswered.id
        : warningChecks.find((w) => w.codes.includes(code as never))?.definition.id;
      expect(judgedBy, code).toBe(calls);
    }
  });

  it("ids are unique, kebab-case and prefixed by their suite", () => {
    const all = Object.values(awChecks);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) {
      expect(c.id).toMatch(/^activeworkflow\.(register|calls|http|load)\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.reason.length).toBeGreaterThan(0);
      expect(c.source?.length).toBeGreaterThan(0);
    }
  });
});

describe("activeworkflow.calls.expect", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { method: string };
        const result =
          body.method === "register"
            ? { name: "Fixed", display_name: "Fixed", description: "", default_options: {} }
            : { messages: [{ a: 2 }], logs: ["did it"], errors: [], memory: { n: 1 } };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("names each case whose answer does not match, and passes the ones that do", async () => {
    const calls = activeWorkflowSuites.find((s) => s.name === "activeworkflow.calls")!;
    const results = await runSuite(calls, {
      target: { url },
      cases: {
        calls: [
          { name: "good", method: "check", expect: { messages: [{ a: 2 }], memory: { n: 1 }, logs: "did" } },
          { name: "wrong message", method: "check", expect: { messages: [{ a: 1 }] } },
          { name: "no such error", method: "receive", payload: {}, expect: { errors: "boom" } },
          { name: "bad regex", method: "check", expect: { logs: "(" } },
        ],
      },
    });
    const result = results.find((r) => r.id === "activeworkflow.calls.expect")!;
    expect(result.status).toBe("failed");
    expect(result.message).not.toContain('case "good"');
    expect(result.message).toContain('case "wrong message": messages[0].a: expected 1, got 2');
    expect(result.message).toContain('case "no such error": no errors entry matches /boom/');
    expect(result.message).toContain('case "bad regex": expect.logs: invalid regular expression');
    expect(result.exchanges).toHaveLength(3);
    expect(results.filter((r) => r.id !== result.id && r.status !== "passed")).toEqual([]);
  });
});

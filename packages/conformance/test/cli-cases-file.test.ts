import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CasesFileError, loadCasesFile } from "../src/cases-file.js";
import { casesSchema } from "../src/cases-schema.js";

const dir = mkdtempSync(join(tmpdir(), "conformance-cases-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function errorOf(path: string): string {
  try {
    loadCasesFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(CasesFileError);
    return (err as Error).message;
  }
  throw new Error("loaded");
}

describe("loadCasesFile", () => {
  it("reads the issue's example (YAML, every protocol's section)", () => {
    const path = file(
      "all.yaml",
      `tasks:
  - name: doubles
    taskType: echo_job
    version: 0
    interface: { inputs: { x: integer }, outputs: { y: integer } }
    inputs: { x: 21 }
    custom: {}
    expect: { phase: SUCCEEDED, outputs: { y: 42 } }
    abort: false
calls:
  - name: digest
    method: receive
    options: {}
    memory: {}
    credentials: [{ name: token, value: s3cr3t }]
    payload: { a: 1 }
    expect: { messages: [{ a: 1 }], memory: {}, errors: "regex" }
config: { root: /srv/docs }
tools:
  - { name: reads, tool: read_file, arguments: { path: a.txt }, expect: { isError: false, result: { } } }
completions:
  - { name: hello, request: { model: m, messages: [{ role: user, content: hi }] }, expect: { finish: STOP, text: "regex" } }
hooks:
  - { name: deny, event: TOOL_CALL, payload: { tool_name: x, arguments_json: "{}" }, expect: { action: CANCEL } }
views:
  - { name: tasks, view: tasks, routes: [{ method: GET, path: /api/tasks, expect: { status: 200 } }] }
`,
    );
    const cases = loadCasesFile(path);
    expect(cases.tasks?.[0]?.inputs).toEqual({ x: 21 });
    expect(cases.calls?.[0]?.credentials).toEqual([{ name: "token", value: "s3cr3t" }]);
    expect(cases.views?.[0]?.routes?.[0]?.expect?.status).toBe(200);
  });

  it("names the file, the line and the field of a missing key, an unknown key and a bad enum", () => {
    const path = file("cases.yaml", "tasks:\n  - name: a\n    taskType: echo\n  - name: b\n    versoin: 1\ncalls:\n  - name: c\n    method: poll\n");
    const lines = errorOf(path).split("\n");
    expect(lines).toContain("cases.yaml:4: tasks[1].taskType: required");
    expect(lines).toContain("cases.yaml:5: tasks[1].versoin: not a known key; expected one of name, taskType, version, interface, inputs, custom, expect, abort, connection");
    expect(lines).toContain("cases.yaml:8: calls[0].method: must be one of receive, check");
  });

  it("reads JSON and names the line there too", () => {
    const path = file("cases.json", '{\n  "tasks": [\n    {"name": "x",\n     "taskType": 3}\n  ]\n}\n');
    expect(errorOf(path)).toBe("cases.json:4: tasks[0].taskType: must be string");
  });

  it("a syntax error names its line", () => {
    expect(errorOf(file("bad.yaml", "tasks:\n  - name: a\n    taskType: [x\n"))).toMatch(/^bad\.yaml:\d+: not valid YAML or JSON: /);
  });

  it("a missing file is an error naming it", () => {
    expect(errorOf(join(dir, "nope.yaml"))).toBe(`${join(dir, "nope.yaml")}: no such cases file`);
  });

  it("takes none, blob and union[...] types, and names the line of a type it cannot parse", () => {
    const good = file("types.yaml", "tasks:\n  - name: t\n    taskType: x\n    interface:\n      inputs: { a: none, b: blob, c: 'union[integer, [string], none]', d: '{string: union[float, string]}' }\n");
    expect(loadCasesFile(good).tasks?.[0]?.interface?.inputs?.["c"]).toBe("union[integer, [string], none]");
    const bad = file("bad-types.yaml", "tasks:\n  - name: t\n    taskType: x\n    interface:\n      inputs:\n        a: integer\n        b: union[integer]\n      outputs:\n        y: blobs\n");
    expect(errorOf(bad)).toBe(
      "bad-types.yaml:7: tasks[0].interface.inputs.b: unknown Flyte type \"union[integer]\": a union names two or more types, union[T1, T2] (integer, float, string, boolean, datetime, duration, struct, none, blob, [T], {string: T}, union[T1, T2, ...])\n" +
        "bad-types.yaml:9: tasks[0].interface.outputs.y: unknown Flyte type \"blobs\" (integer, float, string, boolean, datetime, duration, struct, none, blob, [T], {string: T}, union[T1, T2, ...])",
    );
  });

  it("names the line of an expectation that is not a valid regular expression, in every protocol's section", () => {
    const bad = file(
      "bad-patterns.yaml",
      "tasks:\n  - name: t\n    taskType: x\n    expect: { phase: FAILED, message: 'cost (USD' }\n" +
        "calls:\n  - name: c\n    method: check\n    expect: { errors: '[unclosed' }\n" +
        "completions:\n  - name: k\n    request: { model: m, messages: [{ role: user, content: hi }] }\n    expect: { text: '*hello' }\n",
    );
    const lines = errorOf(bad).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^bad-patterns\.yaml:4: tasks\[0\]\.expect\.message: not a valid regular expression \(.*\); escape special characters/);
    expect(lines[1]).toMatch(/^bad-patterns\.yaml:8: calls\[0\]\.expect\.errors: not a valid regular expression/);
    expect(lines[2]).toMatch(/^bad-patterns\.yaml:12: completions\[0\]\.expect\.text: not a valid regular expression/);
  });

  it("an empty file is no cases", () => {
    expect(loadCasesFile(file("empty.yaml", ""))).toEqual({});
  });

  it("the published cases.schema.json is the schema in the code", () => {
    const published: unknown = JSON.parse(readFileSync(new URL("../cases.schema.json", import.meta.url), "utf8"));
    expect(published).toEqual(JSON.parse(JSON.stringify(casesSchema)));
  });
});

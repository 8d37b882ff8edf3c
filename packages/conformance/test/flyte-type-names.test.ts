// The cases file's Flyte type names: none, blob and union[...] parse into the SDK's types, and outputs of those
// types are decoded with them and compared by the matching rules (a union's variant, a blob's uri, null).
import { toLiteralMap, types } from "@agentwire/flyte";
import { describe, expect, it } from "vitest";
import type { FlyteTaskCase } from "../src/cases.js";
import { decodeOutputs, expectMismatch } from "../src/suites/flyte/common.js";
import { parseTypeName } from "../src/suites/flyte/type-names.js";

describe("Flyte type names in a cases file", () => {
  it("parses none, blob, union[...] (nested too) into the SDK's types", () => {
    expect(parseTypeName("none")).toEqual(types.none());
    expect(parseTypeName("blob")).toEqual(types.blob());
    expect(parseTypeName("union[integer, none]")).toEqual(types.union(types.integer(), types.none()));
    expect(parseTypeName("[union[string, {string: [float]}]]")).toEqual(types.list(types.union(types.string(), types.map(types.list(types.float())))));
    expect(() => parseTypeName("union[]")).toThrow(/a union names two or more types/);
    expect(() => parseTypeName("union[integer, ]")).toThrow(/a union names two or more types/);
  });

  it("decodes and compares outputs of those types", () => {
    const c: FlyteTaskCase = {
      name: "t",
      taskType: "x",
      interface: { outputs: { n: "none", report: "blob", choice: "union[integer, string]" } },
      expect: { phase: "SUCCEEDED", outputs: { n: null, report: { uri: "s3://bucket/report.csv" }, choice: "forty-two" } },
    };
    const sent = toLiteralMap(
      { n: null, report: "s3://bucket/report.csv", choice: "forty-two" },
      { n: types.none(), report: types.blob(), choice: types.union(types.integer(), types.string()) },
    );
    const outputs = decodeOutputs(c, sent);
    expect(outputs).toMatchObject({ n: null, report: { uri: "s3://bucket/report.csv", dimensionality: "single" }, choice: "forty-two" });
    expect(expectMismatch(c, "SUCCEEDED", "", outputs)).toBeUndefined();
    // The union's other variant: 42 is not "forty-two", and a string blob uri differs.
    const other = decodeOutputs(c, toLiteralMap({ n: null, report: "s3://bucket/other.csv", choice: 42 }, { n: types.none(), report: types.blob(), choice: types.union(types.integer(), types.string()) }));
    expect(expectMismatch(c, "SUCCEEDED", "", other)).toBe('outputs.report.uri: expected "s3://bucket/report.csv", got "s3://bucket/other.csv"');
  });

  it("refuses an output whose literal is not the declared union's variant", () => {
    const c: FlyteTaskCase = { name: "t", taskType: "x", interface: { outputs: { choice: "union[integer, boolean]" } } };
    expect(() => decodeOutputs(c, toLiteralMap({ choice: "text" }, { choice: types.string() }))).toThrow();
  });
});

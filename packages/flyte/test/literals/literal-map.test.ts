import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LiteralMapSchema } from "../../src/gen/flyteidl/core/literals_pb.js";
import {
  fromLiteralMap,
  OffloadedLiteralError,
  toLiteralMap,
  types,
  variables,
} from "../../src/literals/index.js";
import { refusal } from "../fixtures.js";

const inputs = variables({
  script: types.string(),
  retries: types.integer(),
  timeout: types.optional(types.duration()),
});

describe("toLiteralMap / fromLiteralMap", () => {
  it("round-trips a map of every kind through toBinary/fromBinary", () => {
    const vars = variables({
      i: types.integer(),
      big: types.integer(),
      f: types.float(),
      s: types.string(),
      b: types.boolean(),
      t: types.datetime(),
      d: types.duration(),
      n: types.none(),
      bin: types.binary(),
      st: types.struct(),
      gst: types.genericStruct(),
      l: types.list(types.list(types.integer())),
      m: types.map(types.optional(types.string())),
      e: types.enum(["A", "B"]),
      file: types.blob({ format: "csv" }),
      dir: types.blob({ multipart: true }),
      sd: types.structuredDataset({ format: "parquet" }),
      sch: types.schema(),
      u: types.union(types.integer(), types.string(), types.none()),
    });
    const values = {
      i: 1,
      big: 2n ** 62n,
      f: 0.25,
      s: "s",
      b: true,
      t: new Date("2024-05-01T00:00:00.5Z"),
      d: 1234.5,
      n: null,
      bin: new Uint8Array([1, 2, 3]),
      st: { a: [1, { b: "c" }], x: 1.5 },
      gst: { a: [1, { b: "c" }], x: 1.5 },
      l: [[1], [2, 3]],
      m: { k: "v", empty: null },
      e: "B",
      file: "s3://b/f.csv",
      dir: { uri: "s3://b/dir/" },
      sd: "bq://project:dataset.table",
      sch: { uri: "s3://b/schema/" },
      u: "str",
    };
    const bytes = toBinary(LiteralMapSchema, toLiteralMap(values, vars));
    const back = fromLiteralMap(fromBinary(LiteralMapSchema, bytes), vars);
    expect(back).toEqual({
      ...values,
      big: 2n ** 62n,
      file: { uri: "s3://b/f.csv", format: "csv", dimensionality: "single" },
      dir: { uri: "s3://b/dir/", format: "", dimensionality: "multipart" },
      sd: { uri: "bq://project:dataset.table", format: "parquet" },
    });
    // Without the declared types the literals decode by their own shape to the same values.
    expect(fromLiteralMap(fromBinary(LiteralMapSchema, bytes))).toEqual(back);
  });

  it("refuses a missing variable, received nothing", () => {
    const e = refusal(() => toLiteralMap({ script: "echo" }, inputs));
    expect(e.variable).toBe("retries");
    expect(e.expected).toBe("integer");
    expect(e.received).toBe("nothing");
    expect(e.message).toBe('input "retries": expected integer, got nothing. Pass a value for "retries"; the declared inputs are "script", "retries", "timeout"');
  });

  it("sends None for a missing optional variable", () => {
    const map = toLiteralMap({ script: "echo", retries: 1 }, inputs);
    expect(fromLiteralMap(map, inputs)).toEqual({ script: "echo", retries: 1, timeout: null });
  });

  it("skips missing variables when requireAll is false", () => {
    const map = toLiteralMap({ script: "echo" }, inputs, { requireAll: false });
    expect(Object.keys(map.literals)).toEqual(["script"]);
  });

  it("refuses an unknown variable, listing the declared ones and suggesting a near miss", () => {
    const typo = refusal(() => toLiteralMap({ scirpt: "echo", retries: 1 }, inputs));
    expect(typo.variable).toBe("scirpt");
    expect(typo.message).toBe(
      'input "scirpt": expected one of the declared inputs ("script", "retries", "timeout"), got string "echo". Did you mean "script"?',
    );
    const unknown = refusal(() => toLiteralMap({ script: "x", retries: 1, zzz: 1 }, inputs, { direction: "output" }));
    expect(unknown.message).toBe(
      'output "zzz": expected one of the declared outputs ("script", "retries", "timeout"), got number 1. Remove "zzz", or add it to the task interface\'s outputs',
    );
    expect(refusal(() => toLiteralMap({ a: 1 }, variables({}))).expected).toBe("no inputs (the interface declares none)");
  });

  it("treats an undefined property as absent", () => {
    const map = toLiteralMap({ script: "x", retries: 1, timeout: undefined, stray: undefined }, inputs);
    expect(fromLiteralMap(map, inputs)).toEqual({ script: "x", retries: 1, timeout: null });
    expect(refusal(() => toLiteralMap({ script: "x", retries: undefined }, inputs)).received).toBe("nothing");
  });

  it("refuses a wrong type naming the variable", () => {
    const e = refusal(() => toLiteralMap({ script: "x", retries: "3" }, inputs));
    expect(e.message).toMatch(/^input "retries": expected integer, got string "3"/);
  });

  it("refuses something that is not a record", () => {
    const e = refusal(() => toLiteralMap([1] as unknown as Record<string, unknown>, undefined, { direction: "output" }));
    expect(e.message).toMatch(/^outputs: expected an object keyed by output name, got array/);
  });

  it("infers types when no variables are declared", () => {
    const map = toLiteralMap({ n: 1, x: 1.5, s: "a", cfg: { k: [1] }, xs: [1, 2], none: null }, undefined);
    expect(fromLiteralMap(map)).toEqual({ n: 1, x: 1.5, s: "a", cfg: { k: [1] }, xs: [1, 2], none: null });
    const cfg = map.literals.cfg;
    expect(cfg?.value.case === "scalar" && cfg.value.value.value.case).toBe("binary");
  });

  it("decodes undeclared literals by shape and tolerates a missing map", () => {
    const map = toLiteralMap({ script: "x", retries: 2, extra: [true] }, undefined);
    expect(fromLiteralMap(map, inputs)).toEqual({ script: "x", retries: 2, extra: [true] });
    expect(fromLiteralMap(undefined, inputs)).toEqual({});
  });

  it("refuses missing declared literals on decode only with requireAll", () => {
    const map = create(LiteralMapSchema);
    expect(fromLiteralMap(map, inputs)).toEqual({});
    const e = refusal(() => fromLiteralMap(map, inputs, { requireAll: true }));
    expect(e.variable).toBe("script");
    expect(e.received).toBe("nothing");
  });

  it("uses the direction for decode errors", () => {
    const map = toLiteralMap({ o0: "x" }, variables({ o0: types.string() }));
    const e = refusal(() => fromLiteralMap(map, variables({ o0: types.integer() }), { direction: "output" }));
    expect(e.message).toMatch(/^output "o0": expected integer, got string literal "x"/);
  });

  it("refuses offloaded literals by default and marks them on request", () => {
    const map = create(LiteralMapSchema, {
      literals: { big: { value: { case: "offloadedMetadata", value: { uri: "s3://b/o", sizeBytes: 10n } } } },
    });
    expect(() => fromLiteralMap(map, undefined)).toThrow(OffloadedLiteralError);
    expect(fromLiteralMap(map, undefined, { offloaded: "marker" })).toEqual({
      big: { offloaded: { uri: "s3://b/o", sizeBytes: 10, inferredType: undefined } },
    });
  });
});

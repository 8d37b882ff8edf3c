import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LiteralSchema, type Literal } from "../../src/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "../../src/gen/flyteidl/core/types_pb.js";
import { fromLiteral, LiteralTypeError, OffloadedLiteralError, toLiteral, types } from "../../src/literals/index.js";
import { refusal } from "../fixtures.js";

/** Encodes, sends through the wire format, decodes: what a peer would see. */
function roundTrip(value: unknown, type: LiteralType): unknown {
  const literal = toLiteral(value, type, "v");
  const wire = fromBinary(LiteralSchema, toBinary(LiteralSchema, literal));
  return fromLiteral(wire, type, "v");
}

function scalarCase(literal: Literal): string | undefined {
  return literal.value.case === "scalar" ? literal.value.value.value.case : undefined;
}

describe("INTEGER", () => {
  it("round-trips safe numbers, 3.0 and bigints", () => {
    expect(roundTrip(42, types.integer())).toBe(42);
    expect(roundTrip(-7, types.integer())).toBe(-7);
    expect(roundTrip(3.0, types.integer())).toBe(3);
    expect(roundTrip(5n, types.integer())).toBe(5);
    expect(roundTrip(2n ** 63n - 1n, types.integer())).toBe(2n ** 63n - 1n);
    expect(roundTrip(-(2n ** 63n), types.integer())).toBe(-(2n ** 63n));
  });

  it("writes int64 primitives", () => {
    const l = toLiteral(42, types.integer(), "v");
    expect(l.value).toMatchObject({ case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 42n } } } } });
  });

  it("refuses non-integers, unsafe numbers, out-of-range bigints and strings", () => {
    const e = refusal(() => toLiteral(1.5, types.integer(), "n"));
    expect(e.variable).toBe("n");
    expect(e.expected).toBe("integer");
    expect(e.received).toBe("number 1.5");
    expect(e.message).toContain("declare the variable as a float");
    expect(refusal(() => toLiteral(2 ** 60, types.integer(), "n")).message).toContain("bigint");
    expect(refusal(() => toLiteral(2n ** 63n, types.integer(), "n")).message).toContain("64-bit");
    expect(refusal(() => toLiteral(Number.NaN, types.integer(), "n")).received).toBe("number NaN");
    expect(refusal(() => toLiteral("5", types.integer(), "n")).received).toBe('string "5"');
  });

  it("reads an integral float literal as an integer, as flytekit does for the console", () => {
    const l = toLiteral(4, types.float(), "v");
    expect(fromLiteral(l, types.integer(), "v")).toBe(4);
    expect(() => fromLiteral(toLiteral(4.5, types.float(), "v"), types.integer(), "v")).toThrow(LiteralTypeError);
  });
});

describe("FLOAT", () => {
  it("round-trips numbers including NaN and infinities", () => {
    expect(roundTrip(1.5, types.float())).toBe(1.5);
    expect(roundTrip(1, types.float())).toBe(1);
    expect(roundTrip(Number.NaN, types.float())).toBeNaN();
    expect(roundTrip(Number.POSITIVE_INFINITY, types.float())).toBe(Number.POSITIVE_INFINITY);
    expect(roundTrip(-0, types.float())).toBe(-0);
  });

  it("reads an integer literal as a float", () => {
    expect(fromLiteral(toLiteral(3, types.integer(), "v"), types.float(), "v")).toBe(3);
  });

  it("refuses strings and bigints", () => {
    expect(refusal(() => toLiteral("1.5", types.float(), "x")).message).toContain("Number(value)");
    expect(refusal(() => toLiteral(1n, types.float(), "x")).message).toContain("Number(value)");
  });
});

describe("STRING, BOOLEAN, NONE, BINARY", () => {
  it("round-trips", () => {
    expect(roundTrip("héllo ✓", types.string())).toBe("héllo ✓");
    expect(roundTrip("", types.string())).toBe("");
    expect(roundTrip(true, types.boolean())).toBe(true);
    expect(roundTrip(false, types.boolean())).toBe(false);
    expect(roundTrip(null, types.none())).toBeNull();
    expect(roundTrip(undefined, types.none())).toBeNull();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(roundTrip(bytes, types.binary())).toEqual(bytes);
    expect(roundTrip(Buffer.from("hi"), types.binary())).toEqual(new Uint8Array([104, 105]));
  });

  it("refuses the wrong kinds", () => {
    expect(refusal(() => toLiteral(1, types.string(), "s")).received).toBe("number 1");
    expect(refusal(() => toLiteral("true", types.boolean(), "b")).received).toBe('string "true"');
    expect(refusal(() => toLiteral(0, types.none(), "z")).expected).toBe("none");
    expect(refusal(() => toLiteral([1], types.binary(), "b")).received).toBe("array (1 item)");
    expect(refusal(() => toLiteral(null, types.string(), "s")).message).toBe('input "s": expected string, got null. Pass a string (convert with String(value) if that is what you mean)');
  });
});

describe("DATETIME", () => {
  it("round-trips Dates", () => {
    const d = new Date("2024-05-01T12:34:56.789Z");
    expect(roundTrip(d, types.datetime())).toEqual(d);
    const old = new Date("0001-01-01T00:00:00Z");
    expect(roundTrip(old, types.datetime())).toEqual(old);
  });

  it("accepts ISO-8601 strings, keeps nanoseconds on the wire, reads no offset as UTC", () => {
    const l = toLiteral("2024-01-02T03:04:05.123456789Z", types.datetime(), "t");
    expect(l.value).toMatchObject({
      value: { value: { case: "primitive", value: { value: { case: "datetime", value: { seconds: 1704164645n, nanos: 123456789 } } } } },
    });
    expect(fromLiteral(l, types.datetime(), "t")).toEqual(new Date("2024-01-02T03:04:05.123Z"));
    expect(roundTrip("2024-01-02T03:04:05", types.datetime())).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(roundTrip("2024-01-02", types.datetime())).toEqual(new Date("2024-01-02T00:00:00Z"));
    expect(roundTrip("2024-01-02T05:04:05+02:00", types.datetime())).toEqual(new Date("2024-01-02T03:04:05Z"));
  });

  it("refuses bad Dates and non-ISO strings", () => {
    const bad = refusal(() => toLiteral(new Date("nope"), types.datetime(), "when"));
    expect(bad.received).toBe("invalid Date");
    expect(bad.message).toContain("ISO-8601");
    expect(refusal(() => toLiteral("03/04/2024", types.datetime(), "when")).received).toBe('string "03/04/2024"');
    expect(() => toLiteral("2024-02-30", types.datetime(), "when")).toThrow(LiteralTypeError);
    expect(() => toLiteral(1714560000000, types.datetime(), "when")).toThrow(LiteralTypeError);
    expect(() => toLiteral(new Date(-8.64e15), types.datetime(), "when")).toThrow(LiteralTypeError);
  });
});

describe("DURATION", () => {
  it("round-trips milliseconds, fractional and negative", () => {
    expect(roundTrip(1500, types.duration())).toBe(1500);
    expect(roundTrip(90000.25, types.duration())).toBe(90000.25);
    expect(roundTrip(-1500.5, types.duration())).toBe(-1500.5);
    expect(roundTrip(0, types.duration())).toBe(0);
  });

  it("splits into seconds and nanos with the same sign", () => {
    const l = toLiteral(-1500.5, types.duration(), "d");
    expect(l.value).toMatchObject({
      value: { value: { value: { value: { case: "duration", value: { seconds: -1n, nanos: -500_500_000 } } } } },
    });
    const micro = toLiteral(90000.25, types.duration(), "d");
    expect(micro.value).toMatchObject({ value: { value: { value: { value: { value: { seconds: 90n, nanos: 250_000 } } } } } });
  });

  it("refuses non-numbers and infinities", () => {
    expect(refusal(() => toLiteral("1s", types.duration(), "d")).message).toContain("milliseconds");
    expect(() => toLiteral(Number.POSITIVE_INFINITY, types.duration(), "d")).toThrow(LiteralTypeError);
  });
});

describe("STRUCT", () => {
  const value = { name: "x", n: 1, f: 1.5, ok: true, none: null, list: [1, "a"], nested: { deep: [{ k: "v" }] } };

  it("encodes msgpack for types.struct() and round-trips", () => {
    const l = toLiteral(value, types.struct(), "cfg");
    expect(scalarCase(l)).toBe("binary");
    expect(l.value.case === "scalar" && l.value.value.value.case === "binary" && l.value.value.value.value.tag).toBe("msgpack");
    expect(roundTrip(value, types.struct())).toEqual(value);
  });

  it("encodes a legacy Struct with format json for types.genericStruct() and round-trips", () => {
    const l = toLiteral(value, types.genericStruct(), "cfg");
    expect(scalarCase(l)).toBe("generic");
    expect(l.metadata).toEqual({ format: "json" });
    expect(roundTrip(value, types.genericStruct())).toEqual(value);
  });

  it("decodes either encoding whatever the declared annotation says", () => {
    expect(fromLiteral(toLiteral(value, types.genericStruct(), "c"), types.struct(), "c")).toEqual(value);
    expect(fromLiteral(toLiteral(value, types.struct(), "c"), types.genericStruct(), "c")).toEqual(value);
  });

  it("drops undefined properties and writes Dates as ISO strings", () => {
    const d = new Date("2024-01-01T00:00:00Z");
    expect(roundTrip({ a: undefined, b: 1, when: d }, types.struct())).toEqual({ b: 1, when: "2024-01-01T00:00:00.000Z" });
  });

  it("keeps bigints and bytes in msgpack", () => {
    const v = { id: 2n ** 62n, small: 3n, raw: new Uint8Array([1, 2]) };
    expect(roundTrip(v, types.struct())).toEqual({ id: 2n ** 62n, small: 3, raw: new Uint8Array([1, 2]) });
  });

  it("refuses non-objects and things msgpack or Struct cannot carry, naming the path", () => {
    expect(refusal(() => toLiteral([1], types.struct(), "cfg")).received).toBe("array (1 item)");
    expect(refusal(() => toLiteral(new Map(), types.struct(), "cfg")).received).toBe("Map (0 entries)");
    expect(refusal(() => toLiteral(new Date(), types.struct(), "cfg")).expected).toBe("struct");
    const fn = refusal(() => toLiteral({ a: { b: () => 1 } }, types.struct(), "cfg"));
    expect(fn.variable).toBe("cfg.a.b");
    expect(fn.received).toBe("function");
    const nan = refusal(() => toLiteral({ x: [Number.NaN] }, types.genericStruct(), "cfg"));
    expect(nan.variable).toBe("cfg.x[0]");
    expect(nan.message).toContain("types.struct()");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refusal(() => toLiteral(cyclic, types.struct(), "cfg")).received).toBe("a circular reference");
  });

  it("never lets a __proto__ key change a prototype", () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    // protobuf-es drops the key when it reads a Struct; the rest survives.
    const back = roundTrip(v, types.genericStruct()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toEqual({ a: 1 });
    // @msgpack/msgpack refuses the key outright when decoding; that surfaces as a LiteralTypeError.
    expect(() => roundTrip(v, types.struct())).toThrow(/__proto__ is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("collections and maps", () => {
  it("round-trips lists, nested lists and maps", () => {
    expect(roundTrip([1, 2, 3], types.list(types.integer()))).toEqual([1, 2, 3]);
    expect(roundTrip([], types.list(types.integer()))).toEqual([]);
    expect(roundTrip([["a"], []], types.list(types.list(types.string())))).toEqual([["a"], []]);
    expect(roundTrip({ a: 1.5, b: 2 }, types.map(types.float()))).toEqual({ a: 1.5, b: 2 });
    expect(roundTrip(new Map([["k", "v"]]), types.map(types.string()))).toEqual({ k: "v" });
    expect(roundTrip({ rows: [{ a: 1 }] }, types.map(types.list(types.struct())))).toEqual({ rows: [{ a: 1 }] });
  });

  it("names the element path in refusals", () => {
    const e = refusal(() => toLiteral([1, 2, "abc"], types.list(types.integer()), "items"));
    expect(e.message).toMatch(/^input "items\[2\]": expected integer, got string "abc"/);
    const m = refusal(() => toLiteral({ key: "x", "odd key": 1 }, types.map(types.integer()), "config"));
    expect(m.variable).toBe("config.key");
    const odd = refusal(() => toLiteral({ "odd key": "x" }, types.map(types.integer()), "config"));
    expect(odd.variable).toBe('config["odd key"]');
  });

  it("refuses the wrong container", () => {
    expect(refusal(() => toLiteral({ 0: 1 }, types.list(types.integer()), "l")).expected).toBe("list<integer>");
    expect(refusal(() => toLiteral([1], types.map(types.integer()), "m")).expected).toBe("map<string, integer>");
    expect(refusal(() => toLiteral(new Map([[1, 1]]), types.map(types.integer()), "m")).received).toBe("Map with a number key");
  });
});

describe("enum", () => {
  it("round-trips a member", () => {
    expect(roundTrip("B", types.enum(["A", "B"]))).toBe("B");
  });

  it("refuses a value outside the set, listing the set", () => {
    const e = refusal(() => toLiteral("C", types.enum(["A", "B"]), "color"));
    expect(e.expected).toBe("enum {A, B}");
    expect(e.message).toBe('input "color": expected enum {A, B}, got string "C". Use one of: "A", "B"');
  });

  it("refuses a decoded string outside the set", () => {
    const l = toLiteral("C", types.string(), "color");
    expect(() => fromLiteral(l, types.enum(["A", "B"]), "color")).toThrow(/one of: "A", "B"/);
  });
});

describe("blob, structured dataset, schema", () => {
  it("round-trips files and directories", () => {
    expect(roundTrip("s3://b/f.csv", types.blob({ format: "csv" }))).toEqual({ uri: "s3://b/f.csv", format: "csv", dimensionality: "single" });
    expect(roundTrip({ uri: "s3://b/dir/", dimensionality: "multipart" }, types.blob({ multipart: true }))).toEqual({
      uri: "s3://b/dir/",
      format: "",
      dimensionality: "multipart",
    });
    expect(roundTrip({ uri: "s3://b/x", format: "json" }, types.blob())).toEqual({ uri: "s3://b/x", format: "json", dimensionality: "single" });
  });

  it("writes blob metadata", () => {
    const l = toLiteral("s3://b/f.csv", types.blob({ format: "csv" }), "f");
    expect(l.value).toMatchObject({ value: { value: { case: "blob", value: { uri: "s3://b/f.csv", metadata: { type: { format: "csv", dimensionality: 0 } } } } } });
  });

  it("refuses a file where a directory is declared, unknown keys and empty URIs", () => {
    expect(refusal(() => toLiteral({ uri: "s3://b/f", dimensionality: "single" }, types.blob({ multipart: true }), "d")).message).toContain("declared multipart");
    expect(refusal(() => toLiteral({ url: "s3://b/f" }, types.blob(), "f")).message).toContain('Unknown key "url"');
    expect(() => toLiteral("", types.blob(), "f")).toThrow(LiteralTypeError);
    expect(() => toLiteral(42, types.blob(), "f")).toThrow(LiteralTypeError);
  });

  it("round-trips structured datasets, filling in the declared format", () => {
    expect(roundTrip("bq://p:d.t", types.structuredDataset())).toEqual({ uri: "bq://p:d.t", format: "" });
    expect(roundTrip({ uri: "s3://b/t/", format: "parquet" }, types.structuredDataset())).toEqual({ uri: "s3://b/t/", format: "parquet" });
    expect(roundTrip("s3://b/t/", types.structuredDataset({ format: "parquet" }))).toEqual({ uri: "s3://b/t/", format: "parquet" });
  });

  it("round-trips legacy schemas", () => {
    expect(roundTrip({ uri: "s3://b/s/" }, types.schema())).toEqual({ uri: "s3://b/s/" });
  });
});

describe("decoding by shape (no declared type)", () => {
  it("decodes every scalar kind", () => {
    const cases: [unknown, LiteralType, unknown][] = [
      [7, types.integer(), 7],
      [2.5, types.float(), 2.5],
      ["s", types.string(), "s"],
      [true, types.boolean(), true],
      [null, types.none(), null],
      [new Date(0), types.datetime(), new Date(0)],
      [250, types.duration(), 250],
      [new Uint8Array([9]), types.binary(), new Uint8Array([9])],
      [{ a: 1 }, types.struct(), { a: 1 }],
      [{ a: 1 }, types.genericStruct(), { a: 1 }],
      [[1, 2], types.list(types.integer()), [1, 2]],
      [{ k: "v" }, types.map(types.string()), { k: "v" }],
      ["s3://x", types.blob(), { uri: "s3://x", format: "", dimensionality: "single" }],
      ["bq://x", types.structuredDataset(), { uri: "bq://x", format: "" }],
      [3, types.optional(types.integer()), 3],
    ];
    for (const [value, type, expected] of cases) {
      expect(fromLiteral(toLiteral(value, type, "v"), undefined, "v")).toEqual(expected);
    }
  });
});

describe("decoding refusals", () => {
  it("refuses a literal that does not fit the declared type", () => {
    const e = refusal(() => fromLiteral(toLiteral("abc", types.string(), "s"), types.integer(), "n"));
    expect(e.message).toMatch(/^input "n": expected integer, got string literal "abc"/);
    expect(() => fromLiteral(toLiteral([1], types.list(types.integer()), "l"), types.map(types.integer()), "l")).toThrow(LiteralTypeError);
    expect(() => fromLiteral(toLiteral(null, types.none(), "x"), types.integer(), "x")).toThrow(/not optional/);
    expect(() => fromLiteral(create(LiteralSchema), types.integer(), "x")).toThrow(/empty literal/);
  });

  it("uses the direction in decode errors", () => {
    const e = refusal(() => fromLiteral(toLiteral(1, types.integer(), "o0"), types.string(), "o0", { direction: "output" }));
    expect(e.message.startsWith('output "o0"')).toBe(true);
  });
});

describe("offloaded literals", () => {
  const offloaded = create(LiteralSchema, {
    value: { case: "offloadedMetadata", value: { uri: "s3://bucket/offloaded/abc", sizeBytes: 123456n, inferredType: types.list(types.integer()) } },
  });

  it("are refused by default with the pointer and the raw literal on the error", () => {
    let caught: unknown;
    try {
      fromLiteral(offloaded, types.list(types.integer()), "big");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OffloadedLiteralError);
    const e = caught as OffloadedLiteralError;
    expect(e.uri).toBe("s3://bucket/offloaded/abc");
    expect(e.sizeBytes).toBe(123456);
    expect(e.literal).toBe(offloaded);
    expect(e.code).toBe("unimplemented");
    expect(e.message).toContain('input "big": the literal is offloaded to blob storage (uri s3://bucket/offloaded/abc, 123456 bytes)');
    expect(caught).not.toBeInstanceOf(LiteralTypeError);
  });

  it("become markers on request", () => {
    expect(fromLiteral(offloaded, undefined, "big", { offloaded: "marker" })).toEqual({
      offloaded: { uri: "s3://bucket/offloaded/abc", sizeBytes: 123456, inferredType: types.list(types.integer()) },
    });
  });
});

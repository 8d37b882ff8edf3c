import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LiteralSchema, type Literal } from "../../src/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, TypeStructureSchema, type LiteralType } from "../../src/gen/flyteidl/core/types_pb.js";
import { describeType, fromLiteral, LiteralTypeError, toLiteral, types } from "../../src/literals/index.js";

function withTag(type: LiteralType, tag: string): LiteralType {
  const copy = clone(LiteralTypeSchema, type);
  copy.structure = create(TypeStructureSchema, { tag });
  return copy;
}

function chosen(literal: Literal): LiteralType | undefined {
  if (literal.value.case !== "scalar" || literal.value.value.value.case !== "union") throw new Error("not a union literal");
  return literal.value.value.value.value.type;
}

function tagOf(literal: Literal): string | undefined {
  return chosen(literal)?.structure?.tag;
}

describe("union encoding", () => {
  const optionalInt = types.optional(types.integer());

  it("wraps the value in scalar.union with the chosen variant's tagged type", () => {
    const l = toLiteral(5, optionalInt, "n");
    expect(tagOf(l)).toBe("int");
    expect(describeType(chosen(l))).toBe("integer");
    const inner = l.value.case === "scalar" && l.value.value.value.case === "union" ? l.value.value.value.value.value : undefined;
    expect(inner?.value).toMatchObject({ case: "scalar", value: { value: { case: "primitive" } } });
  });

  it("picks the NONE variant for null and undefined", () => {
    expect(tagOf(toLiteral(null, optionalInt, "n"))).toBe("none");
    expect(tagOf(toLiteral(undefined, optionalInt, "n"))).toBe("none");
  });

  it("prefers the variant matching the value's kind over declared order", () => {
    const floatOrInt = types.union(types.float(), types.integer());
    expect(tagOf(toLiteral(3, floatOrInt, "x"))).toBe("int");
    expect(tagOf(toLiteral(3.5, floatOrInt, "x"))).toBe("float");
    // An integral number still fits a float variant when there is no int variant.
    expect(tagOf(toLiteral(3, types.optional(types.float()), "x"))).toBe("float");
    // A string is a str before it is an enum member, as flytekit decides.
    const enumOrStr = types.union(types.enum(["a", "b"]), types.string());
    expect(tagOf(toLiteral("a", enumOrStr, "x"))).toBe("str");
    expect(tagOf(toLiteral("a", types.union(types.enum(["a"]), types.datetime()), "x"))).toBe("DefaultEnumTransformer");
  });

  it("falls back to declared order for values that need a conversion", () => {
    const dtOrStr = types.union(types.datetime(), types.string());
    expect(tagOf(toLiteral("2024-01-01T00:00:00Z", dtOrStr, "x"))).toBe("str");
    const dtOrInt = types.union(types.integer(), types.datetime());
    expect(tagOf(toLiteral("2024-01-01T00:00:00Z", dtOrInt, "x"))).toBe("datetime");
    const listOrStruct = types.union(types.list(types.string()), types.struct());
    expect(tagOf(toLiteral(["a"], listOrStruct, "x"))).toBe("Typed List");
    expect(tagOf(toLiteral({ a: 1 }, listOrStruct, "x"))).toBe("Typed Dict");
    const fileOrStr = types.union(types.blob(), types.integer());
    expect(tagOf(toLiteral("s3://b/k", fileOrStr, "x"))).toBe("FlyteFilePath");
  });

  it("tries the next variant when a natural match fails deeper down", () => {
    const lists = types.union(types.list(types.integer()), types.list(types.string()));
    expect(tagOf(toLiteral(["a"], lists, "x"))).toBe("Typed List");
    expect(describeType(chosen(toLiteral(["a"], lists, "x")))).toBe("list<string>");
  });

  it("refuses a value no variant accepts, saying why for each", () => {
    let err: LiteralTypeError | undefined;
    try {
      toLiteral("abc", optionalInt, "n");
    } catch (e) {
      if (e instanceof LiteralTypeError) err = e;
    }
    expect(err?.expected).toBe("integer | none");
    expect(err?.received).toBe('string "abc"');
    expect(err?.message).toContain("fits none of the variants");
    expect(err?.message).toContain("integer: Parse it first");
  });
});

describe("union decoding", () => {
  const u = types.union(types.integer(), types.string(), types.none());

  it("round-trips through the wire, returning the inner value", () => {
    for (const v of [7, "seven", null]) {
      const wire = fromBinary(LiteralSchema, toBinary(LiteralSchema, toLiteral(v, u, "x")));
      expect(fromLiteral(wire, u, "x")).toEqual(v);
      expect(fromLiteral(wire, undefined, "x")).toEqual(v);
    }
  });

  it("matches the variant by flytekit's tag", () => {
    // Two variants of the same kind: only the tag tells them apart. Choosing by kind alone would
    // decode "c" as the first enum and refuse it.
    const twoEnums = types.union(withTag(types.enum(["a", "b"]), "Letters"), withTag(types.enum(["c"]), "Other"));
    const l = fromBinary(LiteralSchema, toBinary(LiteralSchema, toLiteral("c", twoEnums, "e")));
    expect(tagOf(l)).toBe("Other");
    expect(fromLiteral(l, twoEnums, "e")).toBe("c");
  });

  it("refuses a union literal whose variant the variable does not declare", () => {
    const l = toLiteral(true, types.optional(types.boolean()), "x");
    expect(() => fromLiteral(l, types.optional(types.integer()), "x")).toThrow(/a union literal holding boolean \(tag "bool"\)/);
  });

  it("accepts a plain literal for a union type, and a union literal for a plain type", () => {
    expect(fromLiteral(toLiteral(3, types.integer(), "x"), u, "x")).toBe(3);
    expect(fromLiteral(toLiteral(null, types.none(), "x"), u, "x")).toBeNull();
    expect(fromLiteral(toLiteral(3, u, "x"), types.integer(), "x")).toBe(3);
    expect(() => fromLiteral(toLiteral(1.5, types.float(), "x"), u, "x")).toThrow(LiteralTypeError);
  });
});

import { describe, expect, it } from "vitest";
import { describeType, inferLiteralType, LiteralTypeError, types } from "../../src/literals/index.js";

const inferred = (v: unknown): string => describeType(inferLiteralType(v));

describe("inferLiteralType", () => {
  it("infers simple types", () => {
    expect(inferred(3)).toBe("integer");
    expect(inferred(3n)).toBe("integer");
    expect(inferred(3.5)).toBe("float");
    expect(inferred(2 ** 60)).toBe("float");
    expect(inferred(Number.NaN)).toBe("float");
    expect(inferred("s")).toBe("string");
    expect(inferred(false)).toBe("boolean");
    expect(inferred(new Date())).toBe("datetime");
    expect(inferred(null)).toBe("none");
    expect(inferred(undefined)).toBe("none");
    expect(inferred(new Uint8Array())).toBe("binary");
  });

  it("infers plain objects as msgpack structs", () => {
    expect(inferLiteralType({ a: 1 })).toEqual(types.struct());
    expect(inferLiteralType({ uri: "s3://b/k" })).toEqual(types.struct());
  });

  it("infers lists from their elements", () => {
    expect(inferred([1, 2])).toBe("list<integer>");
    expect(inferred([])).toBe("list<none>");
    expect(inferred([1, 2.5])).toBe("list<float>");
    expect(inferred([1, null])).toBe("list<integer | none>");
    expect(inferred([1, "a", 2])).toBe("list<integer | string>");
    expect(inferred([[1], ["a"]])).toBe("list<list<integer> | list<string>>");
    expect(inferred([{ a: 1 }, { b: 2 }])).toBe("list<struct>");
  });

  it("infers Maps as Flyte maps", () => {
    expect(inferred(new Map([["a", 1], ["b", 2]]))).toBe("map<string, integer>");
  });

  it("refuses what it cannot type, naming the path", () => {
    expect(() => inferLiteralType(() => 1)).toThrow(LiteralTypeError);
    try {
      inferLiteralType([1, new (class Thing {})()], "xs");
    } catch (e) {
      expect(e).toBeInstanceOf(LiteralTypeError);
      expect((e as LiteralTypeError).variable).toBe("xs[1]");
      expect((e as LiteralTypeError).received).toBe("Thing instance");
    }
  });
});

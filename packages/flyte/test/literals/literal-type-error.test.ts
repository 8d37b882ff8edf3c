import { AgentwireError } from "@agentwire/core";
import { describe, expect, it } from "vitest";
import { LiteralTypeError, OffloadedLiteralError, toLiteral, types } from "../../src/literals/index.js";
import { describeValue } from "../../src/literals/describe-value.js";

describe("LiteralTypeError", () => {
  it("formats variable, expected, received and the hint", () => {
    const e = new LiteralTypeError({ variable: "items[2]", expected: "integer", received: 'string "abc"', hint: "Pass a number" });
    expect(e.message).toBe('input "items[2]": expected integer, got string "abc". Pass a number');
    expect(e.variable).toBe("items[2]");
    expect(e.expected).toBe("integer");
    expect(e.received).toBe('string "abc"');
    expect(e.direction).toBe("input");
    expect(e.code).toBe("invalid_argument");
    expect(e.name).toBe("LiteralTypeError");
  });

  it("takes its first word from the direction", () => {
    const e = new LiteralTypeError({ variable: "o0", expected: "string", received: "null", direction: "output" });
    expect(e.message).toBe('output "o0": expected string, got null');
  });

  it("is an AgentwireError, but not every AgentwireError is a LiteralTypeError", () => {
    const e = new LiteralTypeError({ variable: "x", expected: "string", received: "null" });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(AgentwireError);
    expect(new AgentwireError("invalid_argument", "x")).not.toBeInstanceOf(LiteralTypeError);
    expect(e).not.toBeInstanceOf(OffloadedLiteralError);
  });

  it("produces the documented message from the encoder", () => {
    expect(() => toLiteral("abc", types.integer(), "items[2]")).toThrow(
      /^input "items\[2\]": expected integer, got string "abc"\. Parse it first/,
    );
  });
});

describe("describeValue", () => {
  it("names the kind and previews short values", () => {
    expect(describeValue("abc")).toBe('string "abc"');
    expect(describeValue(1.5)).toBe("number 1.5");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(12n)).toBe("bigint 12");
    expect(describeValue(true)).toBe("boolean true");
    expect(describeValue([1, 2, 3])).toBe("array (3 items)");
    expect(describeValue({ a: 1, b: 2 })).toBe("object {a, b}");
    expect(describeValue(new Date(Number.NaN))).toBe("invalid Date");
    expect(describeValue(new Uint8Array(4))).toBe("Uint8Array (4 bytes)");
    expect(describeValue(new Map([["a", 1]]))).toBe("Map (1 entry)");
    expect(describeValue(new (class Foo {})())).toBe("Foo instance");
  });

  it("truncates long strings to 40 characters", () => {
    const long = "x".repeat(500);
    const d = describeValue(long);
    expect(d).toBe(`string "${"x".repeat(40)}"… (500 chars)`);
  });

  it("escapes control characters so a message stays on one line", () => {
    expect(describeValue("a\nb")).toBe('string "a\\nb"');
  });
});

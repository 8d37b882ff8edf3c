import { describe, expect, it } from "vitest";
import { isJsonObject, isLosslessNumber, LosslessNumber, parseJson, stringifyJson } from "../src/index.js";

describe("lossless JSON", () => {
  it("round-trips 2^64-1, -2^53-1, 1.0 and numbers past a double's precision exactly", () => {
    const text = '{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"one":1.0,"price":2.50,"tiny":1e-400,"exp":1E5,"pi":3.141592653589793238462643383279,"zero":-0}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value.id).toBe(12345678901234567891n);
    expect(value.max_u64).toBe(18446744073709551615n);
    expect(value.neg).toBe(-9007199254740993n);
    expect(isLosslessNumber(value.one)).toBe(true);
    expect(String(value.one)).toBe("1.0");
    expect(Number(value.one)).toBe(1);
    expect(stringifyJson(value)).toBe(text);
  });

  it("gives plain numbers for values a double holds exactly, through the fast path and the exact one", () => {
    expect(parseJson('{"a":42,"b":-7,"c":3.25,"d":[1,2,3]}')).toEqual({ a: 42, b: -7, c: 3.25, d: [1, 2, 3] });
    // The same numbers beside a large one (the exact path) are still plain numbers.
    expect(parseJson('{"a":42,"c":3.25,"big":9007199254740993}')).toEqual({ a: 42, c: 3.25, big: 9007199254740993n });
    expect(parseJson("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseJson("-9007199254740991")).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it("keeps 16-significant-digit decimals that a double would round", () => {
    const text = "[123456789012345.67,0.1000000000000000055511151231257827]";
    expect(stringifyJson(parseJson(text))).toBe(text);
  });

  it("does not touch digits inside strings", () => {
    const text = '{"s":"12345678901234567891 and 1.0","n":1}';
    expect(parseJson(text)).toEqual({ s: "12345678901234567891 and 1.0", n: 1 });
    expect(stringifyJson(parseJson(text))).toBe(text);
  });

  it("writes bigints and LosslessNumbers an author puts in a result, and is JSON.stringify otherwise", () => {
    expect(stringifyJson({ count: 2n ** 64n - 1n, ratio: new LosslessNumber("1.0"), skip: undefined })).toBe('{"count":18446744073709551615,"ratio":1.0}');
    const plain = { a: [1, "x", null, true], d: new Date(0), nested: { u: undefined } };
    expect(stringifyJson(plain)).toBe(JSON.stringify(plain));
    expect(stringifyJson(undefined)).toBeUndefined();
    expect(stringifyJson({ a: 1 }, 2)).toBe(JSON.stringify({ a: 1 }, null, 2));
  });

  it("refuses text that is not JSON with a SyntaxError, on both paths", () => {
    expect(() => parseJson("{nope")).toThrow(SyntaxError);
    expect(() => parseJson('{"big": 12345678901234567891,}')).toThrow(SyntaxError);
  });

  it("tells JSON objects from arrays, null and class instances", () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(new Date())).toBe(false);
    expect(isJsonObject(new LosslessNumber("1.0"))).toBe(false);
  });
});

describe("lossless JSON: where numbers can start", () => {
  it("finds risky numbers after [, : and , with white space, at the start, and negative", () => {
    for (const text of ["1.0", " [ 1.0 ]", '{"a" :\n 18446744073709551615}', "[1, -9007199254740993]", "[2e3]", "[-0]", "[0.1000000000000000055511151231257827]"]) {
      expect(stringifyJson(parseJson(text)), text).toBe(text.replace(/\s+/g, ""));
    }
  });

  it("leaves strings that only look like numbers on the fast path, with the same values", () => {
    const text = '{"credential":"pw-8f3a1c2e9d","id":"12345678901234567891","n":10}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });
});

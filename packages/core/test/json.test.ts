import { describe, expect, it } from "vitest";
import { exactNumbers, isJsonObject, isLosslessNumber, LosslessNumber, parseJson, plainNumbers, stringifyJson, toNumber } from "../src/index.js";

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

describe("lossless JSON: review cases", () => {
  it("refuses a cycle with JSON.stringify's error instead of walking it forever", () => {
    const node: Record<string, unknown> = { name: "root" };
    node.a = node;
    node.b = node;
    const parent: { children: unknown[] } = { children: [] };
    const child = { parent };
    parent.children.push(child, { parent });
    expect(() => stringifyJson(node)).toThrow(/circular/i);
    expect(() => stringifyJson(parent)).toThrow(/circular/i);
    // A shared (not circular) object is fine, twice.
    const shared = { n: 1n };
    expect(stringifyJson({ x: shared, y: shared })).toBe('{"x":{"n":1},"y":{"n":1}}');
  });

  it("writes exact numbers that toJSON returns, and ones nested deep", () => {
    expect(stringifyJson({ v: { toJSON: () => ({ n: 10n }) } })).toBe('{"v":{"n":10}}');
    expect(stringifyJson([{ toJSON: () => new LosslessNumber("1.0") }])).toBe("[1.0]");
    let deep: unknown = 18446744073709551615n;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(stringifyJson(deep)).toBe(`${"[".repeat(600)}18446744073709551615${"]".repeat(600)}`);
  });

  it("keeps decimals below 1e-6 as written, whichever path the text takes", () => {
    expect(stringifyJson(parseJson("[0.0000001]"))).toBe("[0.0000001]");
    expect(stringifyJson(parseJson("[0.0000001, 1.0]"))).toBe("[0.0000001,1.0]");
    expect(parseJson("[0.000001]")).toEqual([0.000001]);
  });

  it("keeps the last of a repeated key on both paths, as JSON.parse does", () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(parseJson('{"a":1,"a":2,"b":12345678901234567891}')).toEqual({ a: 2, b: 12345678901234567891n });
  });

  it("turns numbers to plain ones where a double holds them, and rounds only when asked", () => {
    const value = parseJson('{"a":1.0,"b":2.50,"c":1e3,"d":0.1000000000000000055511151231257827,"e":12345678901234567891,"f":1e400,"g":[-0.0]}');
    const exact = exactNumbers(value) as Record<string, unknown>;
    expect(exact.a).toBe(1);
    expect(exact.b).toBe(2.5);
    expect(exact.c).toBe(1000);
    expect(isLosslessNumber(exact.d)).toBe(true);
    expect(exact.e).toBe(12345678901234567891n);
    expect(isLosslessNumber(exact.f)).toBe(true);
    expect(Object.is((exact.g as unknown[])[0], -0)).toBe(true);
    const plain = plainNumbers(value) as Record<string, unknown>;
    expect(plain.e).toBe(12345678901234567000);
    expect(plain.f).toBe(Infinity);
    expect(toNumber(new LosslessNumber("-1e400"))).toBe(-Infinity);
    expect(toNumber(new LosslessNumber("1e-400"))).toBe(0);
    // Untouched values are the same objects: nothing is copied where nothing changes.
    const untouched = { a: [1, "x"], b: { c: null } };
    expect(exactNumbers(untouched)).toBe(untouched);
  });
});

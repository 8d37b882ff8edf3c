// The JSON Schema subset plain-JSON-Schema tools validate with: each keyword, and the messages that name
// the argument that is wrong.
import { describe, expect, it } from "vitest";
import { supportedJsonSchemaKeywords, type JsonSchema } from "../src/index.js";
import { jsonSchemaProblems, validateJsonSchema } from "../src/tools/json-schema.js";

const check = (schema: JsonSchema | boolean, value: unknown) => validateJsonSchema(schema, value).map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`));

describe("validateJsonSchema", () => {
  it("checks types, with integer a kind of number and several types allowed", () => {
    expect(check({ type: "integer" }, 3)).toEqual([]);
    expect(check({ type: "number" }, 3)).toEqual([]);
    expect(check({ type: "integer" }, 3.5)).toEqual(["expected integer, got number"]);
    expect(check({ type: ["string", "null"] }, null)).toEqual([]);
    expect(check({ type: ["string", "null"] }, 1)).toEqual(["expected string or null, got integer"]);
    expect(check({ type: "object" }, [])).toEqual(["expected object, got array"]);
    expect(check({ type: "array" }, {})).toEqual(["expected array, got object"]);
    expect(check({ type: "boolean" }, "true")).toEqual(["expected boolean, got string"]);
    expect(check(true, 1)).toEqual([]);
    expect(check(false, 1)).toEqual(["no value is allowed here"]);
  });

  it("checks strings: length in characters, not UTF-16 units, and unanchored patterns", () => {
    expect(check({ type: "string", minLength: 2 }, "😀")).toEqual(["must be at least 2 characters long"]);
    expect(check({ type: "string", maxLength: 1 }, "😀")).toEqual([]);
    expect(check({ type: "string", maxLength: 2 }, "abc")).toEqual(["must be at most 2 characters long, got 3"]);
    expect(check({ type: "string", pattern: "\\d" }, "a1b")).toEqual([]);
    expect(check({ type: "string", pattern: "^\\d+$" }, "a1b")).toEqual(["must match the pattern /^\\d+$/"]);
  });

  it("checks numbers", () => {
    const s: JsonSchema = { type: "number", minimum: 1, maximum: 10, multipleOf: 0.5 };
    expect(check(s, 2.5)).toEqual([]);
    expect(check(s, 0)).toEqual(["must be >= 1, got 0"]);
    expect(check(s, 11)).toEqual(["must be <= 10, got 11"]);
    expect(check(s, 1.2)).toEqual(["must be a multiple of 0.5, got 1.2"]);
    expect(check({ type: "number", multipleOf: 0.1 }, 0.3)).toEqual([]);
    expect(check({ exclusiveMinimum: 0, exclusiveMaximum: 1 }, 0)).toEqual(["must be > 0, got 0"]);
    expect(check({ exclusiveMinimum: 0, exclusiveMaximum: 1 }, 1)).toEqual(["must be < 1, got 1"]);
  });

  it("checks enum and const by value", () => {
    expect(check({ enum: ["a", 1, { x: [1] }] }, { x: [1] })).toEqual([]);
    expect(check({ enum: ["a", "b"] }, "c")).toEqual(['must be one of "a", "b", got "c"']);
    expect(check({ const: { a: 1 } }, { a: 2 })).toEqual(['must be {"a":1}, got {"a":2}']);
    expect(check({ const: null }, null)).toEqual([]);
  });

  it("checks arrays and names items by index", () => {
    const s: JsonSchema = { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true };
    expect(check(s, ["a", "b"])).toEqual([]);
    expect(check(s, [])).toEqual(["must have at least 1 item, got 0"]);
    expect(check(s, ["a", 2, "a", "b"])).toEqual(["must have at most 3 items, got 4", "items must be unique, but items 0 and 2 are equal", "[1]: expected string, got integer"]);
  });

  it("checks objects: required, properties, additionalProperties (false or a schema), property counts", () => {
    const s: JsonSchema = {
      type: "object",
      properties: { name: { type: "string" }, nested: { type: "object", properties: { list: { type: "array", items: { type: "integer" } } } } },
      required: ["name"],
      additionalProperties: { type: "number" },
      maxProperties: 3,
    };
    expect(check(s, { name: "x", extra: 1 })).toEqual([]);
    expect(check(s, { nested: { list: [1, "2"] }, extra: "no", a: 1, b: 2 })).toEqual([
      "must have at most 3 properties, got 4",
      "name: required",
      "nested.list[1]: expected integer, got string",
      "extra: expected number, got string",
    ]);
    expect(check({ type: "object", additionalProperties: false }, { a: 1 })).toEqual(["a: unexpected property (no properties are allowed)"]);
    expect(check({ type: "object", minProperties: 1 }, {})).toEqual(["must have at least 1 property"]);
    // An own "__proto__" key (JSON.parse makes one) is a property like any other.
    expect(check({ type: "object", additionalProperties: false }, JSON.parse('{"__proto__": 1}'))).toEqual(["__proto__: unexpected property (no properties are allowed)"]);
  });

  it("checks anyOf, oneOf, allOf and not, saying why each option failed", () => {
    const s: JsonSchema = { anyOf: [{ type: "string" }, { type: "object", required: ["id"] }] };
    expect(check(s, "a")).toEqual([]);
    expect(check(s, 1)).toEqual(["matches none of the allowed schemas (option 1: expected string, got integer; option 2: expected object, got integer)"]);
    expect(check({ type: "object", properties: { v: s } }, { v: {} })).toEqual([
      "v: matches none of the allowed schemas (option 1: expected string, got object; option 2: id: required)",
    ]);
    expect(check({ oneOf: [{ type: "integer" }, { type: "number" }] }, 1)).toEqual(["must match exactly one of the allowed schemas, but matches options 1 and 2"]);
    expect(check({ oneOf: [{ type: "integer" }, { type: "string" }] }, 1)).toEqual([]);
    expect(check({ allOf: [{ minimum: 1 }, { maximum: 2 }] }, 3)).toEqual(["must be <= 2, got 3"]);
    expect(check({ not: { type: "null" } }, null)).toEqual(["matches a schema it must not match"]);
  });

  it("ignores annotations and keywords nobody defines", () => {
    expect(check({ type: "string", format: "email", description: "d", default: "x", "x-vendor": 1 }, "not an email")).toEqual([]);
  });
});

describe("jsonSchemaProblems", () => {
  it("accepts the supported keywords", () => {
    expect(
      jsonSchemaProblems({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "t",
        type: "object",
        properties: { a: { type: "array", items: { anyOf: [{ type: "string", pattern: "^x" }, { const: 1 }] }, minItems: 0 } },
        required: ["a"],
        additionalProperties: false,
        $defs: { unused: { type: "string" } },
      }),
    ).toEqual([]);
    for (const keyword of supportedJsonSchemaKeywords.validated) expect(supportedJsonSchemaKeywords.annotations).not.toContain(keyword);
  });

  it("names every problem by its place in the schema", () => {
    expect(
      jsonSchemaProblems({
        type: "object",
        properties: { a: { $ref: "#/$defs/a" }, b: { minLength: -1 }, c: { anyOf: [] }, d: 3 },
        if: { required: ["a"] },
        enum: [],
      }),
    ).toEqual([
      { path: "properties.a.$ref", message: expect.stringContaining('"$ref" is not in the JSON Schema subset') as unknown },
      { path: "properties.b.minLength", message: "must be a non-negative integer" },
      { path: "properties.c.anyOf", message: "must be a non-empty array of schemas" },
      { path: "properties.d", message: "a schema must be an object or a boolean, got integer" },
      { path: "if", message: expect.stringContaining('"if" is not in the JSON Schema subset') as unknown },
      { path: "enum", message: "must be a non-empty array" },
    ]);
  });
});

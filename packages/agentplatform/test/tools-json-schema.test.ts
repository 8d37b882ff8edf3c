// Plain JSON Schema tool inputs, validated with ajv: each keyword (the whole vocabulary of draft 2020-12
// and draft-07), the messages that name the argument that is wrong, and the problems a schema that cannot
// validate is refused with.
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { Plugin, supportedJsonSchemaDialects, type InferJsonSchema, type JsonSchema, type LosslessNumber } from "../src/index.js";
import { createPluginDriver } from "../src/testing/index.js";
import { TestTools } from "./fixtures.js";
import { compileJsonSchema, jsonSchemaProblems, validateJsonSchema } from "../src/tools/json-schema.js";

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
    // In ajv's order: the item's type before uniqueItems.
    expect(check(s, ["a", 2, "a", "b"])).toEqual(["must have at most 3 items, got 4", "[1]: expected string, got integer", "items must be unique, but items 0 and 2 are equal"]);
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
    // In ajv's order: additionalProperties before properties.
    expect(check(s, { nested: { list: [1, "2"] }, extra: "no", a: 1, b: 2 })).toEqual([
      "must have at most 3 properties, got 4",
      "name: required",
      "extra: expected number, got string",
      "nested.list[1]: expected integer, got string",
    ]);
    expect(check({ type: "object", additionalProperties: false }, { a: 1 })).toEqual(["a: unexpected property (no properties are allowed)"]);
    expect(check({ type: "object", minProperties: 1 }, {})).toEqual(["must have at least 1 property"]);
    // An own "__proto__" key (JSON.parse makes one) is a property like any other, and Object.prototype's are not.
    expect(check({ type: "object", additionalProperties: false }, JSON.parse('{"__proto__": 1}'))).toEqual(["__proto__: unexpected property (no properties are allowed)"]);
    expect(check({ type: "object", required: ["toString"] }, {})).toEqual(["toString: required"]);
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
    // Nested alternatives, and errors outside them, each said once.
    const nested: JsonSchema = {
      type: "object",
      properties: { a: { anyOf: [{ type: "integer" }, { anyOf: [{ type: "string", minLength: 3 }, { type: "boolean" }] }] }, b: { type: "string" } },
    };
    expect(check(nested, { a: "x", b: 1 })).toEqual([
      "a: matches none of the allowed schemas (option 1: expected integer, got string; option 2: matches none of the allowed schemas (option 1: must be at least 3 characters long; option 2: expected boolean, got string))",
      "b: expected string, got integer",
    ]);
  });

  it("says what is wrong with the value of an Optional (anyOf with null), not that it is not null", () => {
    const s: JsonSchema = {
      type: "object",
      properties: {
        when: { anyOf: [{ type: "string", format: "date" }, { type: "null" }] },
        address: { anyOf: [{ $ref: "#/$defs/Address" }, { type: "null" }] },
      },
      $defs: { Address: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    };
    expect(check(s, { when: null, address: null })).toEqual([]);
    expect(check(s, { when: "tomorrow", address: { town: "Paris" } })).toEqual([
      'when: must be a date such as "2024-05-01", got "tomorrow"',
      "address.city: required",
    ]);
    expect(check(s, { when: 3, address: "Paris" })).toEqual(["when: expected string or null, got integer", "address: expected object or null, got string"]);
  });

  it("follows $ref into $defs, recursively", () => {
    const tree: JsonSchema = {
      $ref: "#/$defs/node",
      $defs: { node: { type: "object", properties: { value: { type: "number" }, children: { type: "array", items: { $ref: "#/$defs/node" } } }, required: ["value"] } },
    };
    expect(check(tree, { value: 1, children: [{ value: 2, children: [{ value: 3 }] }] })).toEqual([]);
    expect(check(tree, { value: 1, children: [{ value: 2, children: [{ value: "3" }, {}] }] })).toEqual([
      "children[0].children[0].value: expected number, got string",
      "children[0].children[1].value: required",
    ]);
    // zod 4's spelling of a recursive root: `$ref: "#"`.
    const category: JsonSchema = { type: "object", properties: { name: { type: "string" }, sub: { type: "array", items: { $ref: "#" } } }, required: ["name"] };
    expect(check(category, { name: "a", sub: [{ name: "b", sub: [{ sub: [] }] }] })).toEqual(["sub[0].sub[0].name: required"]);
  });

  it("checks patternProperties, propertyNames, dependentRequired and unevaluatedProperties", () => {
    const s: JsonSchema = { type: "object", properties: { id: { type: "string" } }, patternProperties: { "^x_": { type: "integer" } }, additionalProperties: false };
    expect(check(s, { id: "a", x_count: 2 })).toEqual([]);
    expect(check(s, { id: "a", x_count: "2", other: 1 })).toEqual(["other: unexpected property (allowed: id, names matching /^x_/)", "x_count: expected integer, got string"]);
    expect(check({ type: "object", propertyNames: { pattern: "^[a-z]+$" } }, { ok: 1, Bad: 2 })).toEqual(['property name "Bad": must match the pattern /^[a-z]+$/']);
    expect(check({ type: "object", dependentRequired: { card: ["cvv"] } }, { card: "4111" })).toEqual(["cvv: required when card is present"]);
    const closed: JsonSchema = { allOf: [{ properties: { a: { type: "string" } } }], unevaluatedProperties: false };
    expect(check(closed, { a: "x" })).toEqual([]);
    expect(check(closed, { a: "x", b: 1 })).toEqual(["b: unexpected property (no part of the schema allows it)"]);
  });

  it("checks prefixItems (tuples) and contains", () => {
    const pair: JsonSchema = { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false };
    expect(check(pair, ["a", 1])).toEqual([]);
    expect(check(pair, ["a", "b", 3])).toEqual(["[1]: expected integer, got string", "must have at most 2 items, got 3"]);
    const s: JsonSchema = { type: "array", contains: { type: "string" }, minContains: 2 };
    expect(check(s, [1, "a", "b"])).toEqual([]);
    expect(check(s, [1, "a", { b: 1 }])).toEqual(['must contain at least 2 items matching the "contains" schema, got 1']);
  });

  it("checks if/then/else", () => {
    const s: JsonSchema = {
      type: "object",
      properties: { country: { type: "string" }, postcode: { type: "string" } },
      if: { properties: { country: { const: "US" } }, required: ["country"] },
      then: { properties: { postcode: { pattern: "^\\d{5}$" } }, required: ["postcode"] },
      else: { properties: { postcode: { maxLength: 10 } } },
    };
    expect(check(s, { country: "US", postcode: "12345" })).toEqual([]);
    expect(check(s, { country: "US" })).toEqual(["postcode: required"]);
    expect(check(s, { country: "US", postcode: "1234" })).toEqual(["postcode: must match the pattern /^\\d{5}$/"]);
    expect(check(s, { country: "FR", postcode: "75001-00000000" })).toEqual(["postcode: must be at most 10 characters long, got 14"]);
  });

  it("checks the formats it knows, dates with or without an offset, and ignores the others", () => {
    expect(check({ type: "string", format: "email" }, "ada@example.com")).toEqual([]);
    expect(check({ type: "string", format: "email" }, "not an email")).toEqual(['must be an email address, got "not an email"']);
    expect(check({ type: "string", format: "uuid" }, "123")).toEqual(['must be a UUID such as "123e4567-e89b-12d3-a456-426614174000", got "123"']);
    expect(check({ type: "string", format: "date-time" }, "2024-05-01T12:00:00Z")).toEqual([]);
    expect(check({ type: "string", format: "date-time" }, "2024-05-01T12:00:00")).toEqual([]);
    expect(check({ type: "string", format: "date-time" }, "May 1st")).toEqual(['must be a date-time such as "2024-05-01T12:00:00Z", got "May 1st"']);
    expect(check({ type: "string", format: "time" }, "12:30:00")).toEqual([]);
    expect(check({ type: "string", format: "unheard-of" }, "x")).toEqual([]);
  });

  it("ignores annotations and keywords nobody defines", () => {
    expect(check({ type: "string", title: "t", description: "d", default: "x", examples: ["y"], "x-vendor": 1, discriminator: { propertyName: "k" } }, "z")).toEqual([]);
  });

  it("validates draft-07 schemas as draft-07: definitions, items as a tuple, additionalItems", () => {
    const s: JsonSchema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { point: { type: "array", items: [{ type: "number" }, { type: "number" }], additionalItems: false }, tag: { $ref: "#/definitions/tag" } },
      definitions: { tag: { type: "string", enum: ["a", "b"] } },
    };
    expect(compileJsonSchema(s).dialect).toBe("http://json-schema.org/draft-07/schema#");
    expect(check(s, { point: [1, 2], tag: "a" })).toEqual([]);
    expect(check(s, { point: [1, "2", 3], tag: "c" })).toEqual(["point: must have at most 2 items, got 3", "point[1]: expected number, got string", 'tag: must be one of "a", "b", got "c"']);
    // https and without "#" are the same dialect.
    expect(jsonSchemaProblems({ $schema: "https://json-schema.org/draft-07/schema", type: "object" })).toEqual([]);
  });

  it("compiles each schema on its own: the same $id in two schemas is no clash", () => {
    const v1: JsonSchema = { $id: "https://example.com/args.json", type: "object", properties: { a: { anyOf: [{ type: "string" }, { $ref: "#/$defs/n" }] } }, $defs: { n: { type: "integer" } } };
    const v2: JsonSchema = { ...v1, properties: { a: { type: "boolean" } } };
    expect(check(v1, { a: 1.5 })).toEqual(["a: matches none of the allowed schemas (option 1: expected string, got number; option 2: expected integer, got number)"]);
    expect(check(v2, { a: 1 })).toEqual(["a: expected boolean, got integer"]);
  });

  it("compiles a schema once, and keeps it by identity", () => {
    const s: JsonSchema = { type: "object", properties: { a: { type: "integer" } } };
    expect(jsonSchemaProblems(s)).toEqual([]);
    const compiled = compileJsonSchema(s);
    expect(compiled.problems).toEqual([]);
    expect(compiled.validate({ a: 1 })).toEqual([]);
    expect(compiled.validate({ a: "1" })).toEqual([{ path: "a", message: "expected integer, got string" }]);
    expect(() => compileJsonSchema({ type: "nope" }).validate({})).toThrow(/the schema cannot validate: type: /);
  });
});

describe("a JSON Schema tool input", () => {
  it("is compiled once, when the tool is registered, not per call", async () => {
    const tools = new TestTools();
    const addSchema = vi.spyOn(Ajv2020.prototype, "addSchema");
    const getSchema = vi.spyOn(Ajv2020.prototype, "getSchema");
    try {
      tools.add("t", { description: "d", inputSchema: { properties: { v: { anyOf: [{ type: "string" }, { type: "integer" }] } } } }, () => "ok");
      // ajv adds its meta-schemas with addSchema too: the tool's schema is the one added under our key.
      const toolSchemasAdded = () => addSchema.mock.calls.filter(([, key]) => key === "urn:agentwire:input").length;
      expect(toolSchemasAdded()).toBe(1);
      const driver = createPluginDriver({ plugin: new Plugin({ name: "p", version: "1.0.0", manifest: { description: "d", author: "a" }, providers: [tools] }) });
      const added = addSchema.mock.calls.length;
      for (let i = 0; i < 3; i++) expect(await driver.callTool("t", { v: "x" })).toMatchObject({ resultJson: '"ok"', isError: false });
      const refused = { isError: true, resultJson: expect.stringContaining("v: matches none of the allowed schemas") as unknown };
      expect(await driver.callTool("t", { v: 1.5 })).toMatchObject(refused);
      // The first refusal compiles the alternatives, to say why each failed; later ones reuse them.
      const compiledAfterFirstRefusal = getSchema.mock.calls.length;
      for (let i = 0; i < 3; i++) expect(await driver.callTool("t", { v: 2.5 })).toMatchObject(refused);
      expect(getSchema.mock.calls.length).toBe(compiledAfterFirstRefusal);
      expect(addSchema.mock.calls.length).toBe(added);
      expect(toolSchemasAdded()).toBe(1);
    } finally {
      addSchema.mockRestore();
      getSchema.mockRestore();
    }
  });
});

describe("jsonSchemaProblems", () => {
  it("accepts what pydantic and zod generate", () => {
    expect(
      jsonSchemaProblems({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "t",
        type: "object",
        properties: {
          a: { type: "array", items: { anyOf: [{ type: "string", pattern: "^x" }, { const: 1 }] }, minItems: 0 },
          b: { $ref: "#/$defs/b" },
          c: { type: "array", prefixItems: [{ type: "string" }] },
        },
        patternProperties: { "^x-": true },
        if: { required: ["a"] },
        then: { required: ["b"] },
        required: ["a"],
        additionalProperties: false,
        $defs: { b: { type: "string", format: "path" }, unused: { type: "string" } },
      }),
    ).toEqual([]);
    expect(supportedJsonSchemaDialects).toEqual(["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#"]);
  });

  it("names every problem by its place in the schema", () => {
    expect(
      jsonSchemaProblems({
        type: "object",
        properties: { b: { minLength: -1 }, c: { anyOf: [] }, d: 3, e: { type: "text" }, f: { pattern: "([" } },
        required: "b",
      }),
    ).toEqual([
      { path: "properties.b.minLength", message: "must be >= 0, got -1" },
      { path: "properties.c.anyOf", message: "must have at least 1 item, got 0" },
      { path: "properties.d", message: "must be a schema (an object, or true or false), got integer" },
      { path: "properties.e.type", message: 'must be one of "array", "boolean", "integer", "null", "number", "object", "string", got "text"; or expected array, got string' },
      { path: "required", message: "expected array, got string" },
      { path: "properties.f.pattern", message: '"([" is not a valid regular expression' },
    ]);
  });

  it("says why ajv cannot compile a schema: a $ref to nothing", () => {
    expect(jsonSchemaProblems({ type: "object", properties: { a: { $ref: "#/$defs/a" } } })).toEqual([
      { path: "properties.a.$ref", message: "ajv cannot compile the schema: can't resolve reference #/$defs/a" },
    ]);
  });

  it("refuses dialects other than draft 2020-12 and draft-07", () => {
    expect(jsonSchemaProblems({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" })).toEqual([
      {
        path: "$schema",
        message:
          '"http://json-schema.org/draft-04/schema#" is not a dialect this SDK validates: use "https://json-schema.org/draft/2020-12/schema" (assumed when $schema is absent) or "http://json-schema.org/draft-07/schema#"',
      },
    ]);
    // draft-07's form of a tuple is not 2020-12's.
    expect(jsonSchemaProblems({ type: "array", items: [{ type: "string" }] })).toEqual([
      {
        path: "items",
        message: `an array of schemas is draft-07's tuple form: in draft 2020-12 write it as prefixItems (or declare "$schema": "http://json-schema.org/draft-07/schema#")`,
      },
    ]);
  });
});

describe("InferJsonSchema", () => {
  it("types the common keywords, unions from anyOf, and unknown for what it cannot read", () => {
    type S = {
      type: "object";
      properties: {
        name: { type: "string" };
        tags: { type: "array"; items: { type: "string" } };
        mode: { enum: ["a", "b"] };
        when: { anyOf: [{ type: "string" }, { type: "null" }] };
        ref: { $ref: "#/$defs/x" };
      };
      required: ["name"];
    };
    expectTypeOf<S>().toExtend<JsonSchema>();
    expectTypeOf<InferJsonSchema<S>>().toEqualTypeOf<{ name: string; tags?: string[]; mode?: "a" | "b"; when?: string | null; ref?: unknown }>();
  });

  it("types numbers as a handler gets them: integer as number | bigint, number as number | bigint | LosslessNumber", () => {
    type S = {
      type: "object";
      properties: {
        count: { type: "integer" };
        ratio: { type: "number" };
        maybe: { type: ["integer", "null"] };
        samples: { type: "array"; items: { type: "number" } };
        level: { enum: [1, 2, 3] };
      };
      required: ["count", "ratio", "maybe", "samples", "level"];
    };
    expectTypeOf<InferJsonSchema<S>>().toEqualTypeOf<{
      count: number | bigint;
      ratio: number | bigint | LosslessNumber;
      maybe: number | bigint | null;
      samples: (number | bigint | LosslessNumber)[];
      level: 1 | 2 | 3;
    }>();
    expectTypeOf<InferJsonSchema<{ type: "integer" }>>().toEqualTypeOf<number | bigint>();
    expectTypeOf<InferJsonSchema<{ type: "number" }>>().toEqualTypeOf<number | bigint | LosslessNumber>();
  });
});

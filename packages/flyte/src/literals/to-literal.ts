import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { LiteralSchema, ScalarSchema, type Literal } from "../gen/flyteidl/core/literals_pb.js";
import {
  BlobType_BlobDimensionality,
  SimpleType,
  type BlobType,
  type EnumType,
  type LiteralType,
  type SchemaType,
  type StructuredDatasetType,
  type UnionType,
} from "../gen/flyteidl/core/types_pb.js";
import { refuse, type CodecOptions } from "./codec-options.js";
import { describeType } from "./describe-type.js";
import { describeValue } from "./describe-value.js";
import { durationFromMillis } from "./duration.js";
import { inferLiteralType } from "./infer.js";
import { isInt64 } from "./int64.js";
import { toJsonObject } from "./json-struct.js";
import { LiteralTypeError } from "./literal-type-error.js";
import { encodeMsgpack } from "./msgpack-codec.js";
import { childPath, indexPath, isPlainRecord } from "./plain-object.js";
import { parseIsoTimestamp, timestampFromJsDate } from "./timestamp.js";
import { isMsgpackStruct } from "./types.js";

type ScalarInit = MessageInitShape<typeof ScalarSchema>;

function scalar(value: ScalarInit["value"], metadata?: Record<string, string>): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } }, metadata: metadata ?? {} });
}

/**
 * Encodes a JS value as a Flyte Literal of the declared type, refusing (with a {@link LiteralTypeError}
 * naming `path`) any value that does not fit. The table of JS shapes per type is in `index.ts`.
 *
 * ```ts
 * toLiteral([1, 2], types.list(types.integer()), "ids")   // collection of two integer literals
 * toLiteral("x", types.integer(), "ids[0]")               // throws: input "ids[0]": expected integer, got string "x"
 * ```
 */
export function toLiteral(value: unknown, type: LiteralType, path: string, options: CodecOptions = {}): Literal {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleToLiteral(value, t.value, type, path, options);
    case "collectionType": {
      if (!Array.isArray(value)) {
        return refuse(options, path, describeType(type), describeValue(value), "Pass an array");
      }
      const element = t.value;
      const literals = value.map((item, i) => toLiteral(item, element, indexPath(path, i), options));
      return create(LiteralSchema, { value: { case: "collection", value: { literals } } });
    }
    case "mapValueType":
      return mapToLiteral(value, t.value, type, path, options);
    case "enumType":
      return enumToLiteral(value, t.value, type, path, options);
    case "blob":
      return blobToLiteral(value, t.value, type, path, options);
    case "structuredDatasetType":
      return structuredDatasetToLiteral(value, t.value, type, path, options);
    case "schema":
      return schemaToLiteral(value, t.value, type, path, options);
    case "unionType":
      return unionToLiteral(value, t.value, type, path, options);
    case undefined:
      // A LiteralType with no kind set says nothing; encode the value as if no type had been declared.
      return toLiteral(value, inferLiteralType(value, path, options), path, options);
  }
}

function simpleToLiteral(value: unknown, simple: SimpleType, type: LiteralType, path: string, options: CodecOptions): Literal {
  const expected = describeType(type);
  const got = describeValue(value);
  switch (simple) {
    case SimpleType.NONE:
      if (value === null || value === undefined) return scalar({ case: "noneType", value: {} });
      return refuse(options, path, expected, got, "Pass null (the variable is declared as None)");

    case SimpleType.INTEGER: {
      let integer: bigint;
      if (typeof value === "number") {
        if (!Number.isInteger(value)) {
          return refuse(options, path, expected, got, "Round it (Math.round) or declare the variable as a float");
        }
        if (!Number.isSafeInteger(value)) {
          return refuse(
            options,
            path,
            expected,
            got,
            "Beyond ±2^53 a number has already lost digits; pass a bigint (e.g. 9007199254740993n)",
          );
        }
        integer = BigInt(value);
      } else if (typeof value === "bigint") {
        integer = value;
      } else {
        return refuse(
          options,
          path,
          expected,
          got,
          typeof value === "string" ? "Parse it first, e.g. Number.parseInt(value, 10)" : "Pass a whole number or a bigint",
        );
      }
      if (!isInt64(integer)) {
        return refuse(options, path, expected, got, "Flyte integers are signed 64-bit (-2^63 to 2^63-1)");
      }
      return scalar({ case: "primitive", value: { value: { case: "integer", value: integer } } });
    }

    case SimpleType.FLOAT:
      // NaN and ±Infinity are allowed: float_value is a proto double and Python floats hold them too.
      if (typeof value === "number") return scalar({ case: "primitive", value: { value: { case: "floatValue", value } } });
      return refuse(
        options,
        path,
        expected,
        got,
        typeof value === "bigint" || typeof value === "string" ? "Convert it first, e.g. Number(value)" : "Pass a number",
      );

    case SimpleType.STRING:
      if (typeof value === "string") return scalar({ case: "primitive", value: { value: { case: "stringValue", value } } });
      return refuse(
        options,
        path,
        expected,
        got,
        "Pass a string (convert with String(value) if that is what you mean)",
      );

    case SimpleType.BOOLEAN:
      if (typeof value === "boolean") return scalar({ case: "primitive", value: { value: { case: "boolean", value } } });
      return refuse(options, path, expected, got, "Pass true or false");

    case SimpleType.DATETIME: {
      const ts =
        value instanceof Date ? timestampFromJsDate(value) : typeof value === "string" ? parseIsoTimestamp(value) : undefined;
      if (ts === undefined) {
        return refuse(
          options,
          path,
          expected,
          got,
          "Pass a valid Date or an ISO-8601 string such as 2024-05-01T12:00:00Z (years 1 to 9999)",
        );
      }
      return scalar({ case: "primitive", value: { value: { case: "datetime", value: ts } } });
    }

    case SimpleType.DURATION: {
      const d = typeof value === "number" ? durationFromMillis(value) : undefined;
      if (d === undefined) {
        return refuse(options, path, expected, got, "Pass a finite number of milliseconds (e.g. 1500 for 1.5 s)");
      }
      return scalar({ case: "primitive", value: { value: { case: "duration", value: d } } });
    }

    case SimpleType.BINARY:
      // flytekit has no transformer of its own for raw bytes, so there is no tag convention to follow.
      if (value instanceof Uint8Array) return scalar({ case: "binary", value: { value, tag: "" } });
      return refuse(options, path, expected, got, "Pass a Uint8Array (a Buffer is one)");

    case SimpleType.STRUCT: {
      if (!isPlainRecord(value)) {
        return refuse(options, path, expected, got, "Pass a plain object such as { key: 1 }");
      }
      if (isMsgpackStruct(type)) {
        return scalar({ case: "binary", value: { value: encodeMsgpack(value, path, options), tag: "msgpack" } });
      }
      // The legacy form: flytekit marks it so its reader knows the Struct holds JSON.
      return scalar({ case: "generic", value: toJsonObject(value, path, options) }, { format: "json" });
    }

    case SimpleType.ERROR: {
      if (isPlainRecord(value) && typeof value.message === "string" && (value.failedNodeId === undefined || typeof value.failedNodeId === "string")) {
        return scalar({ case: "error", value: { message: value.message, failedNodeId: value.failedNodeId ?? "" } });
      }
      return refuse(options, path, expected, got, "Pass { message: string, failedNodeId?: string }");
    }
  }
  return refuse(options, path, expected, got, "This simple type is unknown to the SDK");
}

function mapToLiteral(value: unknown, valueType: LiteralType, type: LiteralType, path: string, options: CodecOptions): Literal {
  let entries: [string, unknown][];
  if (value instanceof Map) {
    entries = [];
    for (const [k, v] of value) {
      if (typeof k !== "string") {
        return refuse(options, path, describeType(type), `Map with a ${typeof k} key`, "Flyte map keys are strings");
      }
      entries.push([k, v]);
    }
  } else if (isPlainRecord(value)) {
    entries = Object.entries(value);
  } else {
    return refuse(
      options,
      path,
      describeType(type),
      describeValue(value),
      "Pass a plain object (or a Map) with string keys",
    );
  }
  const literals: Record<string, Literal> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(literals, k, {
      value: toLiteral(v, valueType, childPath(path, k), options),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return create(LiteralSchema, { value: { case: "map", value: { literals } } });
}

function enumToLiteral(value: unknown, enumType: EnumType, type: LiteralType, path: string, options: CodecOptions): Literal {
  if (typeof value === "string" && enumType.values.includes(value)) {
    return scalar({ case: "primitive", value: { value: { case: "stringValue", value } } });
  }
  return refuse(
    options,
    path,
    describeType(type),
    describeValue(value),
    `Use one of: ${enumType.values.map((v) => JSON.stringify(v)).join(", ")}`,
  );
}

/** Reads `{uri, ...}` or a bare URI string; refuses unknown keys so a typo like `url` is caught. */
function referenceObject(
  value: unknown,
  allowed: readonly string[],
  expected: string,
  path: string,
  options: CodecOptions,
  example: string,
): Record<string, unknown> {
  const record = typeof value === "string" ? { uri: value } : value;
  if (!isPlainRecord(record)) return refuse(
    options,
    path,
    expected,
    describeValue(value),
    `Pass a URI string or ${example}`,
  );
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      return refuse(
        options,
        path,
        expected,
        describeValue(value),
        `Unknown key ${JSON.stringify(key)}; the keys are ${allowed.join(", ")}`,
      );
    }
  }
  if (typeof record.uri !== "string" || record.uri === "") {
    return refuse(options, path, expected, describeValue(value), `Pass a URI string or ${example}`);
  }
  return record;
}

function blobToLiteral(value: unknown, blob: BlobType, type: LiteralType, path: string, options: CodecOptions): Literal {
  const expected = describeType(type);
  const record = referenceObject(
    value,
    ["uri", "format", "dimensionality"],
    expected,
    path,
    options,
    '{ uri: "s3://bucket/key", format?: "csv" }',
  );
  const format = record.format ?? blob.format;
  if (typeof format !== "string") return refuse(
    options,
    path,
    expected,
    describeValue(value),
    "format must be a string",
  );
  const declared = blob.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "multipart" : "single";
  const dimensionality = record.dimensionality ?? declared;
  if (dimensionality !== "single" && dimensionality !== "multipart") {
    return refuse(options, path, expected, describeValue(value), 'dimensionality must be "single" or "multipart"');
  }
  if (dimensionality !== declared) {
    // A file where a directory was declared (or the reverse) would make the reader list or open the wrong thing.
    return refuse(
      options,
      path,
      expected,
      `a ${dimensionality} blob`,
      `The variable is declared ${declared}; drop dimensionality or fix the declaration`,
    );
  }
  return scalar({
    case: "blob",
    value: { uri: record.uri as string, metadata: { type: { format, dimensionality: blob.dimensionality } } },
  });
}

function structuredDatasetToLiteral(
  value: unknown,
  sdType: StructuredDatasetType,
  type: LiteralType,
  path: string,
  options: CodecOptions,
): Literal {
  const expected = describeType(type);
  const record = referenceObject(
    value,
    ["uri", "format"],
    expected,
    path,
    options,
    '{ uri: "bq://project:dataset.table", format?: "parquet" }',
  );
  const format = record.format ?? sdType.format;
  if (typeof format !== "string") return refuse(
    options,
    path,
    expected,
    describeValue(value),
    "format must be a string",
  );
  // flytekit copies the declared type (columns, external schema) into the metadata and fills in the format.
  return scalar({
    case: "structuredDataset",
    value: { uri: record.uri as string, metadata: { structuredDatasetType: { ...sdType, format } } },
  });
}

function schemaToLiteral(value: unknown, schemaType: SchemaType, type: LiteralType, path: string, options: CodecOptions): Literal {
  const record = referenceObject(value, ["uri"], describeType(type), path, options, '{ uri: "s3://bucket/schema/" }');
  return scalar({ case: "schema", value: { uri: record.uri as string, type: schemaType } });
}

/**
 * Whether a value is, by its JS kind alone, what a variant describes: an integral number is an
 * integer, a fractional one a float, a string a string (not an enum), an object a struct. Python knows
 * `3` from `3.0` and flytekit picks the variant of the value's own type; this is the closest JS gets.
 */
function matchesNaturally(value: unknown, variant: LiteralType): boolean {
  const t = variant.type;
  if (t.case === "collectionType") return Array.isArray(value);
  if (t.case === "mapValueType") return value instanceof Map;
  if (t.case !== "simple") return false;
  switch (t.value) {
    case SimpleType.NONE:
      return value === null || value === undefined;
    case SimpleType.INTEGER:
      return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
    case SimpleType.FLOAT:
      return typeof value === "number" && !Number.isInteger(value);
    case SimpleType.STRING:
      return typeof value === "string";
    case SimpleType.BOOLEAN:
      return typeof value === "boolean";
    case SimpleType.DATETIME:
      return value instanceof Date;
    case SimpleType.BINARY:
      return value instanceof Uint8Array;
    case SimpleType.STRUCT:
      return isPlainRecord(value);
    default:
      return false;
  }
}

/**
 * Picks a variant in two passes: first the variants the value matches by kind (in declared order), then
 * every variant in declared order, taking the first that accepts the value. So `3` in `float | int`
 * becomes an int, `"a"` in `enum {a} | str` a str (as flytekit decides), and `3` in `float | none` a
 * float. The literal records the chosen variant's type, tag included, so the reader knows which it is.
 */
function unionToLiteral(value: unknown, union: UnionType, type: LiteralType, path: string, options: CodecOptions): Literal {
  const natural = union.variants.filter((v) => matchesNaturally(value, v));
  const rest = union.variants.filter((v) => !natural.includes(v));
  const reasons: string[] = [];
  for (const variant of [...natural, ...rest]) {
    try {
      const inner = toLiteral(value, variant, path, options);
      return scalar({ case: "union", value: { value: inner, type: variant } });
    } catch (e) {
      if (!(e instanceof LiteralTypeError)) throw e;
      reasons.push(`${describeType(variant)}: ${e.hint ?? `expected ${e.expected}, got ${e.received}`}`);
    }
  }
  return refuse(
    options,
    path,
    describeType(type),
    describeValue(value),
    union.variants.length === 0 ? "The union declares no variants" : `It fits none of the variants (${reasons.join("; ")})`,
  );
}

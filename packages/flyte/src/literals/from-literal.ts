import type { Literal, Primitive, Scalar, Union } from "../gen/flyteidl/core/literals_pb.js";
import { BlobType_BlobDimensionality, SimpleType, type LiteralType, type UnionType } from "../gen/flyteidl/core/types_pb.js";
import { refuse, type DecodeOptions } from "./codec-options.js";
import { describeType } from "./describe-type.js";
import { describeLiteral } from "./describe-value.js";
import { durationToMillis } from "./duration.js";
import { int64ToJs } from "./int64.js";
import { LiteralTypeError } from "./literal-type-error.js";
import { decodeMsgpack } from "./msgpack-codec.js";
import { OffloadedLiteralError, type OffloadedMarker } from "./offloaded-literal-error.js";
import { childPath, indexPath, setOwn } from "./plain-object.js";
import type { BlobValue, ErrorValue, SchemaValue, StructuredDatasetValue } from "./reference-values.js";
import { timestampToJsDate } from "./timestamp.js";
import { toLiteral } from "./to-literal.js";

function simpleOf(type: LiteralType | undefined): SimpleType | undefined {
  return type?.type.case === "simple" ? type.type.value : undefined;
}

/** `true` when there is no declared type (anything goes) or the declared type is this simple type. */
function allows(type: LiteralType | undefined, ...simple: SimpleType[]): boolean {
  if (type === undefined) return true;
  const s = simpleOf(type);
  return s !== undefined && simple.includes(s);
}

function mismatch(literal: Literal, type: LiteralType | undefined, path: string, options: DecodeOptions): never {
  return refuse(
    options,
    path,
    describeType(type),
    describeLiteral(literal),
    "The literal does not match the declared type; check that the task template and the caller agree",
  );
}

/**
 * Decodes a Literal into a plain JS value (the shapes are in the table in `index.ts`). With a declared
 * type, the literal must fit it (a {@link LiteralTypeError} names `path` otherwise), with flytekit's
 * leniencies: an integer literal for a float, an integral float for an integer, and msgpack bytes for
 * any type (Propeller sends those when a task input is bound to a field of a dataclass). Without a
 * declared type the literal is decoded by its own shape.
 *
 * ```ts
 * fromLiteral(literal, types.list(types.integer()), "ids")   // [1, 2]
 * ```
 */
export function fromLiteral(literal: Literal, type: LiteralType | undefined, path: string, options: DecodeOptions = {}): unknown {
  // A LiteralType with no kind set declares nothing.
  const declared = type?.type.case === undefined ? undefined : type;
  const v = literal.value;
  if (v.case === "offloadedMetadata") {
    const { uri, sizeBytes, inferredType } = v.value;
    if (options.offloaded === "marker") {
      const marker: OffloadedMarker = { offloaded: { uri, sizeBytes: Number(sizeBytes), inferredType } };
      return marker;
    }
    throw new OffloadedLiteralError(path, literal, uri, Number(sizeBytes), options.direction ?? "input");
  }
  if (declared?.type.case === "unionType") return unionFromLiteral(literal, declared.type.value, declared, path, options);
  switch (v.case) {
    case "collection": {
      if (declared !== undefined && declared.type.case !== "collectionType") return mismatch(literal, declared, path, options);
      const element = declared?.type.case === "collectionType" ? declared.type.value : undefined;
      return v.value.literals.map((item, i) => fromLiteral(item, element, indexPath(path, i), options));
    }
    case "map": {
      if (declared !== undefined && declared.type.case !== "mapValueType") return mismatch(literal, declared, path, options);
      const valueType = declared?.type.case === "mapValueType" ? declared.type.value : undefined;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v.value.literals)) {
        setOwn(out, k, fromLiteral(item, valueType, childPath(path, k), options));
      }
      return out;
    }
    case "scalar":
      return scalarFromLiteral(literal, v.value, declared, path, options);
    case undefined:
      return refuse(
        options,
        path,
        describeType(declared),
        "an empty literal (no value set)",
        "The producer sent a Literal with no value",
      );
  }
}

function scalarFromLiteral(
  literal: Literal,
  scalar: Scalar,
  type: LiteralType | undefined,
  path: string,
  options: DecodeOptions,
): unknown {
  const s = scalar.value;
  switch (s.case) {
    case "primitive":
      return primitiveFromLiteral(literal, s.value, type, path, options);
    case "noneType":
      if (allows(type, SimpleType.NONE)) return null;
      return refuse(
        options,
        path,
        describeType(type),
        "none literal",
        "The variable is not optional; declare it as types.optional(...) to allow None",
      );
    case "binary": {
      const { value, tag } = s.value;
      if (tag !== "msgpack") {
        if (allows(type, SimpleType.BINARY)) return value;
        return mismatch(literal, type, path, options);
      }
      if (simpleOf(type) === SimpleType.BINARY) return value;
      const decoded = decodeMsgpack(value, path, describeType(type), options);
      if (type === undefined || simpleOf(type) === SimpleType.STRUCT) return decoded;
      // msgpack for another type: a value Propeller pulled out of a dataclass. Check it against the
      // declared type by encoding it; mashumaro writes a timedelta as float seconds, ours are milliseconds.
      const js = simpleOf(type) === SimpleType.DURATION && typeof decoded === "number" ? decoded * 1000 : decoded;
      return fromLiteral(toLiteral(js, type, path, options), type, path, options);
    }
    case "generic":
      if (allows(type, SimpleType.STRUCT)) return structuredClone(s.value);
      return mismatch(literal, type, path, options);
    case "blob": {
      if (type !== undefined && type.type.case !== "blob") return mismatch(literal, type, path, options);
      const declared = type?.type.case === "blob" ? type.type.value : undefined;
      const blobType = s.value.metadata?.type;
      const multipart = (blobType ?? declared)?.dimensionality === BlobType_BlobDimensionality.MULTIPART;
      const out: BlobValue = {
        uri: s.value.uri,
        format: blobType?.format || declared?.format || "",
        dimensionality: multipart ? "multipart" : "single",
      };
      return out;
    }
    case "structuredDataset": {
      if (type !== undefined && type.type.case !== "structuredDatasetType") return mismatch(literal, type, path, options);
      const declared = type?.type.case === "structuredDatasetType" ? type.type.value : undefined;
      const out: StructuredDatasetValue = {
        uri: s.value.uri,
        format: s.value.metadata?.structuredDatasetType?.format || declared?.format || "",
      };
      return out;
    }
    case "schema": {
      if (type !== undefined && type.type.case !== "schema") return mismatch(literal, type, path, options);
      const out: SchemaValue = { uri: s.value.uri };
      return out;
    }
    case "error": {
      if (!allows(type, SimpleType.ERROR)) return mismatch(literal, type, path, options);
      const out: ErrorValue = { message: s.value.message, failedNodeId: s.value.failedNodeId };
      return out;
    }
    case "union":
      // A union literal where no union was declared: the inner value is what matters.
      return unionInner(s.value, type ?? s.value.type, path, options);
    case undefined:
      return refuse(
        options,
        path,
        describeType(type),
        "an empty scalar literal (no value set)",
        "The producer sent a Scalar with no value",
      );
  }
}

function primitiveFromLiteral(
  literal: Literal,
  primitive: Primitive,
  type: LiteralType | undefined,
  path: string,
  options: DecodeOptions,
): unknown {
  const p = primitive.value;
  switch (p.case) {
    case "integer":
      if (allows(type, SimpleType.INTEGER)) return int64ToJs(p.value);
      // flytekit reads an integer literal for a float variable as that float.
      if (allows(type, SimpleType.FLOAT)) return Number(p.value);
      return mismatch(literal, type, path, options);
    case "floatValue":
      if (allows(type, SimpleType.FLOAT)) return p.value;
      // Flyte's console (JavaScript) sometimes sends 3.0 for an int; flytekit accepts integral floats.
      if (allows(type, SimpleType.INTEGER) && Number.isSafeInteger(p.value)) return p.value;
      return mismatch(literal, type, path, options);
    case "stringValue":
      if (type?.type.case === "enumType") {
        const values = type.type.value.values;
        if (values.includes(p.value)) return p.value;
        return refuse(
          options,
          path,
          describeType(type),
          describeLiteral(literal),
          `The value must be one of: ${values.map((x) => JSON.stringify(x)).join(", ")}`,
        );
      }
      if (allows(type, SimpleType.STRING)) return p.value;
      return mismatch(literal, type, path, options);
    case "boolean":
      if (allows(type, SimpleType.BOOLEAN)) return p.value;
      return mismatch(literal, type, path, options);
    case "datetime":
      if (allows(type, SimpleType.DATETIME)) return timestampToJsDate(p.value);
      return mismatch(literal, type, path, options);
    case "duration":
      if (allows(type, SimpleType.DURATION)) return durationToMillis(p.value);
      return mismatch(literal, type, path, options);
    case undefined:
      return refuse(
        options,
        path,
        describeType(type),
        "an empty primitive literal (no value set)",
        "The producer sent a Primitive with no value",
      );
  }
}

function unionInner(union: Union, type: LiteralType | undefined, path: string, options: DecodeOptions): unknown {
  if (union.value === undefined) {
    return refuse(
      options,
      path,
      describeType(type),
      "a union literal with no value",
      "The producer sent a Union with no value",
    );
  }
  return fromLiteral(union.value, type, path, options);
}

function sameKind(a: LiteralType, b: LiteralType): boolean {
  if (a.type.case !== b.type.case) return false;
  return a.type.case !== "simple" || a.type.value === b.type.value;
}

/**
 * A declared union. A union literal names its variant: by flytekit's `structure.tag` when it has one,
 * else by kind; the inner value is then decoded as that declared variant. A plain literal (no union
 * wrapper; some producers send those) is decoded as the first variant it fits.
 */
function unionFromLiteral(literal: Literal, union: UnionType, type: LiteralType, path: string, options: DecodeOptions): unknown {
  const v = literal.value;
  if (v.case === "scalar" && v.value.value.case === "union") {
    const wrapped = v.value.value.value;
    const stored = wrapped.type;
    if (stored === undefined) {
      return unionInner(wrapped, undefined, path, options);
    }
    const tag = stored.structure?.tag ?? "";
    const variant =
      (tag !== "" ? union.variants.find((x) => x.structure?.tag === tag && sameKind(x, stored)) : undefined) ??
      union.variants.find((x) => sameKind(x, stored));
    if (variant === undefined) {
      return refuse(
        options,
        path,
        describeType(type),
        `a union literal holding ${describeType(stored)}${tag === "" ? "" : ` (tag ${JSON.stringify(tag)})`}`,
        "The value's variant is not one the variable declares; check that the task template and the caller agree",
      );
    }
    return unionInner(wrapped, variant, path, options);
  }
  if (v.case === "scalar" && v.value.value.case === "noneType" && union.variants.some((x) => simpleOf(x) === SimpleType.NONE)) {
    return null;
  }
  for (const variant of union.variants) {
    try {
      return fromLiteral(literal, variant, path, options);
    } catch (e) {
      if (!(e instanceof LiteralTypeError)) throw e;
    }
  }
  return mismatch(literal, type, path, options);
}

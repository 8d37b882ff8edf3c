import { clone, create, isMessage, type JsonObject } from "@bufbuild/protobuf";
import {
  BlobType_BlobDimensionality,
  LiteralTypeSchema,
  SimpleType,
  TypeStructureSchema,
  type LiteralType,
} from "../gen/flyteidl/core/types_pb.js";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  VariableSchema,
  type TypedInterface,
  type Variable,
  type VariableMap,
} from "../gen/flyteidl/core/interface_pb.js";

export { describeType } from "./describe-type.js";

/**
 * The annotation flytekit ≥ 1.14 puts on STRUCT types whose values travel as msgpack
 * (`scalar.binary{tag: "msgpack"}`). Its absence means the legacy `google.protobuf.Struct` encoding.
 */
export const MSGPACK_ANNOTATION: JsonObject = {
  "cache-key-metadata": { "serialization-format": "msgpack" },
};

/** True when a STRUCT type asks for msgpack values (see {@link MSGPACK_ANNOTATION}). */
export function isMsgpackStruct(type: LiteralType): boolean {
  const meta = type.annotation?.annotations?.["cache-key-metadata"];
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return false;
  return meta["serialization-format"] === "msgpack";
}

function simple(value: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value } });
}

/**
 * The name flytekit's UnionTransformer writes into `structure.tag` for a variant: the name of the
 * Python transformer that handles it (see `flytekit/core/type_engine.py`, `_add_tag_to_type`). flytekit
 * matches a union literal to a variant by this tag when decoding, so ours must be the same strings.
 * BINARY has no flytekit transformer; "bytes" is our own choice.
 */
export function unionTagFor(type: LiteralType): string {
  const t = type.type;
  switch (t.case) {
    case "simple":
      switch (t.value) {
        case SimpleType.INTEGER:
          return "int";
        case SimpleType.FLOAT:
          return "float";
        case SimpleType.STRING:
          return "str";
        case SimpleType.BOOLEAN:
          return "bool";
        case SimpleType.NONE:
          return "none";
        case SimpleType.DATETIME:
          return "datetime";
        case SimpleType.DURATION:
          return "timedelta";
        case SimpleType.STRUCT:
          return "Typed Dict";
        case SimpleType.BINARY:
          return "bytes";
        case SimpleType.ERROR:
          return "FlyteError";
      }
      return "";
    case "collectionType":
      return "Typed List";
    case "mapValueType":
      return "Typed Dict";
    case "blob":
      return t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "FlyteDirectory" : "FlyteFilePath";
    case "enumType":
      return "DefaultEnumTransformer";
    case "structuredDatasetType":
      return "StructuredDataset Transformer";
    case "schema":
      return "FlyteSchema Transformer";
    case "unionType":
      return "Typed Union";
    case undefined:
      return "";
  }
}

/** A copy of `variant` with flytekit's union tag, unless it already carries one (a template's own tag wins). */
function tagged(variant: LiteralType): LiteralType {
  if (variant.structure !== undefined && variant.structure.tag !== "") return variant;
  const copy = clone(LiteralTypeSchema, variant);
  copy.structure = create(TypeStructureSchema, {
    tag: unionTagFor(variant),
    dataclassType: copy.structure?.dataclassType ?? {},
  });
  return copy;
}

/** Options for {@link types.blob}. */
export interface BlobTypeOptions {
  /** A free-form format label such as `"csv"`; flytekit's FlyteFile leaves it empty. Default `""`. */
  format?: string;
  /** `true` for a directory (FlyteDirectory), `false` for a single file (FlyteFile). Default `false`. */
  multipart?: boolean;
}

/** Options for {@link types.structuredDataset}. */
export interface StructuredDatasetTypeOptions {
  /** Storage format such as `"parquet"`; empty means "whatever the producer wrote". Default `""`. */
  format?: string;
}

/**
 * Builders for `flyteidl.core.LiteralType`, producing what flytekit would declare for the matching
 * Python annotation. Authors use them to declare output types; tests use them to build templates.
 *
 * ```ts
 * const iface = typedInterface({
 *   inputs: { query: types.string(), limit: types.optional(types.integer()) },
 *   outputs: { rows: types.list(types.struct()) },
 * });
 * ```
 */
export const types = {
  integer: (): LiteralType => simple(SimpleType.INTEGER),
  float: (): LiteralType => simple(SimpleType.FLOAT),
  string: (): LiteralType => simple(SimpleType.STRING),
  boolean: (): LiteralType => simple(SimpleType.BOOLEAN),
  datetime: (): LiteralType => simple(SimpleType.DATETIME),
  duration: (): LiteralType => simple(SimpleType.DURATION),
  none: (): LiteralType => simple(SimpleType.NONE),
  binary: (): LiteralType => simple(SimpleType.BINARY),
  error: (): LiteralType => simple(SimpleType.ERROR),

  /** An untyped dict as flytekit ≥ 1.14 declares it: STRUCT with the msgpack annotation. */
  struct: (): LiteralType =>
    create(LiteralTypeSchema, {
      type: { case: "simple", value: SimpleType.STRUCT },
      annotation: { annotations: MSGPACK_ANNOTATION },
    }),

  /** STRUCT without the annotation: values travel as a legacy `google.protobuf.Struct`. */
  genericStruct: (): LiteralType => simple(SimpleType.STRUCT),

  /** `List[T]`. */
  list: (element: LiteralType): LiteralType =>
    create(LiteralTypeSchema, { type: { case: "collectionType", value: element } }),

  /** `Dict[str, T]`; Flyte map keys are always strings. */
  map: (value: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "mapValueType", value } }),

  /** A Python `enum.Enum` of string values; the first value is Flyte's default. */
  enum: (values: readonly string[]): LiteralType =>
    create(LiteralTypeSchema, { type: { case: "enumType", value: { values: [...values] } } }),

  /** FlyteFile (`multipart: false`) or FlyteDirectory (`multipart: true`). */
  blob: (options: BlobTypeOptions = {}): LiteralType =>
    create(LiteralTypeSchema, {
      type: {
        case: "blob",
        value: {
          format: options.format ?? "",
          dimensionality: options.multipart === true ? BlobType_BlobDimensionality.MULTIPART : BlobType_BlobDimensionality.SINGLE,
        },
      },
    }),

  /** A StructuredDataset (a table living at a URI, e.g. `bq://project:dataset.table`). */
  structuredDataset: (options: StructuredDatasetTypeOptions = {}): LiteralType =>
    create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: { format: options.format ?? "" } } }),

  /** The legacy FlyteSchema type, kept for decoding old templates. */
  schema: (): LiteralType => create(LiteralTypeSchema, { type: { case: "schema", value: {} } }),

  /**
   * `Union[A, B, …]`. Each variant gets flytekit's `structure.tag` (see {@link unionTagFor}) so a
   * flytekit task on the other side can tell which variant a value was encoded as.
   */
  union: (...variants: LiteralType[]): LiteralType =>
    create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: variants.map(tagged) } } }),

  /** `Optional[T]`, which Python spells `Union[T, None]`. */
  optional: (type: LiteralType): LiteralType => types.union(type, types.none()),
} as const;

/** A variable given to {@link variables}: a bare type, or a type with a description for the UI. */
export type VariableInit = LiteralType | { type: LiteralType; description?: string };

function toVariable(init: VariableInit): Variable {
  if (isMessage(init, LiteralTypeSchema)) return create(VariableSchema, { type: init });
  return create(VariableSchema, { type: init.type, description: init.description ?? "" });
}

/**
 * Builds a `VariableMap` from a record of types, keeping the record's order.
 *
 * ```ts
 * variables({ script: types.string(), retries: { type: types.integer(), description: "max attempts" } })
 * ```
 */
export function variables(vars: Record<string, VariableInit>): VariableMap {
  const out: Record<string, Variable> = {};
  for (const [name, init] of Object.entries(vars)) {
    Object.defineProperty(out, name, { value: toVariable(init), enumerable: true, writable: true, configurable: true });
  }
  return create(VariableMapSchema, { variables: out });
}

/** Builds a task's `TypedInterface`; each side is a record for {@link variables} or a ready `VariableMap`. */
export function typedInterface(sides: {
  inputs?: Record<string, VariableInit> | VariableMap;
  outputs?: Record<string, VariableInit> | VariableMap;
}): TypedInterface {
  const side = (s: Record<string, VariableInit> | VariableMap | undefined): VariableMap =>
    s === undefined ? create(VariableMapSchema) : isMessage(s, VariableMapSchema) ? s : variables(s);
  return create(TypedInterfaceSchema, { inputs: side(sides.inputs), outputs: side(sides.outputs) });
}

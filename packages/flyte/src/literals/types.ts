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
import type { Decoded, Encodable, FlyteType } from "./flyte-type.js";
import type {
  BlobInput,
  BlobValue,
  ErrorValue,
  SchemaValue,
  StructuredDatasetInput,
  StructuredDatasetValue,
} from "./reference-values.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFlyteType = FlyteType<any, any>;

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
 * Python annotation. Each returns a {@link FlyteType} that carries the JS value it stands for, so a task's
 * declared inputs and outputs type its agent's code (see `defineTask`). They compose:
 *
 * ```ts
 * const row = types.map(types.optional(types.float()));   // FlyteType<Record<string, number | null>>
 * const batch = types.list(row);                          // FlyteType<Record<string, number | null>[]>
 * const color = types.enum(["red", "green"]);             // FlyteType<"red" | "green">
 * ```
 */
export const types = {
  /** Python `int`: read as a `number` when it is a safe integer, else a `bigint` (Flyte integers are int64). */
  integer: (): FlyteType<number | bigint> => simple(SimpleType.INTEGER),
  float: (): FlyteType<number> => simple(SimpleType.FLOAT),
  string: (): FlyteType<string> => simple(SimpleType.STRING),
  boolean: (): FlyteType<boolean> => simple(SimpleType.BOOLEAN),
  /** Read as a `Date`; written from a `Date` or an ISO-8601 string (which keeps nanoseconds). */
  datetime: (): FlyteType<Date, Date | string> => simple(SimpleType.DATETIME),
  /** Milliseconds, fractions kept to the nanosecond. */
  duration: (): FlyteType<number> => simple(SimpleType.DURATION),
  none: (): FlyteType<null, null | undefined> => simple(SimpleType.NONE),
  binary: (): FlyteType<Uint8Array> => simple(SimpleType.BINARY),
  error: (): FlyteType<ErrorValue, { message: string; failedNodeId?: string }> => simple(SimpleType.ERROR),

  /**
   * An untyped dict or a dataclass as flytekit ≥ 1.14 declares it: STRUCT with the msgpack annotation.
   * The type argument only names the shape you expect (`types.struct<{ id: string }>()`): the codec checks
   * that the value is a plain object, not its fields.
   */
  struct: <T extends object = Record<string, unknown>>(): FlyteType<T> =>
    create(LiteralTypeSchema, {
      type: { case: "simple", value: SimpleType.STRUCT },
      annotation: { annotations: MSGPACK_ANNOTATION },
    }),

  /** STRUCT without the annotation: values travel as a legacy `google.protobuf.Struct` (numbers are doubles). */
  genericStruct: <T extends object = Record<string, unknown>>(): FlyteType<T> => simple(SimpleType.STRUCT),

  /** `List[T]`. */
  list: <T extends AnyFlyteType>(element: T): FlyteType<Decoded<T>[], Encodable<T>[]> =>
    create(LiteralTypeSchema, { type: { case: "collectionType", value: element } }),

  /** `Dict[str, T]`; Flyte map keys are always strings. Written from a plain object or a `Map`. */
  map: <T extends AnyFlyteType>(
    value: T,
  ): FlyteType<Record<string, Decoded<T>>, Record<string, Encodable<T>> | Map<string, Encodable<T>>> =>
    create(LiteralTypeSchema, { type: { case: "mapValueType", value } }),

  /** A Python `enum.Enum` of string values; the first value is Flyte's default. */
  enum: <const V extends readonly string[]>(values: V): FlyteType<V[number]> =>
    create(LiteralTypeSchema, { type: { case: "enumType", value: { values: [...values] } } }),

  /** FlyteFile (`multipart: false`) or FlyteDirectory (`multipart: true`): a reference by URI. */
  blob: (options: BlobTypeOptions = {}): FlyteType<BlobValue, BlobInput> =>
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
  structuredDataset: (options: StructuredDatasetTypeOptions = {}): FlyteType<StructuredDatasetValue, StructuredDatasetInput> =>
    create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: { format: options.format ?? "" } } }),

  /** The legacy FlyteSchema type, kept for decoding old templates. */
  schema: (): FlyteType<SchemaValue, string | SchemaValue> => create(LiteralTypeSchema, { type: { case: "schema", value: {} } }),

  /**
   * `Union[A, B, …]`. Each variant gets flytekit's `structure.tag` (see {@link unionTagFor}) so a
   * flytekit task on the other side can tell which variant a value was encoded as.
   */
  union: <const T extends readonly AnyFlyteType[]>(...variants: T): FlyteType<Decoded<T[number]>, Encodable<T[number]>> =>
    create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: variants.map(tagged) } } }),

  /** `Optional[T]`, which Python spells `Union[T, None]`: read as the value or `null`, may be left out when written. */
  optional: <T extends AnyFlyteType>(type: T): FlyteType<Decoded<T> | null, Encodable<T> | null | undefined> =>
    types.union(type, types.none()),
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

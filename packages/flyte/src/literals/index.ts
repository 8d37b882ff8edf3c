/**
 * The literal codec: plain JS values to and from `flyteidl.core.LiteralMap`, guided by a task's
 * `TypedInterface`. The encodings follow what flytekit writes and reads, so a Python task on the other
 * end of a workflow sees the same values a Python agent would have produced.
 *
 * | LiteralType | JS value in | JS value out |
 * |---|---|---|
 * | INTEGER | safe-integer `number` (3.0 is 3) or `bigint` within int64 | `number` if safe, else `bigint` |
 * | FLOAT | `number`, including NaN and ±Infinity (float_value is a double) | `number` (an integer literal is read as a number too) |
 * | STRING | `string` | `string` |
 * | BOOLEAN | `boolean` | `boolean` |
 * | DATETIME | valid `Date`, or ISO-8601 string (nanoseconds kept; no offset means UTC) | `Date` (sub-millisecond digits dropped) |
 * | DURATION | milliseconds as `number`, may be fractional (kept to the nanosecond) | milliseconds as `number` |
 * | NONE | `null` or `undefined` | `null` |
 * | BINARY | `Uint8Array` (or Buffer) | `Uint8Array` |
 * | STRUCT, msgpack annotation (`types.struct()`) | plain object → `scalar.binary{tag: "msgpack"}` | plain object |
 * | STRUCT, no annotation (`types.genericStruct()`) | plain object → `scalar.generic` + `metadata {format: json}` | plain object |
 * | collection_type T | array | array |
 * | map_value_type T | plain object or `Map` with string keys | plain object |
 * | enum_type | a `string` among the values | `string` |
 * | blob | URI `string` or `{ uri, format?, dimensionality?: "single" \| "multipart" }` | `{ uri, format, dimensionality }` |
 * | structured_dataset_type | URI `string` or `{ uri, format? }` | `{ uri, format }` |
 * | schema (legacy) | URI `string` or `{ uri }` | `{ uri }` |
 * | union_type | a value of any variant → `scalar.union{value, type}` | the inner value |
 * | ERROR | `{ message, failedNodeId? }` | `{ message, failedNodeId }` |
 * | offloaded literal | (never produced) | refused with `OffloadedLiteralError`, or `{ offloaded: { uri, sizeBytes, inferredType } }` with `{ offloaded: "marker" }` |
 *
 * Notes:
 * - Both STRUCT encodings are accepted on decode whatever the declared type says, since flytekit
 *   writes msgpack since 1.14 and `google.protobuf.Struct` before (or with FLYTE_USE_OLD_DC_FORMAT).
 * - msgpack: JS cannot tell `1.0` from `1`, so integral numbers inside a struct are written as msgpack
 *   ints and fractional ones as float64; Dates inside a struct become ISO-8601 strings (mashumaro's
 *   form); 64-bit integers decode to `bigint` only when they are not safe numbers.
 * - A union picks the variant the value matches by kind first (integral number → integer, string →
 *   string), then the first declared variant that accepts it; `null` picks the NONE variant.
 * - Msgpack bytes arriving for a non-STRUCT type (Propeller does this for inputs bound to a dataclass
 *   field) are decoded and checked against the declared type.
 * - Every refusal is a `LiteralTypeError` (code `invalid_argument`) naming the variable path, the
 *   expected type and what arrived: `input "items[2]": expected integer, got string "abc". …`.
 */
export { LiteralTypeError, type Direction, type LiteralTypeErrorInit } from "./literal-type-error.js";
export { OffloadedLiteralError, type OffloadedMarker } from "./offloaded-literal-error.js";
export type { CodecOptions, DecodeOptions } from "./codec-options.js";
export {
  types,
  variables,
  typedInterface,
  isMsgpackStruct,
  unionTagFor,
  MSGPACK_ANNOTATION,
  type BlobTypeOptions,
  type StructuredDatasetTypeOptions,
  type VariableInit,
} from "./types.js";
export { describeType } from "./describe-type.js";
export { toLiteral } from "./to-literal.js";
export { fromLiteral } from "./from-literal.js";
export { inferLiteralType } from "./infer.js";
export { parseTypeName, parseTypes, typeNameSyntax, type FlyteTypeName } from "./type-names.js";
export {
  asVariableMap,
  toLiteralMap,
  fromLiteralMap,
  type ToLiteralMapOptions,
  type FromLiteralMapOptions,
} from "./literal-map.js";
export type { AllOptional, Decoded, DecodedValues, Encodable, EncodableValues, FlyteType, FlyteTypes } from "./flyte-type.js";
export type {
  BlobInput,
  BlobValue,
  ErrorValue,
  SchemaValue,
  StructuredDatasetInput,
  StructuredDatasetValue,
} from "./reference-values.js";

import { equals } from "@bufbuild/protobuf";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "../gen/flyteidl/core/types_pb.js";
import { refuse, type CodecOptions } from "./codec-options.js";
import { describeValue } from "./describe-value.js";
import { childPath, indexPath, isPlainRecord } from "./plain-object.js";
import { types } from "./types.js";

function isSimple(type: LiteralType, simple: SimpleType): boolean {
  return type.type.case === "simple" && type.type.value === simple;
}

/**
 * One type for the elements of an array (or the values of a Map):
 * - no elements: `none`. The type of an empty list says nothing and carries no values, and `none` is
 *   what flytekit reports for a value it cannot type;
 * - all the same: that type;
 * - integers and floats mixed (`[1, 2.5]`): float, since JS wrote them as one kind of number;
 * - anything else: a union of the distinct types, in first-seen order (`[1, null]` is `integer | none`,
 *   Python's `List[Optional[int]]`).
 */
function unify(elementTypes: LiteralType[]): LiteralType {
  if (elementTypes.length === 0) return types.none();
  let distinct: LiteralType[] = [];
  for (const t of elementTypes) {
    if (!distinct.some((d) => equals(LiteralTypeSchema, d, t))) distinct.push(t);
  }
  if (distinct.some((d) => isSimple(d, SimpleType.FLOAT)) && distinct.some((d) => isSimple(d, SimpleType.INTEGER))) {
    distinct = distinct.filter((d) => !isSimple(d, SimpleType.INTEGER));
  }
  const [only] = distinct;
  if (distinct.length === 1 && only !== undefined) return only;
  return types.union(...distinct);
}

/**
 * The LiteralType a value would have if nobody declared one, the way flytekit guesses from a Python
 * value. Used for outputs of an agent with no declared interface and for variables with no type.
 *
 * | JS value | inferred |
 * |---|---|
 * | safe-integer number, bigint | integer |
 * | other number (incl. NaN, ±Infinity) | float |
 * | string / boolean / Date | string / boolean / datetime |
 * | null, undefined | none |
 * | Uint8Array | binary |
 * | array | list of the unified element type (see `unify`; `[]` is `list<none>`) |
 * | Map with string keys | map of the unified value type |
 * | plain object | struct (msgpack), including `{uri}`-shaped objects: a file must be declared |
 *
 * Anything else (functions, symbols, class instances) is refused.
 */
export function inferLiteralType(value: unknown, path = "", options: CodecOptions = {}): LiteralType {
  if (value === null || value === undefined) return types.none();
  switch (typeof value) {
    case "number":
      return Number.isSafeInteger(value) ? types.integer() : types.float();
    case "bigint":
      return types.integer();
    case "string":
      return types.string();
    case "boolean":
      return types.boolean();
    default:
      break;
  }
  if (value instanceof Date) return types.datetime();
  if (value instanceof Uint8Array) return types.binary();
  if (Array.isArray(value)) {
    return types.list(unify(value.map((item, i) => inferLiteralType(item, indexPath(path, i), options))));
  }
  if (value instanceof Map) {
    const valueTypes: LiteralType[] = [];
    for (const [k, v] of value) {
      if (typeof k !== "string") return refuse(
        options,
        path,
        "a Map with string keys",
        `Map with a ${typeof k} key`,
        "Flyte map keys are strings",
      );
      valueTypes.push(inferLiteralType(v, childPath(path, k), options));
    }
    return types.map(unify(valueTypes));
  }
  if (isPlainRecord(value)) return types.struct();
  return refuse(
    options,
    path,
    "a value whose Flyte type can be inferred (number, bigint, string, boolean, Date, null, Uint8Array, array, Map, plain object)",
    describeValue(value),
    "Declare the variable's type in the task interface, or convert the value to a plain object",
  );
}

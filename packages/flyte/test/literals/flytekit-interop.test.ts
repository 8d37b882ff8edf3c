import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LiteralMapSchema } from "../../src/gen/flyteidl/core/literals_pb.js";
import { fromLiteral, fromLiteralMap, toLiteralMap, types, variables } from "../../src/literals/index.js";

/*
 * LiteralMaps serialized by flytekit 1.16 (msgpack-python 1.x), produced with:
 *
 *   from flytekit.core.type_engine import TypeEngine
 *   from flytekit.core.context_manager import FlyteContextManager
 *   from flytekit.models.literals import LiteralMap
 *   ctx = FlyteContextManager.current_context()
 *   def lm(vals, types):
 *       lits = {k: TypeEngine.to_literal(ctx, v, types[k], TypeEngine.to_literal_type(types[k])) for k, v in vals.items()}
 *       return LiteralMap(literals=lits).to_flyte_idl().SerializeToString().hex()
 *
 * with the calls given above each constant.
 */

// lm({"d": {"a": 1, "b": [1, 2]}}, {"d": dict})
const FLYTEKIT_DICT = "0a1d0a016412180a161a140a0982a16101a16292010212076d73677061636b";

// The same call with FLYTE_USE_OLD_DC_FORMAT=true: a google.protobuf.Struct, numbers as doubles, metadata format=json.
const FLYTEKIT_LEGACY_DICT =
  "0a480a016412430a313a2f0a0e0a0161120911000000000000f03f0a1d0a0162121832160a0911000000000000f03f0a091100000000000000402a0e0a06666f726d617412046a736f6e";

// lm({"i": 42, "f": 1.5, "s": "héllo", "b": True, "l": [1,2,3], "m": {"x": 1.0}, "o": None, "u": "s"},
//    {"i": int, "f": float, "s": str, "b": bool, "l": List[int], "m": Dict[str, float], "o": Optional[int], "u": Union[int, str]})
const FLYTEKIT_MIXED =
  "0a0b0a016912060a040a02082a0a1b0a016d12161a140a120a0178120d0a0b0a0911000000000000f03f0a1b0a016f12160a144a120a040a022a00120a08005a060a046e6f6e650a1f0a016c121a12180a060a040a0208010a060a040a0208020a060a040a0208030a120a0166120d0a0b0a0911000000000000f83f0a0b0a016212060a040a0220010a1d0a017512180a164a140a070a050a031a0173120908035a050a037374720a110a0173120c0a0a0a081a0668c3a96c6c6f";

// lm({"t": datetime(2024,1,2,3,4,5,123456, tzinfo=timezone.utc), "d": timedelta(seconds=90, microseconds=250)},
//    {"t": datetime, "d": timedelta})
const FLYTEKIT_TIME = "0a160a017412110a0f0a0d2a0b08a5facdac06108094ef3a0a110a0164120c0a0a0a083206085a1090a10f";

/*
 * The other direction: OUR_MAP is what toLiteralMap(OUR_VALUES, OUR_VARIABLES) serializes to. It was
 * checked by parsing it with flyteidl's literals_pb2.LiteralMap and decoding every literal with
 * TypeEngine.to_python_value(ctx, literal, T) for the Python types in the comments on OUR_VARIABLES; the
 * results are listed next to OUR_VALUES. The test pins the bytes, so a change in our encoding shows up
 * here and must be re-checked against flytekit.
 */
const OUR_VARIABLES = variables({
  d: types.struct(), // dict
  g: types.genericStruct(), // dict
  i: types.integer(), // int
  f: types.float(), // float
  s: types.string(), // str
  b: types.boolean(), // bool
  l: types.list(types.integer()), // List[int]
  m: types.map(types.float()), // Dict[str, float]
  o: types.optional(types.integer()), // Optional[int]
  on: types.optional(types.integer()), // Optional[int]
  u: types.union(types.integer(), types.string()), // Union[int, str]
  t: types.datetime(), // datetime
  dur: types.duration(), // timedelta
  e: types.enum(["red", "green"]), // class Color(enum.Enum): RED = "red"; GREEN = "green"
  file: types.blob(), // FlyteFile
  dir: types.blob({ multipart: true }), // FlyteDirectory
  sd: types.structuredDataset({ format: "parquet" }), // StructuredDataset
});

const OUR_VALUES = {
  d: { a: 1, b: [1, 2], c: 1.5, s: "x", n: null, big: 2 ** 40, nested: { k: true } }, // {'a': 1, 'b': [1, 2], 'c': 1.5, 's': 'x', 'n': None, 'big': 1099511627776, 'nested': {'k': True}}
  g: { a: 1, b: [1, 2], c: "x" }, // {'a': 1.0, 'b': [1.0, 2.0], 'c': 'x'}
  i: 42, // 42
  f: 1.5, // 1.5
  s: "héllo", // 'héllo'
  b: true, // True
  l: [1, 2, 3], // [1, 2, 3]
  m: { x: 1, y: 2.5 }, // {'x': 1.0, 'y': 2.5}
  o: 7, // 7
  on: null, // None
  u: "s", // 's'
  t: "2024-01-02T03:04:05.123456Z", // datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
  dur: 90000.25, // timedelta(seconds=90, microseconds=250)
  e: "green", // Color.GREEN
  file: "s3://bucket/file.csv", // FlyteFile, remote_source 's3://bucket/file.csv'
  dir: "s3://bucket/dir/", // FlyteDirectory, remote_source 's3://bucket/dir/'
  sd: "s3://bucket/table/", // StructuredDataset, uri 's3://bucket/table/', file_format 'parquet'
};

const OUR_MAP =
  "0a470a016412420a401a3e0a3387a16101a162920102a163cb3ff8000000000000a173a178a16ec0a3626967cf0000010000000000a66e657374656481a16bc312076d73677061636b0a520a0167124d0a3b3a390a0e0a0161120911000000000000f03f0a1d0a0162121832160a0911000000000000f03f0a091100000000000000400a080a016312031a01782a0e0a06666f726d617412046a736f6e0a0b0a016912060a040a02082a0a120a0166120d0a0b0a0911000000000000f83f0a110a0173120c0a0a0a081a0668c3a96c6c6f0a0b0a016212060a040a0220010a1f0a016c121a12180a060a040a0208010a060a040a0208020a060a040a0208030a2f0a016d122a1a280a120a0178120d0a0b0a0911000000000000f03f0a120a0179120d0a0b0a091100000000000004400a1c0a016f12170a154a130a060a040a020807120908015a050a03696e740a1c0a026f6e12160a144a120a040a022a00120a08005a060a046e6f6e650a1d0a017512180a164a140a070a050a031a0173120908035a050a037374720a160a017412110a0f0a0d2a0b08a5facdac06108094ef3a0a130a03647572120c0a0a0a083206085a1090a10f0a100a0165120b0a090a071a05677265656e0a260a0466696c65121e0a1c121a0a020a001a1473333a2f2f6275636b65742f66696c652e6373760a230a03646972121c0a1a12180a040a0210011a1073333a2f2f6275636b65742f6469722f0a2b0a02736412250a2342210a1273333a2f2f6275636b65742f7461626c652f120b0a09120770617271756574";

function parse(hex: string) {
  return fromBinary(LiteralMapSchema, new Uint8Array(Buffer.from(hex, "hex")));
}

describe("reading what flytekit writes", () => {
  it("decodes an untyped dict written as msgpack", () => {
    const map = parse(FLYTEKIT_DICT);
    const literal = map.literals.d;
    if (literal === undefined) throw new Error("no literal d");
    expect(fromLiteral(literal, types.struct(), "d")).toEqual({ a: 1, b: [1, 2] });
    expect(fromLiteralMap(map, variables({ d: types.struct() }))).toEqual({ d: { a: 1, b: [1, 2] } });
    expect(fromLiteralMap(map)).toEqual({ d: { a: 1, b: [1, 2] } });
  });

  it("decodes the legacy Struct form of the same dict", () => {
    const map = parse(FLYTEKIT_LEGACY_DICT);
    expect(map.literals.d?.metadata).toEqual({ format: "json" });
    expect(fromLiteralMap(map, variables({ d: types.struct() }))).toEqual({ d: { a: 1, b: [1, 2] } });
  });

  it("decodes primitives, containers and unions", () => {
    const vars = variables({
      i: types.integer(),
      f: types.float(),
      s: types.string(),
      b: types.boolean(),
      l: types.list(types.integer()),
      m: types.map(types.float()),
      o: types.optional(types.integer()),
      u: types.union(types.integer(), types.string()),
    });
    const expected = { i: 42, f: 1.5, s: "héllo", b: true, l: [1, 2, 3], m: { x: 1 }, o: null, u: "s" };
    expect(fromLiteralMap(parse(FLYTEKIT_MIXED), vars)).toEqual(expected);
    expect(fromLiteralMap(parse(FLYTEKIT_MIXED))).toEqual(expected);
  });

  it("decodes datetimes and timedeltas", () => {
    const vars = variables({ t: types.datetime(), d: types.duration() });
    expect(fromLiteralMap(parse(FLYTEKIT_TIME), vars)).toEqual({
      t: new Date("2024-01-02T03:04:05.123Z"),
      d: 90000.25,
    });
  });

  it("writes the same bytes as flytekit for the same values", () => {
    const mixed = variables({
      i: types.integer(),
      m: types.map(types.float()),
      o: types.optional(types.integer()),
      l: types.list(types.integer()),
      f: types.float(),
      b: types.boolean(),
      u: types.union(types.integer(), types.string()),
      s: types.string(),
    });
    // Key order follows flytekit's map order so the serialized bytes can be compared directly. The one
    // difference JS cannot avoid: flytekit wrote m.x as the float 1.0, JS has only the number 1, which the
    // declared float type still encodes as float_value 1.0.
    const ours = toLiteralMap({ i: 42, m: { x: 1 }, o: null, l: [1, 2, 3], f: 1.5, b: true, u: "s", s: "héllo" }, mixed);
    expect(Buffer.from(toBinary(LiteralMapSchema, ours)).toString("hex")).toBe(FLYTEKIT_MIXED);
    const time = toLiteralMap({ t: "2024-01-02T03:04:05.123456Z", d: 90000.25 }, variables({ t: types.datetime(), d: types.duration() }));
    expect(Buffer.from(toBinary(LiteralMapSchema, time)).toString("hex")).toBe(FLYTEKIT_TIME);
    const dict = toLiteralMap({ d: { a: 1, b: [1, 2] } }, variables({ d: types.struct() }));
    expect(Buffer.from(toBinary(LiteralMapSchema, dict)).toString("hex")).toBe(FLYTEKIT_DICT);
  });
});

describe("writing what flytekit reads", () => {
  it("serializes to the bytes flytekit was checked to decode", () => {
    const bytes = toBinary(LiteralMapSchema, toLiteralMap(OUR_VALUES, OUR_VARIABLES));
    expect(Buffer.from(bytes).toString("hex")).toBe(OUR_MAP);
  });

  it("reads its own output back", () => {
    expect(fromLiteralMap(parse(OUR_MAP), OUR_VARIABLES)).toEqual({
      ...OUR_VALUES,
      t: new Date("2024-01-02T03:04:05.123Z"),
      file: { uri: "s3://bucket/file.csv", format: "", dimensionality: "single" },
      dir: { uri: "s3://bucket/dir/", format: "", dimensionality: "multipart" },
      sd: { uri: "s3://bucket/table/", format: "parquet" },
    });
  });
});

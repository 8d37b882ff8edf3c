import { toBinary, fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { BlobType_BlobDimensionality, LiteralTypeSchema, SimpleType } from "../../src/gen/flyteidl/core/types_pb.js";
import { TypedInterfaceSchema } from "../../src/gen/flyteidl/core/interface_pb.js";
import { describeType, isMsgpackStruct, typedInterface, types, variables } from "../../src/literals/index.js";

describe("types", () => {
  it("builds simple types", () => {
    expect(types.integer().type).toEqual({ case: "simple", value: SimpleType.INTEGER });
    expect(types.float().type).toEqual({ case: "simple", value: SimpleType.FLOAT });
    expect(types.string().type).toEqual({ case: "simple", value: SimpleType.STRING });
    expect(types.boolean().type).toEqual({ case: "simple", value: SimpleType.BOOLEAN });
    expect(types.datetime().type).toEqual({ case: "simple", value: SimpleType.DATETIME });
    expect(types.duration().type).toEqual({ case: "simple", value: SimpleType.DURATION });
    expect(types.none().type).toEqual({ case: "simple", value: SimpleType.NONE });
    expect(types.binary().type).toEqual({ case: "simple", value: SimpleType.BINARY });
  });

  it("marks struct() with flytekit's msgpack annotation and leaves genericStruct() bare", () => {
    const s = types.struct();
    expect(s.type).toEqual({ case: "simple", value: SimpleType.STRUCT });
    expect(s.annotation?.annotations).toEqual({ "cache-key-metadata": { "serialization-format": "msgpack" } });
    expect(isMsgpackStruct(s)).toBe(true);
    const g = types.genericStruct();
    expect(g.annotation).toBeUndefined();
    expect(isMsgpackStruct(g)).toBe(false);
    // The annotation survives the wire (it is a google.protobuf.Struct).
    expect(isMsgpackStruct(fromBinary(LiteralTypeSchema, toBinary(LiteralTypeSchema, s)))).toBe(true);
  });

  it("builds containers, enums and reference types", () => {
    const l = types.list(types.string());
    expect(l.type.case).toBe("collectionType");
    const m = types.map(types.float());
    expect(m.type.case).toBe("mapValueType");
    expect(types.enum(["A", "B"]).type).toMatchObject({ case: "enumType", value: { values: ["A", "B"] } });
    expect(types.blob().type).toMatchObject({ case: "blob", value: { format: "", dimensionality: BlobType_BlobDimensionality.SINGLE } });
    expect(types.blob({ format: "csv", multipart: true }).type).toMatchObject({
      case: "blob",
      value: { format: "csv", dimensionality: BlobType_BlobDimensionality.MULTIPART },
    });
    expect(types.structuredDataset({ format: "parquet" }).type).toMatchObject({ case: "structuredDatasetType", value: { format: "parquet" } });
  });

  it("tags union variants the way flytekit does", () => {
    const u = types.union(
      types.integer(),
      types.float(),
      types.string(),
      types.boolean(),
      types.none(),
      types.datetime(),
      types.duration(),
      types.list(types.integer()),
      types.map(types.integer()),
      types.struct(),
      types.blob(),
      types.blob({ multipart: true }),
      types.structuredDataset(),
      types.enum(["red"]),
    );
    if (u.type.case !== "unionType") throw new Error("not a union");
    expect(u.type.value.variants.map((v) => v.structure?.tag)).toEqual([
      "int",
      "float",
      "str",
      "bool",
      "none",
      "datetime",
      "timedelta",
      "Typed List",
      "Typed Dict",
      "Typed Dict",
      "FlyteFilePath",
      "FlyteDirectory",
      "StructuredDataset Transformer",
      "DefaultEnumTransformer",
    ]);
    // The msgpack annotation stays on a tagged struct variant.
    expect(isMsgpackStruct(u.type.value.variants[9]!)).toBe(true);
  });

  it("keeps a tag the caller already set and does not mutate its input", () => {
    const int = types.integer();
    const u = types.optional(int);
    expect(int.structure).toBeUndefined();
    const again = types.union(...(u.type.case === "unionType" ? u.type.value.variants : []));
    expect(again).toEqual(u);
  });

  it("describes types in words", () => {
    expect(describeType(types.integer())).toBe("integer");
    expect(describeType(types.list(types.string()))).toBe("list<string>");
    expect(describeType(types.map(types.list(types.float())))).toBe("map<string, list<float>>");
    expect(describeType(types.enum(["A", "B"]))).toBe("enum {A, B}");
    expect(describeType(types.optional(types.integer()))).toBe("integer | none");
    expect(describeType(types.blob({ format: "csv", multipart: true }))).toBe('blob (multipart, format "csv")');
    expect(describeType(types.structuredDataset())).toBe("structured dataset");
    expect(describeType(types.struct())).toBe("struct");
    expect(describeType(undefined)).toBe("any (no declared type)");
  });
});

describe("variables / typedInterface", () => {
  it("builds a VariableMap in order, with optional descriptions", () => {
    const vm = variables({ script: types.string(), retries: { type: types.integer(), description: "max attempts" } });
    expect(Object.keys(vm.variables)).toEqual(["script", "retries"]);
    expect(vm.variables.script?.type).toEqual(types.string());
    expect(vm.variables.retries?.description).toBe("max attempts");
  });

  it("builds a TypedInterface that survives the wire", () => {
    const iface = typedInterface({ inputs: { a: types.integer() }, outputs: variables({ o0: types.string() }) });
    const back = fromBinary(TypedInterfaceSchema, toBinary(TypedInterfaceSchema, iface));
    expect(back.inputs?.variables.a?.type).toEqual(types.integer());
    expect(back.outputs?.variables.o0?.type).toEqual(types.string());
    expect(typedInterface({}).inputs?.variables).toEqual({});
  });
});

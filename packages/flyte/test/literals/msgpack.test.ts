import { create } from "@bufbuild/protobuf";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { LiteralSchema, type Literal } from "../../src/gen/flyteidl/core/literals_pb.js";
import { fromLiteral, LiteralTypeError, toLiteral, types } from "../../src/literals/index.js";

/*
 * Byte sequences written by msgpack-python 1.x (what flytekit uses), produced with
 *   python3 -c "import msgpack; print(msgpack.packb(VALUE).hex())"
 * with VALUE as given in each comment.
 */
const PY = {
  // {'a':1,'b':[1,2],'c':1.0,'d':'x','e':None,'f':True,'g':2**40,'h':-2**40,'i':{'j':b'\x01'}}
  mixed: "89a16101a162920102a163cb3ff0000000000000a164a178a165c0a166c3a167cf0000010000000000a168d3ffffff0000000000a16981a16ac40101",
  // {'big': 2**63-1, 'neg': -2**63, 'u': 2**64-1, 'safe': 2**53-1}
  bigInts: "84a3626967cf7fffffffffffffffa36e6567d38000000000000000a175cfffffffffffffffffa473616665cf001fffffffffffff",
  // {'rows': [{'name': 'héllo', 'score': 1.5}, {'name': 'b', 'score': -2}], 'ok': False}
  rows: "82a4726f77739282a46e616d65a668c3a96c6c6fa573636f7265cb3ff800000000000082a46e616d65a162a573636f7265fea26f6bc2",
  // {1: 'a', 'k': 'v'}
  intKey: "8201a161a16ba176",
  // {'n': 4294967296, 'm': -2147483649, 'o': 4294967295, 'p': 2147483648}
  wideInts: "84a16ecf0000000100000000a16dd3ffffffff7fffffffa16fceffffffffa170ce80000000",
  // {'a':1,'b':[1,2],'c':1.5,'s':'x','n':None,'big':2**40,'nested':{'k':True}}
  struct: "87a16101a162920102a163cb3ff8000000000000a173a178a16ec0a3626967cf0000010000000000a66e657374656481a16bc3",
  // 5, 2.5, mashumaro's datetime(2024,1,2,3,4,5,123456), mashumaro's timedelta(seconds=1.5), [1,2,3]
  int5: "05",
  float25: "cb4004000000000000",
  datetime: "ba323032342d30312d30325430333a30343a30352e313233343536",
  timedelta15: "cb3ff8000000000000",
  list123: "93010203",
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function msgpackLiteral(hexString: string): Literal {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "binary", value: { value: new Uint8Array(Buffer.from(hexString, "hex")), tag: "msgpack" } } } },
  });
}

function structBytes(literal: Literal): Uint8Array {
  if (literal.value.case !== "scalar" || literal.value.value.value.case !== "binary") throw new Error("not binary");
  return literal.value.value.value.value.value;
}

describe("msgpack decoding of bytes written by Python", () => {
  it("decodes maps, lists, ints, floats, None, bools and bytes", () => {
    expect(fromLiteral(msgpackLiteral(PY.mixed), types.struct(), "cfg")).toEqual({
      a: 1,
      b: [1, 2],
      c: 1,
      d: "x",
      e: null,
      f: true,
      g: 2 ** 40,
      h: -(2 ** 40),
      i: { j: new Uint8Array([1]) },
    });
    expect(fromLiteral(msgpackLiteral(PY.rows), undefined, "cfg")).toEqual({
      rows: [
        { name: "héllo", score: 1.5 },
        { name: "b", score: -2 },
      ],
      ok: false,
    });
  });

  it("keeps 64-bit integers exact: numbers when safe, bigints beyond", () => {
    expect(fromLiteral(msgpackLiteral(PY.bigInts), types.struct(), "cfg")).toEqual({
      big: 2n ** 63n - 1n,
      neg: -(2n ** 63n),
      u: 2n ** 64n - 1n,
      safe: 2 ** 53 - 1,
    });
  });

  it("turns non-string keys into strings", () => {
    expect(fromLiteral(msgpackLiteral(PY.intKey), types.struct(), "cfg")).toEqual({ 1: "a", k: "v" });
  });

  it("refuses bytes that are not msgpack, naming the variable", () => {
    expect(() => fromLiteral(msgpackLiteral("c1"), types.struct(), "cfg")).toThrow(LiteralTypeError);
    expect(() => fromLiteral(msgpackLiteral("c1"), types.struct(), "cfg")).toThrow(/^input "cfg": expected struct, got binary literal \(tag msgpack, 1 byte\) that is not valid msgpack/);
  });
});

describe("msgpack encoding matches msgpack-python byte for byte", () => {
  it("for a typical dict", () => {
    const literal = toLiteral({ a: 1, b: [1, 2], c: 1.5, s: "x", n: null, big: 2 ** 40, nested: { k: true } }, types.struct(), "v");
    expect(hex(structBytes(literal))).toBe(PY.struct);
  });

  it("for integers at the 32/64-bit boundaries", () => {
    const literal = toLiteral({ n: 4294967296, m: -2147483649, o: 4294967295, p: 2147483648 }, types.struct(), "v");
    expect(hex(structBytes(literal))).toBe(PY.wideInts);
  });

  it("for 64-bit extremes given as bigints", () => {
    const literal = toLiteral({ big: 2n ** 63n - 1n, neg: -(2n ** 63n), u: 2n ** 64n - 1n, safe: 2 ** 53 - 1 }, types.struct(), "v");
    expect(hex(structBytes(literal))).toBe(PY.bigInts);
  });

  it("writes an integral number as an int (JS cannot tell 1.0 from 1) and a fraction as float64", () => {
    const bytes = structBytes(toLiteral({ x: 1.0, y: 0.5 }, types.struct(), "v"));
    expect(hex(bytes)).toBe("82a17801a179cb3fe0000000000000");
    expect(decode(bytes)).toEqual({ x: 1, y: 0.5 });
  });

  it("refuses integers beyond 64 bits", () => {
    expect(() => toLiteral({ x: 2n ** 64n }, types.struct(), "v")).toThrow(/^input "v.x": expected an integer that fits in 64 bits/);
  });
});

describe("msgpack for non-struct types (Propeller's dataclass attribute access)", () => {
  it("decodes and checks primitives, datetimes, timedeltas and lists", () => {
    expect(fromLiteral(msgpackLiteral(PY.int5), types.integer(), "n")).toBe(5);
    expect(fromLiteral(msgpackLiteral(PY.float25), types.float(), "x")).toBe(2.5);
    expect(fromLiteral(msgpackLiteral(PY.datetime), types.datetime(), "t")).toEqual(new Date("2024-01-02T03:04:05.123Z"));
    expect(fromLiteral(msgpackLiteral(PY.timedelta15), types.duration(), "d")).toBe(1500);
    expect(fromLiteral(msgpackLiteral(PY.list123), types.list(types.integer()), "l")).toEqual([1, 2, 3]);
  });

  it("refuses msgpack that does not fit the declared type", () => {
    expect(() => fromLiteral(msgpackLiteral(PY.float25), types.integer(), "n")).toThrow(/^input "n": expected integer, got number 2.5/);
  });

  it("returns the raw bytes when BINARY is declared", () => {
    expect(fromLiteral(msgpackLiteral(PY.int5), types.binary(), "b")).toEqual(new Uint8Array([5]));
  });
});

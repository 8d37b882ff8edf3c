// Each error class answers `instanceof` for itself and its subclasses only, also across the package's ESM
// and CommonJS builds loaded side by side.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { AgentwireError, LiteralTypeError, OffloadedLiteralError, TaskFailure } from "../src/index.js";
import { create } from "@bufbuild/protobuf";
import { LiteralSchema } from "../src/gen/flyteidl/core/literals_pb.js";

const literalTypeError = () => new LiteralTypeError({ variable: "n", expected: "integer", received: 'string "x"' });
const offloadedError = () => new OffloadedLiteralError("n", create(LiteralSchema), "s3://b/k", 10);

class QuotaFailure extends TaskFailure {}

describe("error classes", () => {
  it("LiteralTypeError and OffloadedLiteralError answer for themselves, and are AgentwireErrors", () => {
    expect(literalTypeError()).toBeInstanceOf(LiteralTypeError);
    expect(literalTypeError()).toBeInstanceOf(AgentwireError);
    expect(offloadedError()).toBeInstanceOf(OffloadedLiteralError);
    expect(offloadedError()).toBeInstanceOf(AgentwireError);
    expect(new AgentwireError("invalid_argument", "x") instanceof LiteralTypeError).toBe(false);
    expect(new AgentwireError("unimplemented", "x") instanceof OffloadedLiteralError).toBe(false);
    expect(offloadedError() instanceof LiteralTypeError).toBe(false);
    expect(literalTypeError() instanceof OffloadedLiteralError).toBe(false);
  });

  it("TaskFailure answers for itself and its subclasses, not for other errors", () => {
    expect(new TaskFailure("x")).toBeInstanceOf(TaskFailure);
    expect(new QuotaFailure("x")).toBeInstanceOf(TaskFailure);
    expect(new QuotaFailure("x")).toBeInstanceOf(QuotaFailure);
    expect(new TaskFailure("x") instanceof QuotaFailure).toBe(false);
    expect(new Error("x") instanceof TaskFailure).toBe(false);
    expect(new AgentwireError("internal", "x") instanceof TaskFailure).toBe(false);
    expect(new TaskFailure("x") instanceof AgentwireError).toBe(false);
  });

  it("match across the ESM and CommonJS builds", () => {
    const cjs = createRequire(import.meta.url)("../dist/index.cjs") as typeof import("../src/index.js");
    expect(cjs.TaskFailure).not.toBe(TaskFailure);
    expect(new cjs.TaskFailure("x")).toBeInstanceOf(TaskFailure);
    expect(new TaskFailure("x")).toBeInstanceOf(cjs.TaskFailure);
    const cjsLiteralError = new cjs.LiteralTypeError({ variable: "n", expected: "integer", received: "nothing" });
    expect(cjsLiteralError).toBeInstanceOf(LiteralTypeError);
    expect(cjsLiteralError).toBeInstanceOf(AgentwireError);
    expect(cjsLiteralError instanceof OffloadedLiteralError).toBe(false);
    expect(new cjs.AgentwireError("invalid_argument", "x") instanceof LiteralTypeError).toBe(false);
  });
});

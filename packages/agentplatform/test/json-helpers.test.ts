// The lossless JSON helpers a plugin needs, from this package (no `@agentwire/core` import, no `JSON.parse`),
// and the documented way to modify a TOOL_CALL's arguments_json with them.
import * as core from "@agentwire/core";
import { describe, expect, it } from "vitest";
import { isJsonObject, isLosslessNumber, LifecycleHook, LosslessNumber, modify, parseJson, Plugin, stringifyJson, toNumber } from "../src/index.js";
import { createPluginDriver } from "../src/testing/index.js";

describe("the package index", () => {
  it("re-exports core's lossless JSON helpers", () => {
    expect({ parseJson, stringifyJson, isJsonObject, isLosslessNumber, toNumber }).toEqual({
      parseJson: core.parseJson,
      stringifyJson: core.stringifyJson,
      isJsonObject: core.isJsonObject,
      isLosslessNumber: core.isLosslessNumber,
      toNumber: core.toNumber,
    });
    expect(toNumber(new LosslessNumber("1e400"))).toBe(Infinity);
    expect(isLosslessNumber(parseJson("1.0"))).toBe(true);
  });
});

describe("modifying arguments_json as the docs show", () => {
  class DryRun extends LifecycleHook {
    toolCall = this.on("TOOL_CALL", (payload) => {
      const args = parseJson(payload.arguments_json || "{}");
      if (!isJsonObject(args)) return undefined;
      return modify({ ...payload, arguments_json: stringifyJson({ ...args, dry_run: true }) ?? payload.arguments_json });
    });
  }

  it("keeps every number as the model wrote it", async () => {
    const plugin = new Plugin({ name: "dry-run", version: "1.0.0", manifest: { description: "d", author: "a" }, providers: [new DryRun()] });
    const answer = await createPluginDriver({ plugin }).sendEvent("TOOL_CALL", {
      tool_name: "transfer",
      arguments_json: '{"id":18446744073709551615,"from":-9007199254740993,"ratio":1.0}',
    });
    expect(answer.action).toBe("MODIFY");
    expect(answer.payload?.arguments_json).toBe('{"id":18446744073709551615,"from":-9007199254740993,"ratio":1.0,"dry_run":true}');
  });
});

import { describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { AsyncAgent, defineTask, serve, types, type AnyTaskDefinition } from "../src/index.js";
import { createFlyteDriver } from "../src/testing/index.js";

describe("defineTask", () => {
  it("keeps the task type, version 0 by default, and the declared types", () => {
    const task = defineTask({ taskType: "report", inputs: { q: types.string() } });
    expect(task.taskType).toBe("report");
    expect(task.version).toBe(0);
    expect(Object.keys(task.inputs)).toEqual(["q"]);
    expect(task.outputs).toBeUndefined();
    expect(Object.isFrozen(task)).toBe(true);
  });

  it("refuses what Propeller could not route, naming it", () => {
    expect(() => defineTask({ taskType: "" })).toThrow('defineTask has no task type: declare it with defineTask({ taskType: "my_task"');
    expect(() => defineTask({ taskType: "x", version: -1 })).toThrow("defineTask: task type x has version -1; it must be an int32 ≥ 0");
    expect(() => defineTask({ taskType: "x", version: 1.5 })).toThrow("has version 1.5");
    expect(() => defineTask({ taskType: "x", inputs: [] as never })).toThrow("task type x has inputs []; declare them as { name: types.string(), … }");
  });
});

describe("agents without a task", () => {
  it("are refused when served, with the fix (and a note for agents written for the old API)", async () => {
    class Legacy extends AsyncAgent {
      readonly name = "Legacy";
      readonly taskCategory = { name: "legacy" };
      readonly task = undefined as unknown as AnyTaskDefinition;
      async create() {
        return {};
      }
      async get() {
        return this.running();
      }
      async delete() {}
    }
    await expect(serve({ agents: [new Legacy()], port: 0, handleSignals: false, logger: silentLogger() })).rejects.toThrow(
      'Legacy has no task: set `readonly task = defineTask({ taskType: "my_task", inputs: {…}, outputs: {…} })` (taskCategory, inputTypes and outputTypes are declared there now)',
    );
    expect(() => createFlyteDriver({ agents: [new Legacy()] })).toThrow("Legacy has no task");
  });
});

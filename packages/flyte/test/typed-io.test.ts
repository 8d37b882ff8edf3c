// The declared types are the single source: what `types.*` say is what create/execute read, what
// succeeded() accepts and what the driver takes and returns. The `@ts-expect-error` lines are checked by
// `npm run typecheck` (tsc fails if any of them stops being an error); the rest also runs.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AsyncAgent,
  defineTask,
  fromLiteralMap,
  SyncAgent,
  toLiteralMap,
  types,
  type BlobInput,
  type BlobValue,
  type Decoded,
  type Encodable,
  type FlyteType,
  type InputsOf,
  type OutputsOf,
  type TaskContext,
} from "../src/index.js";
import { createFlyteDriver } from "../src/testing/index.js";

const orderTask = defineTask({
  taskType: "order",
  inputs: {
    id: types.integer(),
    placed: types.datetime(),
    items: types.list(types.struct<{ sku: string; qty: number }>()),
    prices: types.map(types.float()),
    note: types.optional(types.string()),
    priority: types.enum(["low", "high"]),
    receipt: types.blob(),
    code: types.union(types.integer(), types.string()),
  },
  outputs: { total: types.float(), shipped: types.boolean(), label: types.optional(types.string()) },
});

describe("types.* carry the JS types of their values", () => {
  it("for scalars, containers, unions and references", () => {
    expectTypeOf<Decoded<ReturnType<typeof types.integer>>>().toEqualTypeOf<number | bigint>();
    expectTypeOf<Decoded<ReturnType<typeof types.datetime>>>().toEqualTypeOf<Date>();
    expectTypeOf<Encodable<ReturnType<typeof types.datetime>>>().toEqualTypeOf<Date | string>();
    expectTypeOf(types.list(types.optional(types.boolean()))).toEqualTypeOf<FlyteType<(boolean | null)[], (boolean | null | undefined)[]>>();
    expectTypeOf(types.map(types.string())).toEqualTypeOf<FlyteType<Record<string, string>, Record<string, string> | Map<string, string>>>();
    expectTypeOf(types.enum(["red", "green"])).toEqualTypeOf<FlyteType<"red" | "green">>();
    expectTypeOf<Decoded<ReturnType<typeof types.blob>>>().toEqualTypeOf<BlobValue>();
    expectTypeOf<Encodable<ReturnType<typeof types.blob>>>().toEqualTypeOf<BlobInput>();
  });

  it("for a task's inputs (as create reads them) and outputs (as succeeded takes them)", () => {
    expectTypeOf<InputsOf<typeof orderTask>>().toEqualTypeOf<{
      id: number | bigint;
      placed: Date;
      items: { sku: string; qty: number }[];
      prices: Record<string, number>;
      note: string | null;
      priority: "low" | "high";
      receipt: BlobValue;
      code: string | number | bigint;
    }>();
    expectTypeOf<OutputsOf<typeof orderTask>>().toEqualTypeOf<{ total: number; shipped: boolean; label?: string | null | undefined }>();
  });

  it("for an undeclared side: anything, as before", () => {
    const loose = defineTask({ taskType: "loose" });
    expect(loose.inputs).toBeUndefined();
    expectTypeOf<InputsOf<typeof loose>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<OutputsOf<typeof loose>>().toEqualTypeOf<Record<string, unknown>>();
  });

  it("for toLiteralMap and fromLiteralMap given a record of types", () => {
    const outputs = { n: types.integer(), when: types.datetime() };
    const map = toLiteralMap({ n: 1, when: "2024-01-01T00:00:00Z" }, outputs);
    const back = fromLiteralMap(map, outputs);
    expectTypeOf(back).toEqualTypeOf<{ n: number | bigint; when: Date }>();
    expect(back).toEqual({ n: 1, when: new Date("2024-01-01T00:00:00Z") });
    // @ts-expect-error: n is an integer, not a string
    expect(() => toLiteralMap({ n: "1", when: new Date() }, outputs)).toThrow('input "n": expected integer, got string "1"');
  });
});

class OrderAgent extends SyncAgent<typeof orderTask> {
  readonly name = "Orders";
  readonly task = orderTask;
  async execute(ctx: TaskContext<typeof orderTask>) {
    expectTypeOf(ctx.inputs.placed).toEqualTypeOf<Date>();
    const total = Object.values(ctx.inputs.prices).reduce((a, b) => a + b, 0);
    if (ctx.inputs.priority === "low") return this.failed("low priority orders wait", { code: "LATER", recoverable: true });
    return this.succeeded({ total, shipped: ctx.inputs.items.length > 0 });
  }
}

const tickTask = defineTask({ taskType: "tick", inputs: { n: types.integer() }, outputs: { n: types.integer() } });

/** No annotation on get: the result helpers make its return type. */
class TickAgent extends AsyncAgent<typeof tickTask, { n: number }> {
  readonly name = "Tick";
  readonly task = tickTask;
  async create(ctx: TaskContext<typeof tickTask>) {
    return { n: Number(ctx.inputs.n) };
  }
  async get(meta: { n: number }) {
    if (meta.n < 0) return this.failed("negative");
    if (meta.n === 0) return this.running({ logLinks: [{ name: "log", uri: "https://log.example/0" }] });
    return this.succeeded({ n: meta.n + 1 });
  }
  async delete() {}

  wrongOutputs() {
    // @ts-expect-error: the output is named n, not count
    this.succeeded({ count: 1 });
    // @ts-expect-error: n is an integer
    this.succeeded({ n: "1" });
    // @ts-expect-error: outputs are required when the task declares some
    this.succeeded();
  }
}

class WrongExecute extends SyncAgent<typeof tickTask> {
  readonly name = "Wrong";
  readonly task = tickTask;
  // @ts-expect-error: a sync agent returns a terminal result; RUNNING is not one
  async execute() {
    return { phase: "RUNNING" as const };
  }
}

describe("agents and the driver", () => {
  it("run with typed inputs and outputs, taking the task from the agent", async () => {
    const driver = createFlyteDriver({ agents: [new OrderAgent(), new TickAgent()], pollIntervalMs: 1 });
    const run = await driver.run(new OrderAgent(), {
      id: 7n,
      placed: "2024-05-01T10:00:00Z",
      items: [{ sku: "a", qty: 1 }],
      prices: new Map([["a", 2.5]]),
      priority: "high",
      receipt: "s3://receipts/7.pdf",
      code: "X7",
    });
    expectTypeOf(run.outputs).toEqualTypeOf<{ total: number; shipped: boolean; label: string | null } | undefined>();
    expect(run.outputs).toEqual({ total: 2.5, shipped: true, label: null });

    const tick = await driver.run(tickTask, { n: 1 });
    expect(tick.outputs).toEqual({ n: 2 });
    // @ts-expect-error: n is required
    await expect(driver.run(tickTask, {})).resolves.toMatchObject({ phase: "RETRYABLE_FAILED" });
    // @ts-expect-error: "urgent" is not a priority
    const wrong = { priority: "urgent" } satisfies Partial<InputsOf<typeof orderTask>>;
    expect(wrong).toBeDefined();
    expect(new WrongExecute().name).toBe("Wrong");
  });
});

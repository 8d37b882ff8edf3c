// resource_meta is UTF-8 JSON, as flytekit writes it, and every number in it survives create → get →
// delete exactly, over a real server: integers past 2^53 and numbers such as 1.0 that JSON.parse would change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { AsyncAgent, defineTask, LosslessNumber, serve, type FlyteServer, type JsonObject, type TaskContext } from "../src/index.js";
import { createFlyteDriver, type FlyteDriver } from "../src/testing/index.js";

const metaTask = defineTask({ taskType: "exact_meta" });

const handle: JsonObject = {
  maxU64: 18446744073709551615n,
  belowMinSafe: -9007199254740993n,
  ratio: new LosslessNumber("1.0"),
  plain: 42,
};
const handleText = '{"maxU64":18446744073709551615,"belowMinSafe":-9007199254740993,"ratio":1.0,"plain":42}';

/** Returns `handle` from create and records what get and delete received. */
class ExactMetaAgent extends AsyncAgent<typeof metaTask> {
  readonly name = "Exact Meta";
  readonly task = metaTask;
  readonly received: Array<{ op: string; meta: JsonObject }> = [];
  async create(_ctx: TaskContext<typeof metaTask>) {
    return handle;
  }
  async get(meta: JsonObject) {
    this.received.push({ op: "get", meta });
    return this.succeeded();
  }
  async delete(meta: JsonObject) {
    this.received.push({ op: "delete", meta });
  }
}

describe("resource_meta over a real server", () => {
  const agent = new ExactMetaAgent();
  let server: FlyteServer;
  let driver: FlyteDriver;

  beforeAll(async () => {
    server = await serve({ agents: [agent], port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    driver = createFlyteDriver({ url: server.url });
  });
  afterAll(() => server.close());

  it("writes 2^64−1, −2^53−1 and 1.0 exactly, and hands them back to get and delete as they were", async () => {
    const launched = await driver.launch(metaTask);
    expect(new TextDecoder().decode(launched.resourceMeta)).toBe(handleText);
    expect((await driver.getTask(launched)).phase).toBe("SUCCEEDED");
    await driver.deleteTask(launched);
    expect(agent.received.map((r) => r.op)).toEqual(["get", "delete"]);
    for (const { meta } of agent.received) {
      expect(meta.maxU64).toBe(18446744073709551615n);
      expect(meta.belowMinSafe).toBe(-9007199254740993n);
      expect(meta.ratio).toBeInstanceOf(LosslessNumber);
      expect((meta.ratio as LosslessNumber).value).toBe("1.0");
      expect(meta.plain).toBe(42);
    }
  });

  it("reads a handle written by another implementation (flytekit's json.dumps) without rounding", async () => {
    agent.received.length = 0;
    const bytes = new TextEncoder().encode('{"job_id": 12345678901234567891, "progress": 0.50}');
    await driver.getTask({ task: metaTask, category: { name: "exact_meta", version: 0 }, resourceMeta: bytes, outputPrefix: "" });
    expect(agent.received[0]?.meta.job_id).toBe(12345678901234567891n);
    expect((agent.received[0]?.meta.progress as LosslessNumber).value).toBe("0.50");
  });
});

describe("@agentwire/flyte's JSON helpers", () => {
  it("are core's, re-exported, so an author reads and writes wire JSON without @agentwire/core", async () => {
    const flyte = await import("../src/index.js");
    const core = await import("@agentwire/core");
    for (const name of ["parseJson", "stringifyJson", "isJsonObject", "isLosslessNumber", "toNumber", "LosslessNumber"] as const) {
      expect(flyte[name], name).toBe(core[name]);
    }
    const meta = flyte.parseJson(handleText);
    expect(flyte.isJsonObject(meta)).toBe(true);
    expect(flyte.stringifyJson(meta)).toBe(handleText);
    expect(flyte.toNumber(new flyte.LosslessNumber("1e400"))).toBe(Infinity);
  });
});

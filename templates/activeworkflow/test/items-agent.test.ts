// The agent driven the way ActiveWorkflow drives it (register, check, receive; results applied as its Ruby
// applies them), in process through @agentwire/activeworkflow/testing, against the dev items API on a free
// loopback port. YOUR CODE: a test for every behaviour your agent promises.
import { createActiveWorkflowDriver, type CallOutcome } from "@agentwire/activeworkflow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startItemsApi, type DevItemsApi } from "../scripts/dev-items-api.mjs";
import { ExampleItemsAgent } from "../src/items-agent.js";

const driver = createActiveWorkflowDriver({ agent: new ExampleItemsAgent() });
let api: DevItemsApi;
beforeAll(async () => {
  api = await startItemsApi();
});
afterAll(async () => {
  await api.close();
});

/** An instance pointed at the dev API, with the token as the user's credential. */
function instance(options: Record<string, unknown> = {}, token = api.token) {
  return driver.createInstance({
    options: { api_url: api.url, token_credential: "items_api_token", max_items: 20, ...options },
    credentials: [{ name: "items_api_token", value: token }],
  });
}

/** Every call here must be one ActiveWorkflow applies without a hitch. */
function clean(outcome: CallOutcome): CallOutcome {
  expect(outcome.warnings).toEqual([]);
  expect(outcome.failed).toBe(false);
  return outcome;
}

describe("ExampleItemsAgent", () => {
  it("registers with its name, description and default options", async () => {
    const registered = await driver.register();
    expect(registered.warnings).toEqual([]);
    expect(registered.registration).toMatchObject({ name: "ExampleItemsAgent", default_options: { api_url: "", token_credential: "items_api_token", max_items: 20 } });
  });

  it("check emits each new item once, oldest first, keeping its cursor in memory", async () => {
    const watcher = await instance({ max_items: 1 });
    const first = clean(await driver.check(watcher));
    expect(first.messages).toEqual([{ id: api.items[0]!.id, seq: 1, title: "Welcome to the items API", body: "Created when the dev API started." }]);
    expect(watcher.memory).toEqual({ cursor: 1, seen: 1 });
    const second = clean(await driver.check(watcher));
    expect(second.messages.map((m) => m.title)).toEqual(["Second item"]);
    expect(second.logs).toEqual(["1 new item since cursor 1"]);
    const third = clean(await driver.check(watcher));
    expect(third.messages).toEqual([]);
    expect(watcher.memory).toMatchObject({ cursor: 2, seen: 2 });
  });

  it("receive creates an item from the message and emits it with its source; the next check sees it", async () => {
    const writer = await instance();
    const watcher = await instance({}, api.token);
    clean(await driver.check(watcher)); // catch up with what is there
    const created = clean(await driver.receive(writer, { title: "Deploy 1.4", body: "from the release agent", release: 14 }));
    expect(created.messages).toEqual([{ created: { id: expect.any(String) as unknown, seq: expect.any(Number) as unknown, title: "Deploy 1.4", body: "from the release agent" }, source: { title: "Deploy 1.4", body: "from the release agent", release: 14 } }]);
    expect(writer.memory).toEqual({ created: 1 });
    const seen = clean(await driver.check(watcher));
    expect(seen.messages.map((m) => m.title)).toEqual(["Deploy 1.4"]);
  });

  it("an upstream failure is an error in the agent's log, naming the request and the API's answer", async () => {
    const writer = await instance();
    const run = clean(await driver.receive(writer, { title: "fail" }));
    expect(run.messages).toEqual([]);
    expect(run.errors).toEqual([`POST ${api.url}/items answered 500: the items API failed on purpose (title "fail")`]);
    expect(writer.memory).toEqual({});
  });

  it("a wrong token is reported by the credential's name, and its value never comes back", async () => {
    const watcher = await instance({}, "not-the-token-9f3a");
    const run = clean(await driver.check(watcher));
    expect(run.errors).toEqual(["the items API refused the token in credential items_api_token (401): check that credential's value"]);
    expect(JSON.stringify([run.body, run.errors, run.logs, run.memory])).not.toContain("not-the-token-9f3a");
  });

  it("a missing credential or API URL is an error that says what to set", async () => {
    const noCredential = await driver.createInstance({ options: { api_url: api.url, token_credential: "items_api_token", max_items: 20 } });
    const run = clean(await driver.check(noCredential));
    expect(run.errors.join("\n")).toMatch(/items_api_token/);
    const noUrl = await instance({ api_url: "" });
    const saved = process.env.ITEMS_API_URL;
    delete process.env.ITEMS_API_URL;
    try {
      const missing = clean(await driver.check(noUrl));
      expect(missing.errors).toEqual(["no items API to call: set option api_url, or ITEMS_API_URL where the agent server runs"]);
    } finally {
      if (saved !== undefined) process.env.ITEMS_API_URL = saved;
    }
  });

  it("refuses bad input: options that do not fit, naming the field, and a message without a title", async () => {
    const bad = await instance({ max_items: 500 });
    const run = await driver.check(bad);
    expect(run.errors.join("\n")).toMatch(/max_items.*must be a whole number from 1 to 100/);
    expect(run.messages).toEqual([]);
    const writer = await instance();
    const untitled = clean(await driver.receive(writer, { body: "no title" }));
    expect(untitled.errors).toEqual(['the received message has no "title" string in its payload (payload keys: body); link an agent that emits {"title": …}']);
  });
});

// The example agents, driven the way an author tests: in process, through the ActiveWorkflow-like driver,
// with a real loopback HTTP server for HttpStatusAgent to request.
import { silentLogger } from "@agentwire/core";
import { freePort } from "@agentwire/test-support";
import { LosslessNumber, serve, type JsonObject } from "@agentwire/activeworkflow";
import { createActiveWorkflowDriver, createWorkflowRunner, type CallOutcome } from "@agentwire/activeworkflow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DigestAgent, HttpStatusAgent, userAgent } from "../src/index.js";
import { startTarget, type TargetServer } from "./target-server.js";

const digest = createActiveWorkflowDriver({ agent: new DigestAgent() });
const httpStatus = createActiveWorkflowDriver({ agent: new HttpStatusAgent() });

let target: TargetServer;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

/** Every call here must be one ActiveWorkflow applies without a hitch. */
function clean(outcome: CallOutcome): CallOutcome {
  expect(outcome.warnings).toEqual([]);
  expect(outcome.failed).toBe(false);
  return outcome;
}

describe("DigestAgent", () => {
  it("registers idempotently with default options {max_items: 100}", async () => {
    const registered = await digest.register({ times: 5 });
    expect(registered.warnings).toEqual([]);
    expect(registered.registration).toMatchObject({ name: "DigestAgent", display_name: "Digest Agent", default_options: { max_items: 100 } });
    expect(new Set(registered.responses.map((r) => r.body)).size).toBe(1);
    const instance = await digest.createInstance();
    expect(instance.options).toEqual({ max_items: 100 });
  });

  it("queues payloads in memory.queue and emits one digest when the queue reaches max_items", async () => {
    const instance = await digest.createInstance({ options: { max_items: 3 } });
    const first = clean(await digest.receive(instance, { title: "a" }));
    expect(first.messages).toEqual([]);
    expect(instance.memory).toEqual({ queue: [{ title: "a" }] });
    const second = clean(await digest.receive(instance, { title: "b", tags: ["x"] }));
    expect(second.messages).toEqual([]);
    expect(instance.memory).toEqual({ queue: [{ title: "a" }, { title: "b", tags: ["x"] }] });

    const third = clean(await digest.receive(instance, { title: "c" }));
    expect(third.messages).toEqual([{ count: 3, items: [{ title: "a" }, { title: "b", tags: ["x"] }, { title: "c" }] }]);
    expect(third.logs).toEqual(["emitted a digest of 3 messages"]);
    expect(instance.memory).toEqual({ queue: [] });

    // The queue starts over.
    clean(await digest.receive(instance, { title: "d" }));
    expect(instance.memory).toEqual({ queue: [{ title: "d" }] });
  });

  it("emits at once when max_items was lowered below what is queued", async () => {
    const queue = [1, 2, 3, 4].map((n) => ({ n }));
    const instance = await digest.createInstance({ options: { max_items: 2 }, memory: { queue } });
    const run = clean(await digest.receive(instance, { n: 5 }));
    expect(run.messages).toEqual([{ count: 5, items: [...queue, { n: 5 }] }]);
    expect(instance.memory).toEqual({ queue: [] });
  });

  it("check emits a partial queue and empties it", async () => {
    const instance = await digest.createInstance({ options: { max_items: 100 } });
    clean(await digest.receive(instance, { title: "only" }));
    clean(await digest.receive(instance, { title: "two" }));
    const run = clean(await digest.check(instance));
    expect(run.request.params.message).toBeNull();
    expect(run.messages).toEqual([{ count: 2, items: [{ title: "only" }, { title: "two" }] }]);
    expect(run.logs).toEqual(["emitted a digest of 2 messages"]);
    expect(instance.memory).toEqual({ queue: [] });
  });

  it("check emits nothing and leaves memory alone when the queue is empty", async () => {
    for (const memory of [{}, { queue: [] }, { queue: [], other: "kept" }] as JsonObject[]) {
      const instance = await digest.createInstance({ options: { max_items: 5 }, memory });
      const run = clean(await digest.check(instance));
      expect(run.messages).toEqual([]);
      expect(run.logs).toEqual(["queue empty: nothing to emit"]);
      expect(run.memoryReplaced).toBe(false);
      expect((run.result as Record<string, unknown>).memory).toBeUndefined();
      expect(instance.memory).toEqual(memory);
    }
  });

  it("keeps other memory keys and carries memory between calls", async () => {
    const instance = await digest.createInstance({ options: { max_items: 2 }, memory: { note: "mine" } });
    clean(await digest.receive(instance, { n: 1 }));
    expect(instance.memory).toEqual({ note: "mine", queue: [{ n: 1 }] });
    const run = clean(await digest.receive(instance, { n: 2 }));
    expect(run.request.params.memory).toEqual({ note: "mine", queue: [{ n: 1 }] });
    expect(run.messages).toEqual([{ count: 2, items: [{ n: 1 }, { n: 2 }] }]);
    expect(instance.memory).toEqual({ note: "mine", queue: [] });
  });

  it("starts a new queue, with an error, when memory.queue is not a list", async () => {
    const instance = await digest.createInstance({ options: { max_items: 5 }, memory: { queue: "oops" } });
    const run = clean(await digest.receive(instance, { n: 1 }));
    expect(run.errors).toEqual(['memory.queue is not a list ("oops"); starting a new queue']);
    expect(instance.memory).toEqual({ queue: [{ n: 1 }] });
  });

  it.each([
    [0, "must be a positive integer"],
    [-1, "must be a positive integer"],
    [2.5, "must be a positive integer"],
    ["10", "must be a positive integer"],
    [null, "must be a positive integer"],
  ])("refuses max_items %j with an error naming the option, changing nothing", async (maxItems, text) => {
    const instance = await digest.createInstance({ options: { max_items: maxItems }, memory: { queue: [{ n: 1 }] } });
    for (const run of [await digest.receive(instance, { n: 2 }), await digest.check(instance)]) {
      clean(run);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain('invalid option "max_items"');
      expect(run.errors[0]).toContain(text);
      expect(run.messages).toEqual([]);
      expect(instance.memory).toEqual({ queue: [{ n: 1 }] });
    }
  });

  it("keeps every number exactly as it came: 2^64−1, −2^53−1, 12345678901234567891 and 1.0", async () => {
    const instance = await digest.createInstance({ options: { max_items: 2 } });
    const payload = { id: 12345678901234567891n, max_u64: 2n ** 64n - 1n, neg: -(2n ** 53n) - 1n, ratio: new LosslessNumber("1.0") };
    const queued = clean(await digest.receive(instance, payload));
    expect(queued.body).toContain('"queue":[{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}]');
    const flushed = clean(await digest.receive(instance, { n: 2 }));
    expect(flushed.body).toContain('"messages":[{"count":2,"items":[{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0},{"n":2}]}]');
    expect(flushed.messages).toEqual([{ count: 2, items: [payload, { n: 2 }] }]);
  });

  it("shows a bad memory.queue holding a big number without failing on it", async () => {
    const instance = await digest.createInstance({ options: { max_items: 5 }, memory: { queue: 18446744073709551615n } });
    const run = clean(await digest.receive(instance, { n: 1 }));
    expect(run.errors).toEqual(['memory.queue is not a list ("18446744073709551615"); starting a new queue']);
  });

  it("uses the default max_items when the option is missing", async () => {
    const instance = await digest.createInstance({ options: {}, memory: { queue: Array.from({ length: 99 }, (_, n) => ({ n })) } });
    const run = clean(await digest.receive(instance, { n: 99 }));
    expect(run.messages).toHaveLength(1);
    expect(run.messages[0]!.count).toBe(100);
  });
});

describe("HttpStatusAgent", () => {
  it("registers idempotently with its default options", async () => {
    const registered = await httpStatus.register({ times: 5 });
    expect(registered.warnings).toEqual([]);
    expect(registered.registration).toMatchObject({
      name: "HttpStatusAgent",
      display_name: "HTTP Status Agent",
      default_options: { url: "https://example.com/", changes_only: false, timeout_ms: 10_000 },
    });
  });

  it("check requests option url and emits {url, status, elapsed_ms}, storing last_status", async () => {
    const url = `${target.url}/status/200`;
    const instance = await httpStatus.createInstance({ options: { url } });
    const run = clean(await httpStatus.check(instance));
    expect(run.messages).toEqual([{ url, status: 200, elapsed_ms: expect.any(Number) }]);
    expect(Object.keys(run.messages[0]!)).toEqual(["url", "status", "elapsed_ms"]);
    const elapsed = run.messages[0]!.elapsed_ms as number;
    expect(Number.isInteger(elapsed) && elapsed >= 0 && elapsed < 10_000).toBe(true);
    expect(instance.memory).toEqual({ last_status: 200 });
    const seen = target.seen("/status/200").at(-1)!;
    expect(seen.method).toBe("GET");
    expect(seen.headers["user-agent"]).toBe(userAgent);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it("reports any status, 5xx included, as a status rather than an error", async () => {
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/status/503` } });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toEqual([]);
    expect(run.messages.map((m) => m.status)).toEqual([503]);
  });

  it("receive requests payload.url instead of option url", async () => {
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/status/500` } });
    const url = `${target.url}/status/201`;
    const run = clean(await httpStatus.receive(instance, { url, title: "from a feed" }));
    expect(run.messages).toEqual([{ url, status: 201, elapsed_ms: expect.any(Number) }]);
    expect(instance.memory).toEqual({ last_status: 201 });
  });

  it("with changes_only emits only when the status differs from memory.last_status, storing it always", async () => {
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/flip`, changes_only: true } });
    const emitted: number[][] = [];
    for (const status of [200, 200, 503, 503, 503, 200]) {
      target.flipStatus = status;
      const run = clean(await httpStatus.check(instance));
      emitted.push(run.messages.map((m) => m.status as number));
      expect(instance.memory).toEqual({ last_status: status });
    }
    expect(emitted).toEqual([[200], [], [503], [], [], [200]]);
  });

  it("without changes_only emits on every call", async () => {
    target.flipStatus = 200;
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/flip` } });
    for (let i = 0; i < 3; i++) expect(clean(await httpStatus.check(instance)).messages).toHaveLength(1);
  });

  it("sends the credential named by auth_credential as a bearer token", async () => {
    const path = "/status/204";
    const instance = await httpStatus.createInstance({
      options: { url: `${target.url}${path}`, auth_credential: "status_token" },
      credentials: [
        { name: "smtp_password", value: "not-this-one" },
        { name: "status_token", value: "s3cr3t" },
      ],
    });
    const run = clean(await httpStatus.check(instance));
    expect(run.messages.map((m) => m.status)).toEqual([204]);
    expect(target.seen(path).at(-1)!.headers.authorization).toBe("Bearer s3cr3t");
  });

  it("treats an empty auth_credential as none", async () => {
    const path = "/status/202";
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}${path}`, auth_credential: "" } });
    clean(await httpStatus.check(instance));
    expect(target.seen(path).at(-1)!.headers.authorization).toBeUndefined();
  });

  it("reports a missing credential as an error naming it, without requesting", async () => {
    const before = target.requests.length;
    const instance = await httpStatus.createInstance({
      options: { url: `${target.url}/status/200`, auth_credential: "status_token" },
      credentials: [{ name: "other", value: "hunter2" }],
      memory: { last_status: 200 },
    });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('option "auth_credential" names credential "status_token"');
    expect(run.errors[0]).not.toContain("hunter2");
    expect(run.messages).toEqual([]);
    expect(instance.memory).toEqual({ last_status: 200 });
    expect(target.requests.length).toBe(before);
  });

  it("reports an unreachable URL as an errors entry, keeping last_status", async () => {
    const url = `http://127.0.0.1:${await freePort()}/`;
    const instance = await httpStatus.createInstance({ options: { url }, memory: { last_status: 200 } });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toEqual([expect.stringMatching(new RegExp(`^GET ${url} failed: connect ECONNREFUSED`))]);
    expect(run.messages).toEqual([]);
    expect(run.memoryReplaced).toBe(false);
    expect(instance.memory).toEqual({ last_status: 200 });
  });

  it.each([
    ["not a url", 'option url "not a url" is not a valid URL'],
    ["", 'option url "" is not a valid URL'],
    ["/relative/path", 'option url "/relative/path" is not a valid URL'],
    ["ftp://example.com/file", 'option url "ftp://example.com/file" is not an http:// or https:// URL'],
    ["file:///etc/passwd", 'option url "file:///etc/passwd" is not an http:// or https:// URL'],
  ])("reports the invalid URL %j as an errors entry", async (url, text) => {
    const instance = await httpStatus.createInstance({ options: { url } });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toEqual([expect.stringContaining(text)]);
    expect(run.messages).toEqual([]);
    expect(instance.memory).toEqual({});
  });

  it("reports an invalid or missing payload.url on receive as an errors entry", async () => {
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/status/200` } });
    const bad = clean(await httpStatus.receive(instance, { url: "nope" }));
    expect(bad.errors).toEqual([expect.stringContaining('payload.url "nope" is not a valid URL')]);
    const missing = clean(await httpStatus.receive(instance, { link: "x", url_list: [] }));
    expect(missing.errors).toEqual([expect.stringContaining('no "url" string in its payload (payload keys: link, url_list)')]);
    expect([...bad.messages, ...missing.messages]).toEqual([]);
  });

  it("does not follow redirects: the redirect's own status is reported", async () => {
    const before = target.seen("/status/200").length;
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/redirect` } });
    const run = clean(await httpStatus.check(instance));
    expect(run.messages.map((m) => m.status)).toEqual([302]);
    expect(target.seen("/status/200").length).toBe(before);
  });

  it("gives up after timeout_ms with an errors entry", async () => {
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/slow/3000`, timeout_ms: 150 } });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toEqual([`GET ${target.url}/slow/3000 got no answer within 150 ms (option timeout_ms)`]);
    expect(run.messages).toEqual([]);
  });

  it.each([
    [{ timeout_ms: 60_000 }, 'invalid option "timeout_ms": must be at most 55000'],
    [{ timeout_ms: 0 }, 'invalid option "timeout_ms": must be a whole number of milliseconds'],
    [{ timeout_ms: "5s" }, 'invalid option "timeout_ms": must be a whole number of milliseconds'],
    [{ changes_only: "yes" }, 'invalid option "changes_only": must be true or false'],
    [{ url: 42 }, 'invalid option "url": must be the URL to request'],
    [{ auth_credential: 7 }, 'invalid option "auth_credential": must be the name of one of your credentials'],
  ])("refuses options %j with an error naming the option", async (options, text) => {
    const before = target.requests.length;
    const instance = await httpStatus.createInstance({ options: { url: `${target.url}/status/200`, ...options } });
    const run = clean(await httpStatus.check(instance));
    expect(run.errors).toEqual([expect.stringContaining(text)]);
    expect(run.messages).toEqual([]);
    expect(target.requests.length).toBe(before);
  });

  it("stops its request when the call's signal fires (server shutdown past its grace period)", async () => {
    const server = await serve({
      agents: { "/http-status": new HttpStatusAgent() },
      port: 0,
      host: "127.0.0.1",
      printTo: false,
      handleSignals: false,
      shutdownTimeoutMs: 200,
      logger: silentLogger(),
    });
    const driver = createActiveWorkflowDriver({ url: `${server.url}/http-status` });
    const instance = await driver.createInstance({ options: { url: `${target.url}/slow/5000`, timeout_ms: 30_000 } });
    const inFlight = driver.check(instance);
    // The agent's request reached the target: the call is in flight.
    const request = await target.requested("/slow/5000");
    await server.close();
    const run = clean(await inFlight);
    expect(run.errors).toEqual([expect.stringMatching(/^GET \S+\/slow\/5000 abandoned: server shutting down/)]);
    // The agent hung up on the target: its side of the connection closes unanswered.
    await target.abandoned(request);
    expect(request.abandoned).toBe(true);
  });
});

describe("a workflow: HttpStatusAgent → DigestAgent", () => {
  it("checks the URL N times; the digest emits once it holds max_items reports", async () => {
    const workflow = createWorkflowRunner();
    const url = `${target.url}/status/200`;
    const monitor = await workflow.add(httpStatus, { name: "site monitor", options: { url } });
    const daily = await workflow.add(digest, { name: "status digest", options: { max_items: 3 } });
    workflow.link(monitor, daily);

    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await workflow.check(monitor));
    for (const run of runs) {
      expect(run.warnings).toEqual([]);
      expect(run.stoppedAtMaxSteps).toBe(false);
    }
    expect(runs[0]!.steps.map((s) => `${s.method} ${s.agent.name}`)).toEqual(["check site monitor", "receive status digest"]);

    const digests = runs.map((run) => run.messages.filter((m) => m.agent_id === daily.id).map((m) => m.payload));
    expect(digests.slice(0, 2)).toEqual([[], []]);
    expect(digests[2]).toEqual([{ count: 3, items: Array.from({ length: 3 }, () => ({ url, status: 200, elapsed_ms: expect.any(Number) })) }]);
    expect(digests[3]).toEqual([]);
    expect(daily.memory).toEqual({ queue: [{ url, status: 200, elapsed_ms: expect.any(Number) }] });
    expect(monitor.memory).toEqual({ last_status: 200 });
  });
});

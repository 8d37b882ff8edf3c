// The example agents, driven the way an author tests: in process, through the Propeller-like driver.
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, defineTask, toLiteralMap } from "@agentwire/flyte";
import { createFlyteDriver, taskTemplate } from "@agentwire/flyte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchJobAgent, batchJobTask, BatchJobStore, HttpRequestAgent, httpRequestTask } from "../src/index.js";
import { grpcError } from "@agentwire/test-support";

const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-batch-test-"));
const driver = createFlyteDriver({ agents: [new BatchJobAgent(new BatchJobStore(jobsDir)), new HttpRequestAgent()], pollIntervalMs: 20 });
const { clients } = driver;

describe("batch_job", () => {
  it("runs a script to SUCCEEDED with its exit code and stdout", async () => {
    const run = await driver.run(batchJobTask, { script: "printf 'a\\nb\\n'; echo err >&2" });
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ exit_code: 0, stdout: "a\nb\n" });
  });

  it("reports FAILED with the exit code and the tail of stderr", async () => {
    const run = await driver.run(batchJobTask, { script: "echo starting; echo 'no space left on device' >&2; exit 4" });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toBe("script exited with code 4; stderr (tail): no space left on device");
    expect(run.outputs).toBeUndefined();
  });

  it("never reports a finished job as FAILED, however fast it ends (exit-code race)", async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => driver.run(batchJobTask, { script: `exit ${i % 2}` })));
    expect(runs.map((r) => r.phase)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "SUCCEEDED" : "FAILED")));
  });

  it("kills a running job on DeleteTask, then answers ABORTED; delete is idempotent", async () => {
    const launched = await driver.launch(batchJobTask, { script: "sleep 30 & sleep 30; wait" });
    expect((await driver.getTask(launched)).phase).toBe("RUNNING");
    const meta = JSON.parse(new TextDecoder().decode(launched.resourceMeta)) as { pgid: number };
    await driver.deleteTask(launched);
    expect((await driver.getTask(launched)).phase).toBe("ABORTED");
    expect(new BatchJobStore(jobsDir).isRunning(meta.pgid)).toBe(false);
    await driver.deleteTask(launched);
    expect((await driver.getTask(launched)).phase).toBe("ABORTED");
  });

  it("leaves a finished job as it was when deleted afterwards", async () => {
    const run = await driver.run(batchJobTask, { script: "echo done" });
    await driver.deleteTask(run.launched!);
    expect((await driver.getTask(run.launched!)).phase).toBe("SUCCEEDED");
  });

  it("refuses a missing script with INVALID_ARGUMENT naming it", async () => {
    const err = await grpcError(
      clients.async.createTask({ template: taskTemplate(defineTask({ taskType: "batch_job", inputs: {} })), inputs: toLiteralMap({}, {}) }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain('missing input "script"');
  });

  it("refuses resource_meta that would escape the jobs directory", async () => {
    const forged = new TextEncoder().encode(JSON.stringify({ jobId: "../../etc", pgid: 1, host: "x" }));
    const err = await grpcError(clients.async.getTask({ taskCategory: { name: "batch_job", version: 0 }, resourceMeta: forged }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain("jobId: jobId must be the UUID CreateTask returned");
  });

  it("keeps stdout beyond 1 MiB on disk and says so in the output", async () => {
    const run = await driver.run(batchJobTask, { script: "head -c 1100000 /dev/zero | tr '\\0' 'x'" });
    expect(run.phase).toBe("SUCCEEDED");
    const stdout = run.outputs?.stdout ?? "";
    expect(stdout.startsWith("x".repeat(1024 * 1024))).toBe(true);
    expect(stdout).toContain("[agentwire: stdout truncated: 1100000 bytes, the first 1048576 kept");
  });
});

describe("http_request", () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
        res.end(`you sent ${body.length} bytes`);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
  });


  it("sends the request the template describes and returns status and body", async () => {
    const run = await driver.run(
      httpRequestTask,
      { body: "hello" },
      { custom: { url: `${base}/orders`, method: "put", headers: { authorization: "Bearer t0k" } } },
    );
    expect(run.mode).toBe("sync");
    expect(run.outputs).toEqual({ status_code: 200, body: "you sent 5 bytes" });
    expect(seen.at(-1)).toEqual({ method: "PUT", url: "/orders", auth: "Bearer t0k", body: "hello" });
  });

  it("treats an HTTP error status as an output, not a failure", async () => {
    const run = await driver.run(httpRequestTask, { body: "" }, { custom: { url: `${base}/missing`, method: "GET" } });
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toMatchObject({ status_code: 404 });
  });

  it("fails once, naming the field, for a task declared wrong", async () => {
    const noUrl = await driver.run(httpRequestTask, { body: "" }, { custom: { method: "GET" } });
    expect(noUrl.phase).toBe("FAILED");
    expect(noUrl.message).toContain("custom.url");
    expect(noUrl.resource?.agentError).toMatchObject({ code: "INVALID_TASK_CONFIG", recoverable: false });
    const getWithBody = await driver.run(httpRequestTask, { body: "x" }, { custom: { url: base, method: "GET" } });
    expect(getWithBody.message).toContain('input "body" must be empty for GET');
    const ftp = await driver.run(httpRequestTask, { body: "" }, { custom: { url: "ftp://example.com/f", method: "GET" } });
    expect(ftp.message).toContain("custom.url must use http or https");
  });

  it("reports an unreachable server as a recoverable failure", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const run = await driver.run(httpRequestTask, { body: "" }, { custom: { url: `http://127.0.0.1:${port}/`, method: "GET" } });
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.message).toContain("ECONNREFUSED");
  });

  it("names the missing body input", async () => {
    // A template whose interface does not declare the input the agent needs.
    const undeclared = defineTask({ taskType: "http_request", inputs: {} });
    const run = await driver.run(undeclared, {}, { custom: { url: base, method: "GET" } });
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.error?.code).toBe(Code.InvalidArgument);
    expect(run.message).toContain('missing input "body"');
  });
});

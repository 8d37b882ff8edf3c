// The example as deployed: `node dist/main.js` in its own process, configured by the environment, stopped
// with SIGTERM; and the served agents under 100 concurrent calls over real HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@agentwire/core";
import { captureOutput, freePort, stopProcessGroup, waitForPort } from "@agentwire/test-support";
import { serve, type ActiveWorkflowServer } from "@agentwire/activeworkflow";
import { createActiveWorkflowDriver } from "@agentwire/activeworkflow/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DigestAgent, HttpStatusAgent } from "../src/index.js";
import { startTarget, type TargetServer } from "./target-server.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await stopProcessGroup(child, { graceMs: 2000 });
});

interface Started {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `node dist/main.js` and resolves once its REMOTE_AGENT_URL lines are printed and the port answers. */
async function startMain(env: Record<string, string> = {}): Promise<Started> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "info", HOST: "", PUBLIC_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const { stdout, stderr, waitFor } = captureOutput(child);
  // Ready once both the URL lines (stdout) and the "serving" log line (stderr) are out.
  await waitFor("serving", () => stdout().split("\n").filter((l) => l.startsWith("REMOTE_AGENT_URL_")).length === 2 && stderr().includes('"msg":"serving '));
  await waitForPort(port, { child, output: stderr });
  return { child, port, exited, stdout, stderr };
}

describe("examples/activeworkflow-agents deployed (node dist/main.js)", () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target.close();
  });

  it("prints one REMOTE_AGENT_URL_…= line per agent on stdout, and both agents answer there", async () => {
    const server = await startMain();
    expect(server.stdout()).toBe(
      `REMOTE_AGENT_URL_DIGEST_AGENT=http://127.0.0.1:${server.port}/digest\n` +
        `REMOTE_AGENT_URL_HTTP_STATUS_AGENT=http://127.0.0.1:${server.port}/http-status\n`,
    );
    for (const [line, name] of [
      [0, "DigestAgent"],
      [1, "HttpStatusAgent"],
    ] as const) {
      const url = server.stdout().split("\n")[line]!.split("=")[1]!;
      const registered = await createActiveWorkflowDriver({ url }).register({ times: 5 });
      expect(registered.warnings).toEqual([]);
      expect(registered.registration?.name).toBe(name);
    }
    expect(server.stderr()).toContain('"msg":"serving 2 ActiveWorkflow agent(s) on http://127.0.0.1:');
  });

  it("prints PUBLIC_URL in the lines when set (ActiveWorkflow in Docker reaches it by another name)", async () => {
    const server = await startMain({ PUBLIC_URL: "http://host.docker.internal:4567/" });
    expect(server.stdout()).toBe(
      "REMOTE_AGENT_URL_DIGEST_AGENT=http://host.docker.internal:4567/digest\n" +
        "REMOTE_AGENT_URL_HTTP_STATUS_AGENT=http://host.docker.internal:4567/http-status\n",
    );
  });

  it("binds HOST (0.0.0.0 in a container)", async () => {
    const server = await startMain({ HOST: "0.0.0.0" });
    expect(server.stderr()).toContain('"host":"0.0.0.0"');
    expect(server.stdout()).toContain(`=http://127.0.0.1:${server.port}/digest\n`);
  });

  it("on SIGTERM finishes the in-flight call, then exits 0", async () => {
    const server = await startMain();
    const driver = createActiveWorkflowDriver({ url: `http://127.0.0.1:${server.port}/http-status` });
    const instance = await driver.createInstance({ options: { url: `${target.url}/slow/800` } });
    const inFlight = driver.check(instance);
    // Wait until the agent's request reached the target, so the call is surely in flight.
    await target.requested("/slow/800");
    expect(target.seen("/slow/800")).toHaveLength(1);
    server.child.kill("SIGTERM");
    const run = await inFlight;
    expect(run.warnings).toEqual([]);
    expect(run.errors).toEqual([]);
    expect(run.messages).toEqual([{ url: `${target.url}/slow/800`, status: 200, elapsed_ms: expect.any(Number) }]);
    expect(run.messages[0]!.elapsed_ms).toBeGreaterThanOrEqual(700);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain("shutdown complete");
  });
});

describe("100 concurrent receive calls over real HTTP", () => {
  let server: ActiveWorkflowServer;
  beforeAll(async () => {
    server = await serve({
      agents: { "/digest": new DigestAgent(), "/http-status": new HttpStatusAgent() },
      port: 0,
      host: "127.0.0.1",
      printTo: false,
      handleSignals: false,
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers each call with its own payload and memory", async () => {
    const driver = createActiveWorkflowDriver({ url: `${server.url}/digest` });
    const n = 100;
    // Odd instances are one short of a full digest (the call emits); even ones are not (the call queues).
    const instances = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        driver.createInstance({ options: { max_items: i % 2 === 1 ? 2 : 3 }, memory: { owner: `instance-${i}`, queue: [{ i, first: true }] } }),
      ),
    );
    const runs = await Promise.all(instances.map((instance, i) => driver.receive(instance, { i, text: `<payload ${i} & more>` })));
    runs.forEach((run, i) => {
      expect(run.warnings, `call ${i}`).toEqual([]);
      expect(run.status).toBe(200);
      const own = [{ i, first: true }, { i, text: `<payload ${i} & more>` }];
      if (i % 2 === 1) {
        expect(run.messages, `call ${i}`).toEqual([{ count: 2, items: own }]);
        expect(instances[i]!.memory, `call ${i}`).toEqual({ owner: `instance-${i}`, queue: [] });
      } else {
        expect(run.messages, `call ${i}`).toEqual([]);
        expect(instances[i]!.memory, `call ${i}`).toEqual({ owner: `instance-${i}`, queue: own });
      }
    });
  });

  it("round-trips 2^64−1, −2^53−1 and 1.0 through the served DigestAgent exactly (as ActiveWorkflow's Ruby client needs)", async () => {
    const payload = '{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}';
    const call = async (method: "receive" | "check", memory: string) => {
      const message = method === "receive" ? `{"id":1,"payload":${payload}}` : "null";
      const res = await fetch(`${server.url}/digest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"method":"${method}","params":{"options":{"max_items":10},"memory":${memory},"credentials":[],"message":${message}}}`,
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await call("receive", "{}")).toBe(`{"result":{"memory":{"queue":[${payload}]}}}`);
    expect(await call("check", `{"queue":[${payload}]}`)).toBe(
      `{"result":{"logs":["emitted a digest of 1 message"],"memory":{"queue":[]},"messages":[{"count":1,"items":[${payload}]}]}}`,
    );
  });
});

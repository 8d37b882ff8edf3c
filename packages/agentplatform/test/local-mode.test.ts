// Local mode as a host sees it: the plugin started as a real subprocess with AGENTPLATFORM_PLUGIN=local,
// its first (and only) stdout line the handshake, its address answering Register, SIGTERM ending it
// within 2 s. The fixture runs the built package: build first (`npx tsup`, or `npm test`, which does).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureOutput, freePort, stopProcessGroup, terminateProcess } from "@agentwire/test-support";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseHandshake, Status } from "../src/index.js";
import { createNetworkTransport, createPluginClients, type PluginClients } from "../src/testing/index.js";
import { packageRoot } from "./python.js";

const fixture = join(packageRoot, "test/fixtures/local-plugin.mjs");
const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

beforeAll(() => {
  if (!existsSync(join(packageRoot, "dist/index.js"))) {
    throw new Error("packages/agentplatform/dist is missing: build it first (`cd packages/agentplatform && npx tsup`, or `npm test`)");
  }
});

interface Started {
  child: ChildProcess;
  handshake: string;
  clients: PluginClients;
  stdout: () => string;
  stderr: () => string;
}

/** Starts the fixture the way a host would and waits for its handshake line. */
async function startLocalPlugin(env: Record<string, string> = {}): Promise<Started> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, AGENTPLATFORM_PLUGIN: "local", LOG_LEVEL: "info", ...env };
  if (env.PORT === undefined) delete childEnv.PORT;
  const child = spawn(process.execPath, [fixture], { env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  const { firstLine, stdout, stderr } = captureOutput(child);
  const handshake = await firstLine();
  const { address } = parseHandshake(handshake);
  return { child, handshake, clients: createPluginClients(createNetworkTransport(`http://${address}`)), stdout, stderr };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a local plugin started as a subprocess", () => {
  it("writes the handshake as its first and only stdout line; everything else goes to stderr", async () => {
    const { child, handshake, clients, stdout, stderr } = await startLocalPlugin();
    expect(handshake).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    const res = await clients.plugin.register({ config: { greeting: "hello" } });
    expect(res.name).toBe("local-echo");
    expect(res.metadata.protocol_version).toBe("1");
    expect((await clients.plugin.health({})).status).toBe(Status.SERVING);
    expect((await clients.plugin.getManifest({})).manifestHcl).toContain('type        = "local"');
    await wait(200);
    expect(stdout()).toBe(`${handshake}\n`);
    for (const line of [
      "console.log at import time",
      "console.info at import time",
      "console.debug at import time",
      "process.stdout.write at import time",
      "console.log after serving",
      "registered with greeting hello",
    ]) {
      expect(stderr()).toContain(line);
    }
    expect(stderr()).toMatch(/│\s*a\s*│/); // console.table, too
    // The SDK's own logs are JSON lines on stderr.
    const logs = stderr()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; mode?: string });
    expect(logs.find((l) => l.msg.startsWith('serving plugin "local-echo" 0.1.0 (local) on 127.0.0.1:'))).toMatchObject({ mode: "local" });
    expect(logs.some((l) => l.msg === "registered")).toBe(true);

    const exit = await terminateProcess(child);
    console.info(`local plugin exited ${exit.ms} ms after SIGTERM (idle)`);
    expect(exit).toMatchObject({ code: 0, killed: false });
    expect(stdout()).toBe(`${handshake}\n`);
  });

  it("exits within 2 s of SIGTERM even with a call that never finishes", async () => {
    const { child, clients, stderr } = await startLocalPlugin({ HANG_HEALTH: "1" });
    const hanging = clients.plugin.health({}).then(
      () => undefined,
      (err: unknown) => ConnectError.from(err),
    );
    await wait(200);
    const exit = await terminateProcess(child);
    console.info(`local plugin exited ${exit.ms} ms after SIGTERM (one call in flight)`);
    expect(exit, stderr()).toMatchObject({ code: 0, killed: false });
    const err = await hanging;
    expect(err).toBeInstanceOf(ConnectError);
    // Its handler's signal fired at the shutdown deadline: the caller hears why.
    expect([err!.code, err!.rawMessage]).toEqual([Code.Unavailable, "plugin shutting down"]);
  });

  it("ignores SIGINT (the host decides when it stops) and still stops on SIGTERM", async () => {
    const { child, clients, stderr } = await startLocalPlugin();
    child.kill("SIGINT");
    await wait(300);
    expect(child.exitCode).toBeNull();
    expect((await clients.plugin.health({})).status).toBe(Status.SERVING);
    expect(stderr()).toContain("SIGINT ignored");
    expect(await terminateProcess(child)).toMatchObject({ code: 0, killed: false });
  });

  it("binds the PORT it is given", async () => {
    const port = await freePort();
    const { child, handshake, clients } = await startLocalPlugin({ PORT: String(port) });
    expect(handshake).toBe(`1|1|tcp|127.0.0.1:${port}|grpc`);
    expect((await clients.plugin.register({})).name).toBe("local-echo");
    expect(await terminateProcess(child)).toMatchObject({ code: 0, killed: false });
  });
});

// Local mode as a host sees it: the plugin started as a real subprocess with AGENTPLATFORM_PLUGIN=local,
// its first (and only) stdout line the handshake, its address answering Register, SIGTERM ending it
// within 2 s. The fixture runs the built package: build first (`npx tsup`, or `npm test`, which does).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureOutput, freePort, stopProcessGroup, terminateProcess, type CapturedOutput } from "@agentwire/test-support";
import { Code, ConnectError } from "@connectrpc/connect";
import { Status } from "../src/index.js";
import { createPluginDriver, parseHandshake, type PluginDriver } from "../src/testing/index.js";
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
  driver: PluginDriver;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr contains `text`: the latch tests wait on instead of sleeping. */
  stderrShows: (text: string) => Promise<unknown>;
}

/** Starts the fixture the way a host would and waits for its handshake line. */
async function startLocalPlugin(env: Record<string, string> = {}): Promise<Started> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, AGENTPLATFORM_PLUGIN: "local", LOG_LEVEL: "info", ...env };
  if (env.PORT === undefined) delete childEnv.PORT;
  const child = spawn(process.execPath, [fixture], { env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  const output: CapturedOutput = captureOutput(child);
  const handshake = await output.firstLine();
  const { address } = parseHandshake(handshake);
  return {
    child,
    handshake,
    driver: createPluginDriver({ address }),
    stdout: output.stdout,
    stderr: output.stderr,
    stderrShows: (text) => output.waitFor(`${JSON.stringify(text)} on stderr`, () => output.stderr().includes(text)),
  };
}

describe("a local plugin started as a subprocess", () => {
  it("writes the handshake as its first and only stdout line; everything else goes to stderr", async () => {
    const { child, handshake, driver, stdout, stderr, stderrShows } = await startLocalPlugin();
    expect(handshake).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    const res = await driver.register({ config: { greeting: "hello" } });
    expect(res.name).toBe("local-echo");
    expect(res.metadata.protocol_version).toBe("1");
    expect(await driver.health()).toBe(Status.SERVING);
    expect(await driver.manifest()).toContain('type        = "local"');
    // The fixture's last print (after every other way of printing) and Register's log line: all written.
    await stderrShows("fixture: done printing");
    await stderrShows("registered with greeting hello");
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
    const { child, driver, stderr, stderrShows } = await startLocalPlugin({ HANG_HEALTH: "1" });
    const hanging = driver.health().then(
      () => undefined,
      (err: unknown) => ConnectError.from(err),
    );
    await stderrShows("health call hanging");
    const exit = await terminateProcess(child);
    console.info(`local plugin exited ${exit.ms} ms after SIGTERM (one call in flight)`);
    expect(exit, stderr()).toMatchObject({ code: 0, killed: false });
    const err = await hanging;
    expect(err).toBeInstanceOf(ConnectError);
    // Its handler's signal fired at the shutdown deadline: the caller hears why.
    expect([err!.code, err!.rawMessage]).toEqual([Code.Unavailable, "plugin shutting down"]);
  });

  it("ignores SIGINT (the host decides when it stops) and still stops on SIGTERM", async () => {
    const { child, driver, stderrShows } = await startLocalPlugin();
    child.kill("SIGINT");
    await stderrShows("SIGINT ignored");
    expect(child.exitCode).toBeNull();
    expect(await driver.health()).toBe(Status.SERVING);
    expect(await terminateProcess(child)).toMatchObject({ code: 0, killed: false });
  });

  it("binds the PORT it is given", async () => {
    const port = await freePort();
    const { child, handshake, driver } = await startLocalPlugin({ PORT: String(port) });
    expect(handshake).toBe(`1|1|tcp|127.0.0.1:${port}|grpc`);
    expect((await driver.register()).name).toBe("local-echo");
    expect(await terminateProcess(child)).toMatchObject({ code: 0, killed: false });
  });
});

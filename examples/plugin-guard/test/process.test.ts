// The built plugin as a host runs it: `node dist/main.js` as a subprocess, in local mode (the handshake line on
// stdout, nothing else ever) and in remote mode on PORT (what `npm start -w examples/plugin-guard` runs), called
// over gRPC and stopped with SIGTERM. Build first: `npx tsup` here (and in packages/agentplatform).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createPluginDriver, parseHandshake } from "@agentwire/agentplatform/testing";
import { captureOutput, freePort, stopProcessGroup, terminateProcess, waitForPort, type CapturedOutput } from "@agentwire/test-support";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (\`npx tsup\` in examples/plugin-guard)`);
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

/** The child and what it prints; `firstLine()` is local mode's handshake, once it is out. */
interface Started extends CapturedOutput {
  child: ChildProcess;
}

function start(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info", ...env };
  if (env.PORT === undefined) delete childEnv.PORT;
  if (env.AGENTPLATFORM_PLUGIN === undefined) delete childEnv.AGENTPLATFORM_PLUGIN;
  const child = spawn(process.execPath, [main], { env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  return { child, ...captureOutput(child) };
}

describe("examples/plugin-guard as a subprocess (node dist/main.js)", () => {
  it("local mode: writes only the handshake to stdout, answers Register and OnEvent there, exits on SIGTERM", async () => {
    const { child, firstLine, stdout, stderr } = start({ AGENTPLATFORM_PLUGIN: "local" });
    const handshake = await firstLine();
    expect(handshake).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    const driver = createPluginDriver({ address: parseHandshake(handshake).address });
    const register = await driver.register({ config: { deny_tools: "shell", redact_patterns: "hunter\\d" } });
    expect(register.name).toBe("guard");
    expect((await driver.sendEvent("TOOL_CALL", { tool_name: "shell", arguments_json: "{}" })).action).toBe("CANCEL");
    expect(
      await driver.sendEvent("LLM_REQUEST", { model: "m", messages: [{ role: "user", content: "pw hunter2", tool_calls: [] }], tools: [] }),
    ).toMatchObject({ action: "MODIFY", payload: { messages: [{ content: "pw [REDACTED]" }] } });

    const exit = await terminateProcess(child);
    expect(exit, stderr()).toMatchObject({ code: 0, killed: false });
    expect(stdout()).toBe(`${handshake}\n`);
    // Logs are JSON lines on stderr, and the redacted text is not among them.
    const logs = stderr()
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as { msg: string; event?: string });
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['TOOL_CALL cancelled: tool "shell" is denied by the guard (deny_tools)', "redacted 1 match(es) from the LLM request"]),
    );
    expect(stderr()).not.toContain("hunter2");
  });

  it("remote mode (npm start): serves on PORT and exits on SIGTERM", async () => {
    const port = await freePort();
    const { child, stdout, stderr } = start({ PORT: String(port) });
    await waitForPort(port, { child, output: stderr });
    const driver = createPluginDriver({ address: `127.0.0.1:${port}` });
    await driver.register({ config: { deny_tools: "delete_file" } });
    expect((await driver.sendEvent("TOOL_CALL", { tool_name: "delete_file", arguments_json: "{}" })).action).toBe("CANCEL");
    expect((await driver.sendEvent("TOOL_CALL", { tool_name: "get_weather", arguments_json: "{}" })).action).toBe("CONTINUE");
    expect(await terminateProcess(child)).toMatchObject({ code: 0, killed: false });
    expect(stdout()).toBe("");
    expect(stderr()).toContain(`"msg":"serving plugin \\"guard\\" 0.1.0 (remote) on`);
  });
});

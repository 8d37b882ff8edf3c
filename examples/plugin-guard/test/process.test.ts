// The built plugin as a host runs it: `node dist/main.js` as a subprocess, in local mode (the handshake line on
// stdout, nothing else ever) and in remote mode on PORT (what `npm start -w examples/plugin-guard` runs), called
// over gRPC and stopped with SIGTERM. Build first: `npx tsup` here (and in packages/agentplatform).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseHandshake } from "@agentwire/agentplatform";
import { createLifecycleHookClient, createNetworkTransport, createPluginClients, sendEvent } from "@agentwire/agentplatform/testing";
import { freePort, stopProcessGroup, waitForPort } from "@agentwire/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (\`npx tsup\` in examples/plugin-guard)`);
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The first stdout line (local mode's handshake), once it is out. */
  firstLine: Promise<string>;
}

function start(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info", ...env };
  if (env.PORT === undefined) delete childEnv.PORT;
  if (env.AGENTPLATFORM_PLUGIN === undefined) delete childEnv.AGENTPLATFORM_PLUGIN;
  const child = spawn(process.execPath, [main], { env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no stdout line within 30 s; stderr:\n${stderr}`)), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf("\n");
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before writing a line; stderr:\n${stderr}`));
    });
  });
  firstLine.catch(() => {}); // remote mode never writes one; only awaited in local mode
  return { child, firstLine, stdout: () => stdout, stderr: () => stderr };
}

/** SIGTERM, then how the child exited and how long it took; SIGKILL after 2 s counts as `killed`. */
async function terminate(child: ChildProcess): Promise<{ code: number | null; killed: boolean; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, 2000);
  child.kill("SIGTERM");
  const code = await exited;
  clearTimeout(timer);
  return { code, killed, ms: Date.now() - started };
}

describe("examples/plugin-guard as a subprocess (node dist/main.js)", () => {
  it("local mode: writes only the handshake to stdout, answers Register and OnEvent there, exits on SIGTERM", async () => {
    const { child, firstLine, stdout, stderr } = start({ AGENTPLATFORM_PLUGIN: "local" });
    const handshake = await firstLine;
    expect(handshake).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    const transport = createNetworkTransport(`http://${parseHandshake(handshake).address}`);
    const register = await createPluginClients(transport).plugin.register({ config: { deny_tools: "shell", redact_patterns: "hunter\\d" } });
    expect(register.name).toBe("guard");
    const hooks = createLifecycleHookClient(transport);
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "shell", arguments_json: "{}" })).action).toBe("CANCEL");
    expect(
      await sendEvent(hooks, "LLM_REQUEST", { model: "m", messages: [{ role: "user", content: "pw hunter2", tool_calls: [] }], tools: [] }),
    ).toMatchObject({ action: "MODIFY", payload: { messages: [{ content: "pw [REDACTED]" }] } });

    const exit = await terminate(child);
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
    const transport = createNetworkTransport(`http://127.0.0.1:${port}`);
    await createPluginClients(transport).plugin.register({ config: { deny_tools: "delete_file" } });
    const hooks = createLifecycleHookClient(transport);
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "delete_file", arguments_json: "{}" })).action).toBe("CANCEL");
    expect((await sendEvent(hooks, "TOOL_CALL", { tool_name: "get_weather", arguments_json: "{}" })).action).toBe("CONTINUE");
    expect(await terminate(child)).toMatchObject({ code: 0, killed: false });
    expect(stdout()).toBe("");
    expect(stderr()).toContain(`"msg":"serving plugin \\"guard\\" 0.1.0 (remote) on`);
  });
});

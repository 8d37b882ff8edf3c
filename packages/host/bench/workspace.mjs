// The workspace benchmark (`npm run bench:workspace -w packages/host`, part of `npm run bench`), measured
// in one run:
//   - tool calls through the agent loop against the direct ExecuteTool call (the baseline): a scripted LLM
//     plugin asks for N `echo` calls in one answer, the loop runs them (with and without a lifecycle hook,
//     which adds TOOL_CALL and TOOL_RESULT round trips), and the same N calls are made directly with the
//     PluginDriver; wall time and this process's CPU per call, and the host's overhead per call;
//   - the time from `agentwire-host serve` to every local plugin registered (three local plugins), next to
//     the time one bare plugin process takes to print its handshake line.
// Usage: node bench/workspace.mjs [--calls N] [--rounds R]   (after `npm run build`)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPluginDriver, parseHandshake } from "@agentwire/agentplatform/testing";
import { parseHostConfig, startHost } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const cli = join(here, "..", "dist", "cli.js");
const fixture = join(here, "..", "test", "fixtures", "ap-plugins.mjs");
const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const calls = option("--calls", 200);
const rounds = option("--rounds", 5);
if (!existsSync(cli)) {
  console.error(`agentwire-host is not built (${cli} is missing): run \`npm run build\` first`);
  process.exit(2);
}
const log = (line) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "agentwire-host-bench-ws-"));
const script = JSON.stringify([{ calls: Array.from({ length: calls }, (_, i) => ({ tool: "echo", args: { i } })) }, { text: "done" }]);
const local = (name) => JSON.stringify(`FIXTURE=${name} SCRIPT='${script}' node ${fixture}`);
const workspace = (id, withHook) => `workspace "${id}" {
  plugin "brain" {
    source = ${local("scripted-llm")}
  }
  plugin "crashy" {
    source = ${local("crashy")}
  }
${withHook ? `  plugin "guard" {\n    source = "node dist/main.js"\n    cwd    = "${join(root, "examples", "plugin-guard")}"\n    config {\n      deny_tools = "nothing_denied"\n    }\n  }\n` : ""}  agent "assistant" {
    llm   = "brain"
    model = "scripted"
  }
  loop {
    max_turns = 4
  }
}
`;
writeFileSync(join(dir, "plain.hcl"), workspace("plain", false));
writeFileSync(join(dir, "hooked.hcl"), workspace("hooked", true));

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const results = {};
const host = await startHost({ config: parseHostConfig(`state: ":memory:"\nhttp: { port: 0 }\nagentplatform:\n  workspaces: [plain.hcl, hooked.hcl]\n  healthInterval: 1h\n`, { baseDir: dir }) });
try {
  // 1. Through the loop.
  for (const id of ["plain", "hooked"]) {
    const loaded = host.agentplatform.get(id);
    let toolResults = 0;
    await host.agentplatform.converse(loaded, { input: "warm up" }, "bench", () => {}); // connections and JIT
    const cpu0 = cpuUs();
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      await host.agentplatform.converse(loaded, { input: "go" }, "bench", (e) => {
        if (e.type === "tool_result" && !e.is_error) toolResults++;
      });
    }
    const n = calls * rounds;
    if (toolResults !== n) throw new Error(`${id}: expected ${n} tool results, got ${toolResults}`);
    results[id] = { msPerCall: (performance.now() - t0) / n, cpuUsPerCall: (cpuUs() - cpu0) / n };
    log(`  ${id}: ${n} tool calls through the loop`);
  }
  // 2. The baseline: the same ExecuteTool calls, made directly.
  const address = host.agentplatform.workspaceViews().find((w) => w.id === "plain").plugins.find((p) => p.name === "crashy").address;
  const driver = createPluginDriver({ address });
  for (let i = 0; i < 50; i++) await driver.clients.tools.executeTool({ name: "echo", argumentsJson: `{"i":${i}}` });
  const cpu0 = cpuUs();
  const t0 = performance.now();
  for (let i = 0; i < calls * rounds; i++) await driver.clients.tools.executeTool({ name: "echo", argumentsJson: `{"i":${i}}` });
  results.direct = { msPerCall: (performance.now() - t0) / (calls * rounds), cpuUsPerCall: (cpuUs() - cpu0) / (calls * rounds) };
} finally {
  await host.close();
}

// 3. serve → every local plugin registered, against one bare plugin's handshake.
const bareStart = performance.now();
const bare = spawn(process.execPath, [fixture], { env: { ...process.env, FIXTURE: "crashy", AGENTPLATFORM_PLUGIN: "local", LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "ignore"] });
await new Promise((resolve) => bare.stdout.once("data", (chunk) => (parseHandshake(chunk.toString().split("\n")[0]), resolve())));
results.bareHandshakeSeconds = (performance.now() - bareStart) / 1000;
bare.kill("SIGTERM");
const startup = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--state", ":memory:", "--config", join(dir, "startup.yaml")], { stdio: ["ignore", "pipe", "pipe"] });
  if (r === 0) writeFileSync(join(dir, "startup.yaml"), "agentplatform:\n  workspaces: [plain.hcl]\n");
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  await new Promise((resolve, reject) => {
    child.stdout.on("data", () => out.includes("\nReady. ") && resolve());
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  const registered = (out.match(/plugin (brain|crashy) registered/g) ?? []).length;
  if (registered !== 2) throw new Error(`expected both local plugins registered:\n${out}`);
  startup.push((performance.now() - t0) / 1000);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}
results.serveToRegisteredSeconds = startup.sort((a, b) => a - b)[1];
rmSync(dir, { recursive: true, force: true });

const f = (n, d = 2) => n.toFixed(d);
console.log(`
agentwire-host workspace benchmark: ${calls} echo calls per conversation × ${rounds} conversations (${new Date().toISOString()})

| figure | wall per call | CPU per call (this process: host + loop) |
|---|---|---|
| ExecuteTool, called directly (baseline) | ${f(results.direct.msPerCall, 3)} ms | ${f(results.direct.cpuUsPerCall, 0)} µs |
| through the agent loop, no hooks | ${f(results.plain.msPerCall, 3)} ms (${f(results.plain.msPerCall / results.direct.msPerCall)}×) | ${f(results.plain.cpuUsPerCall, 0)} µs (${f(results.plain.cpuUsPerCall / results.direct.cpuUsPerCall)}×) |
| through the agent loop, one hook (guard: TOOL_CALL + TOOL_RESULT) | ${f(results.hooked.msPerCall, 3)} ms (${f(results.hooked.msPerCall / results.direct.msPerCall)}×) | ${f(results.hooked.cpuUsPerCall, 0)} µs (${f(results.hooked.cpuUsPerCall / results.direct.cpuUsPerCall)}×) |

host overhead per tool call (loop − direct): ${f(results.plain.msPerCall - results.direct.msPerCall, 3)} ms wall, ${f(results.plain.cpuUsPerCall - results.direct.cpuUsPerCall, 0)} µs CPU

| start-up | seconds |
|---|---|
| one bare plugin process: spawn → handshake line | ${f(results.bareHandshakeSeconds)} |
| agentwire-host serve: spawn → both local plugins registered, Ready (median of 3) | ${f(results.serveToRegisteredSeconds)} |
`);
mkdirSync(join(here, "..", ".bench-out"), { recursive: true });
writeFileSync(join(here, "..", ".bench-out", "workspace.json"), `${JSON.stringify({ calls, rounds, ...results }, null, 2)}\n`);

#!/usr/bin/env node
// The AgentPlatform demo: does what a workspace does with the example plugins, over real gRPC, and prints
// what it sees. The files plugin runs as a *local* plugin (`node dist/main.js` started as a subprocess with
// AGENTPLATFORM_PLUGIN=local, found through its handshake line, stopped with SIGTERM); the guard and the
// dashboard are *remote* plugins served on loopback ports, the dashboard's chat relayed to a fake
// PlatformHost. Exits non-zero if any call ends differently from what it should. Needs `npm run build` first.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Capability, createLogger, serve, Status, stringifyJson } from "@agentwire/agentplatform";
import { createFakePlatformHost, createPluginDriver, parseHandshake } from "@agentwire/agentplatform/testing";
import { createDashboardPlugin } from "@agentwire/example-plugin-dashboard";
import { createGuardPlugin } from "@agentwire/example-plugin-guard";

const log = (line = "") => process.stdout.write(`${line}\n`);
// As the wire has it: bigints (numbers past 2^53) written exactly.
const json = (value) => stringifyJson(value);
const quiet = createLogger({ level: process.env.LOG_LEVEL ?? "error" });

let calls = 0;
const wrong = [];
function expectThat(ok, what) {
  calls++;
  if (!ok) {
    wrong.push(what);
    log(`      UNEXPECTED: ${what}`);
  }
}
/** The ConnectError a call failed with, or undefined when it succeeded. */
const refusal = (promise) => promise.then(
  () => undefined,
  (err) => err,
);

// A directory for the files plugin: two files inside the root, a secret next to it.
const base = mkdtempSync(join(tmpdir(), "agentplatform-demo-"));
const root = join(base, "docs");
mkdirSync(root);
writeFileSync(join(root, "README.md"), "# Team handbook\n\nTODO: write the on-call section\n");
writeFileSync(join(root, "notes.txt"), "standup at 9:30\nTODO: book the offsite\n");
writeFileSync(join(base, "secret.txt"), "do not read me\n");

// ---------------------------------------------------------------------------------------------------------
log("A local plugin: examples/plugin-files, started as a subprocess the way a host starts one");
const main = fileURLToPath(new URL("../examples/plugin-files/dist/main.js", import.meta.url));
const childEnv = { ...process.env, AGENTPLATFORM_PLUGIN: "local", LOG_LEVEL: "warn" };
delete childEnv.PORT;
const child = spawn(process.execPath, [main], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
let stdout = "";
let stderr = "";
child.stderr.on("data", (chunk) => (stderr += chunk));
const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
const handshake = await new Promise((resolve, reject) => {
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    if (stdout.includes("\n")) resolve(stdout.slice(0, stdout.indexOf("\n")));
  });
  child.once("exit", (code) => reject(new Error(`the files plugin exited (${code}) before its handshake:\n${stderr}`)));
});
const { address } = parseHandshake(handshake);
log(`  stdout line 1 (the handshake): ${handshake}`);
const files = createPluginDriver({ address });

const manifest = await files.manifest();
log(`  GetManifest: ${manifest.split("\n").length} lines of HCL, beginning ${json(manifest.split("\n").slice(0, 3).join(" "))}`);
expectThat(manifest.startsWith('plugin "files" {'), "the manifest is the files plugin's");

const badRegister = await refusal(files.register({ config: { root: join(base, "missing") } }));
log(`  Register with a root that does not exist -> ${badRegister ? `${badRegister.code === 3 ? "INVALID_ARGUMENT" : badRegister.code}: ${badRegister.rawMessage}` : "accepted"}`);
expectThat(badRegister?.rawMessage.includes("root:"), "a bad root is refused, naming the field");

const registered = await files.register({ config: { root, max_results: "10" } });
log(`  Register {root, max_results: "10"} -> name ${registered.name}, capabilities [${registered.capabilities.map((c) => Capability[c]).join(", ")}], metadata ${json(registered.metadata)}`);
expectThat(registered.name === "files", "Register answers the plugin's name");
log(`  Health -> ${Status[await files.health()]}`);

const tools = await files.listTools();
log(`  ListTools -> ${tools.map((t) => `${t.name}(${Object.keys(t.parameters.properties ?? {}).join(", ")})`).join(", ")}`);
expectThat(tools.length === 3, "three tools");

const read = await files.callTool("read_file", { path: "README.md" });
log(`  ExecuteTool read_file {path: "README.md"} -> ${json(read.result)}`);
expectThat(!read.isError && read.result.content.startsWith("# Team handbook"), "read_file reads the file");
const search = await files.callTool("search_files", { pattern: "TODO" });
log(`  ExecuteTool search_files {pattern: "TODO"} -> ${search.result.matches.map((m) => `${m.path}:${m.line}`).join(", ")}`);
expectThat(search.result.matches.length === 2, "two TODOs");
const escape = await files.callTool("read_file", { path: "../secret.txt" });
log(`  ExecuteTool read_file {path: "../secret.txt"} -> is_error ${escape.isError}: ${escape.result.error}`);
expectThat(escape.isError && !escape.resultJson.includes("do not read me"), "an escape is a tool error the agent sees, with nothing read");
const badArgs = await files.callTool("read_file", { file: "README.md" });
log(`  ExecuteTool read_file {file: "README.md"} -> is_error ${badArgs.isError}: ${badArgs.result.error}`);
expectThat(badArgs.isError, "bad arguments are a tool error");
const unknown = await refusal(files.callTool("delete_file", { path: "README.md" }));
log(`  ExecuteTool delete_file -> gRPC NOT_FOUND: ${unknown?.rawMessage}`);
expectThat(unknown?.code === 5, "an unknown tool is the platform's error (NOT_FOUND), not the agent's");

const stopped = Date.now();
child.kill("SIGTERM");
const exit = await exited;
log(`  SIGTERM -> exited with code ${exit.code} after ${Date.now() - stopped} ms; stdout held the handshake and nothing else: ${stdout === `${handshake}\n`}`);
expectThat(exit.code === 0 && stdout === `${handshake}\n`, "the local plugin stops cleanly and its stdout is the handshake alone");

// ---------------------------------------------------------------------------------------------------------
log("\nA remote plugin: examples/plugin-guard, a LifecycleHook, served on a loopback port");
const guardServer = await serve({ plugin: createGuardPlugin(), port: 0, host: "127.0.0.1", handleSignals: false, logger: quiet });
log(`  serving on ${guardServer.url} (a workspace points at it with source = "remote://${guardServer.url.slice("http://".length)}")`);
const guard = createPluginDriver({ url: guardServer.url });
const guardRefused = await refusal(guard.register({ config: { redact_patterns: "sk-[a-z" } }));
log(`  Register {redact_patterns: "sk-[a-z"} -> ${guardRefused?.rawMessage}`);
expectThat(guardRefused !== undefined, "a pattern that does not compile is refused");
await guard.register({ config: { deny_tools: "shell, delete_file", redact_patterns: "sk-[A-Za-z0-9]{16,}" } });
log('  Register {deny_tools: "shell, delete_file", redact_patterns: "sk-[A-Za-z0-9]{16,}"} -> ok');
const denied = await guard.sendEvent("TOOL_CALL", { tool_name: "shell", arguments_json: '{"cmd":"rm -rf /"}' });
log(`  OnEvent TOOL_CALL shell -> ${denied.action} (${denied.reason})`);
expectThat(denied.action === "CANCEL", "a denied tool is cancelled");
const allowed = await guard.sendEvent("TOOL_CALL", { tool_name: "read_file", arguments_json: "{}" });
log(`  OnEvent TOOL_CALL read_file -> ${allowed.action}`);
expectThat(allowed.action === "CONTINUE", "other tools continue");
const request = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "my key is sk-abcdefghijklmnop1234, please check it", tool_calls: [] }],
  tools: [],
  // A field the guard does not know, with numbers JSON.parse would round: it comes back exactly.
  trace: { id: 18446744073709551615n, parent: -9007199254740993n },
};
const redacted = await guard.sendEvent("LLM_REQUEST", request);
log(`  OnEvent LLM_REQUEST -> ${redacted.action} ${json({ content: redacted.payload?.messages[0].content, trace: redacted.payload?.trace })}`);
expectThat(
  redacted.action === "MODIFY" && redacted.payload.messages[0].content === "my key is [REDACTED], please check it" && redacted.payload.trace.id === 18446744073709551615n,
  "the key is redacted, and the unknown field's numbers come back exact",
);
await guardServer.close();

// ---------------------------------------------------------------------------------------------------------
log("\nA remote plugin: examples/plugin-dashboard, a ViewProvider with a chat relayed to the platform");
const platform = await createFakePlatformHost({
  script: ({ input }) => [
    { type: "tool_call", agent: "planner", tool: "list_tasks", args: "{}" },
    { type: "content", agent: "planner", content: `You asked "${input}": one task is open.` },
    { type: "finish", agent: "planner" },
  ],
});
const dashboardServer = await serve({ plugin: createDashboardPlugin(), port: 0, host: "127.0.0.1", handleSignals: false, logger: quiet });
const dashboard = createPluginDriver({ url: dashboardServer.url });
await dashboard.register({ envVars: { PLATFORM_HOST_ADDR: platform.address } });
log(`  Register {env_vars: {PLATFORM_HOST_ADDR: "${platform.address}"}} -> ok`);
const views = await dashboard.listViews();
log(`  ListViews -> ${views.map((v) => `${v.name} (${v.scope}, routes ${v.routes.map((r) => `${r.method} ${r.path}`).join(", ")})`).join("; ")}`);
const prefix = "/api/v1/workspaces/ws-demo/views/dashboard";
const created = await dashboard.route({ method: "POST", path: `${prefix}/api/tasks`, json: { title: "Book the offsite" } });
log(`  HandleRoute POST ${prefix}/api/tasks {"title": "Book the offsite"} -> ${created.status} ${created.text()}`);
expectThat(created.status === 201, "a task is created");
const invalid = await dashboard.route({ method: "POST", path: `${prefix}/api/tasks`, json: { title: "" } });
log(`  HandleRoute POST .../api/tasks {"title": ""} -> ${invalid.status} ${invalid.text()}`);
expectThat(invalid.status === 422, "an empty title is refused, naming the field");
const hcl = await dashboard.renderView({ viewName: "tasks", workspaceId: "ws-demo" });
log("  RenderView tasks -> the component HCL the workspace renders (first lines):");
for (const line of hcl.split("\n").slice(0, 14)) log(`      ${line}`);
expectThat(hcl.includes('content = "☐ Book the offsite"'), "the view shows the task");
const stream = dashboard.openStream({ workspace_id: "ws-demo", user_id: "u-1", user_email: "ada@example.com" });
stream.send({ input: "what is open?" });
log('  HandleStream (the chat component\'s WebSocket), browser sends {"input": "what is open?"}:');
for (let i = 0; i < 3; i++) log(`      <- ${json(await stream.nextJson())}`);
stream.end();
await stream.rest();
expectThat(platform.calls.length === 1 && platform.calls[0].workspaceId === "ws-demo", "the chat ran as a conversation in the stream's workspace");
await dashboardServer.close();
await platform.close();

rmSync(base, { recursive: true, force: true });
log(`\n${calls} checks; ${wrong.length === 0 ? "everything ended as expected" : `${wrong.length} unexpected: ${wrong.join("; ")}`}`);
process.exitCode = wrong.length === 0 ? 0 : 1;

#!/usr/bin/env node
// `npm start`, last part: the reference host, `agentwire-host serve`, runs both examples the way their real
// callers do. It starts examples/flyte-agents and examples/activeworkflow-agents from `command`, and this
// script drives it through its JSON API as an author's script would: three Flyte tasks (one succeeds, one
// fails, one is aborted with DeleteTask), an ActiveWorkflow workflow (an HTTP status check every second
// linked to a digest), and an AgentPlatform workspace of the example plugins (files, openai, guard, dashboard,
// all local) with a chat from the terminal (`agentwire-host chat`), plugin-openai talking to a scripted
// OpenAI-compatible server on loopback (no API key needed). Then the host is killed with SIGKILL mid-task and
// started again: the task resumes. Exits non-zero if anything ends differently from what it should.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "packages", "host", "dist", "cli.js");
const log = (line) => process.stdout.write(`${line}\n`);
let failures = 0;
const expectThat = (ok, what) => {
  log(`      ${ok ? "ok" : "UNEXPECTED"}: ${what}`);
  if (!ok) failures++;
};

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A real site for the HTTP status agent to check.
const site = createServer((_req, res) => res.end("up"));
await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));

// A scripted OpenAI-compatible server: the first completion asks for two tools (read_file, and search_files,
// which the guard denies), the next answers. Streamed as OpenAI streams (SSE chunks, then [DONE]).
const completions = [
  [
    { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_read", type: "function", function: { name: "read_file", arguments: '{"path":"notes.txt"}' } }] },
    { tool_calls: [{ index: 1, id: "call_search", type: "function", function: { name: "search_files", arguments: '{"pattern":"TODO"}' } }] },
    { finish: "tool_calls" },
  ],
  [{ role: "assistant", content: "The offsite " }, { content: "still needs booking." }, { finish: "stop" }],
];
const upstreamRequests = [];
const upstream = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    upstreamRequests.push(body);
    const deltas = completions[(upstreamRequests.length - 1) % completions.length];
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const d of deltas) {
      const { finish, ...delta } = d;
      res.write(`data: ${JSON.stringify({ id: "chatcmpl-demo", object: "chat.completion.chunk", created: 0, model: "gpt-4o-mini", choices: [{ index: 0, delta: finish ? {} : delta, finish_reason: finish ?? null }] })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  });
});
await new Promise((resolve) => upstream.listen(0, "127.0.0.1", resolve));

const dir = mkdtempSync(join(tmpdir(), "agentwire-demo-host-"));
mkdirSync(join(dir, "docs"));
writeFileSync(join(dir, "docs", "notes.txt"), "standup at 9:30\nTODO: book the offsite\n");
const secret = "sk-demoDEMOdemoDEMOdemoDEMO1234";
const example = (name) => join(root, "examples", name);
writeFileSync(
  join(dir, "team.hcl"),
  `workspace "team" {
  env = { OPENAI_API_KEY = "not-needed-by-the-scripted-server", TASKS_DIR = "${join(dir, "tasks")}" }
  plugin "files" {
    source = "node dist/main.js"
    cwd    = "${example("plugin-files")}"
    config {
      root = "${join(dir, "docs")}"
    }
  }
  plugin "openai" {
    source = "node dist/main.js"
    cwd    = "${example("plugin-openai")}"
    config {
      base_url = "http://127.0.0.1:${upstream.address().port}/v1"
    }
  }
  plugin "guard" {
    source = "node dist/main.js"
    cwd    = "${example("plugin-guard")}"
    config {
      deny_tools      = "search_files"
      redact_patterns = "sk-[A-Za-z0-9]{20,}"
    }
  }
  plugin "dashboard" {
    source = "node dist/main.js"
    cwd    = "${example("plugin-dashboard")}"
  }
  agent "assistant" {
    instructions = "You answer questions about the team's notes."
    llm          = "openai"
    model        = "gpt-4o-mini"
    tools        = ["files"]
  }
}
`,
);
const [flytePort, awPort] = [await freePort(), await freePort()];
let apiUrl = ""; // from the host's own "API:" line: port 0 lets the system pick a free one
const token = "demo-token-not-secret";
const config = join(dir, "agentwire-host.yaml");
writeFileSync(
  config,
  `state: ${join(dir, "state", "host.db")}
http: { port: 0 }
flyte:
  connectors:
    examples:
      endpoint: 127.0.0.1:${flytePort}
      command: node dist/main.js
      cwd: ${join(root, "examples", "flyte-agents")}
      env: { PORT: "${flytePort}", BATCH_JOBS_DIR: "${join(dir, "jobs")}", LOG_LEVEL: warn }
  resyncPeriod: 300ms
agentplatform:
  workspaces: [team.hcl]
activeworkflow:
  agents:
    - { url: "http://127.0.0.1:${awPort}/http-status", command: node dist/main.js, cwd: ${join(root, "examples", "activeworkflow-agents")}, env: { PORT: "${awPort}", LOG_LEVEL: warn } }
    - { url: "http://127.0.0.1:${awPort}/digest", command: node dist/main.js, cwd: ${join(root, "examples", "activeworkflow-agents")}, env: { PORT: "${awPort}", LOG_LEVEL: warn } }
  instances:
    - { name: site-up, type: HttpStatusAgent, options: { url: "http://127.0.0.1:${site.address().port}/" }, schedule: every_1s }
    - { name: digest, type: DigestAgent, options: { max_items: 2 } }
  links:
    - { from: site-up, to: digest }
`,
);

function startHost() {
  const child = spawn(process.execPath, [cli, "serve", "--config", config], { env: { ...process.env, AGENTWIRE_HOST_TOKEN: token }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let shown = 0;
  const show = () => {
    const lines = output.split("\n");
    for (; shown < lines.length - 1; shown++) log(`  host | ${lines[shown]}`);
  };
  child.stdout.on("data", (c) => {
    output += c;
    show();
  });
  child.stderr.on("data", (c) => {
    output += c;
    show();
  });
  const ready = new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes("\nReady. ")) {
        clearInterval(check);
        apiUrl = /API: +(http:\/\/\S+)\/api /.exec(output)[1];
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`agentwire-host exited with code ${child.exitCode}`));
      }
    }, 50);
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  return { child, ready, exited };
}

const api = async (method, path, body) => {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return response.json();
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}
const ended = (id) => until(async () => {
  const task = await api("GET", `/api/flyte/tasks/${id}`);
  return ["SUCCEEDED", "FAILED", "ABORTED", "RETRYABLE_FAILED"].includes(task.phase) ? task : undefined;
});

let host = startHost();
try {
  await host.ready;
  log("\nFlyte, through POST /api/flyte/tasks (the host routes by ListAgents, polls GetTask every 300 ms):");
  const ok = await api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "echo hello from the host" }, interface: { inputs: { script: "string" }, outputs: { exit_code: "integer", stdout: "string" } } });
  const bad = await api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "echo 'disk full' >&2; exit 3" } });
  const long = await api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: "sleep 60" } });
  await until(async () => (await api("GET", `/api/flyte/tasks/${long.id}`)).phase === "RUNNING");
  await api("DELETE", `/api/flyte/tasks/${long.id}`);
  for (const [id, want, title] of [
    [ok.id, "SUCCEEDED", "batch_job that succeeds"],
    [bad.id, "FAILED", "batch_job that fails"],
    [long.id, "ABORTED", "batch_job aborted with DELETE (DeleteTask)"],
  ]) {
    const task = await ended(id);
    log(`  ${title}: ${task?.history.map((h) => h.phase).join(" → ")}${task?.message ? `  (${task.message})` : ""}`);
    if (task?.outputs) log(`      outputs ${JSON.stringify(task.outputs)}`);
    expectThat(task?.phase === want, `${id} ends ${want}`);
  }

  log("\nActiveWorkflow: site-up checks every second; each status goes along the link to digest, which emits every two:");
  const events = await until(async () => {
    const list = await api("GET", "/api/activeworkflow/instances/digest/events");
    return list.some((e) => e.kind === "emitted") ? list : undefined;
  });
  for (const e of events ?? []) log(`  digest ${e.kind.padEnd(8)} ${JSON.stringify(e.payload ?? e.memory ?? e.message)}`);
  expectThat(events?.find((e) => e.kind === "emitted")?.payload.count === 2, "digest emitted a digest of two statuses");

  log(`\nAgentPlatform: a chat with the example plugins from the terminal (agentwire-host chat team --message "…")`);
  // Not spawnSync: the scripted LLM server answers from this process's event loop.
  const chatRun = await new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, "chat", "team", "--message", `What is left to do? (my key: ${secret})`, "--url", apiUrl, "--token", token]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
  for (const line of chatRun.stdout.trimEnd().split("\n")) log(`  ${line}`);
  if (chatRun.stderr) log(chatRun.stderr);
  expectThat(chatRun.status === 0 && chatRun.stdout.includes("TODO: book the offsite") && chatRun.stdout.includes("cancelled by hook guard"), "read_file really read the file, the guard cancelled search_files");
  expectThat(upstreamRequests.length === 2 && upstreamRequests.every((b) => !b.includes(secret)) && upstreamRequests[0].includes("[REDACTED]"), "the secret was redacted before it reached the LLM server");

  log("\nkill -9 the host mid-task, start it again: the task resumes from its stored resource_meta");
  const latch = join(dir, "latch");
  const waiting = await api("POST", "/api/flyte/tasks", { taskType: "batch_job", inputs: { script: `while [ ! -f ${latch} ]; do sleep 0.05; done; echo resumed` } });
  await until(async () => (await api("GET", `/api/flyte/tasks/${waiting.id}`)).phase === "RUNNING");
  host.child.kill("SIGKILL");
  await host.exited;
  log("  (host killed with SIGKILL)");
  writeFileSync(latch, "");
  host = startHost();
  await host.ready;
  const resumed = await ended(waiting.id);
  log(`  ${waiting.id}: ${resumed?.phase}, stdout ${JSON.stringify(resumed?.outputs?.stdout)}`);
  expectThat(resumed?.phase === "SUCCEEDED" && resumed.outputs.stdout === "resumed\n", "the task finished after the restart");
} finally {
  host.child.kill("SIGTERM");
  const code = await host.exited;
  expectThat(code === 0, `agentwire-host stopped cleanly on SIGTERM (exit ${code})`);
  await new Promise((resolve) => site.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(dir, { recursive: true, force: true });
}
log(failures === 0 ? "\nagentwire-host: everything as expected." : `\nagentwire-host: ${failures} unexpected result(s).`);
process.exit(failures === 0 ? 0 : 1);

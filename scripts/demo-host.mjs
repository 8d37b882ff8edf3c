#!/usr/bin/env node
// `npm start`, last part: the reference host, `agentwire-host serve`, runs both examples the way their real
// callers do. It starts examples/flyte-agents and examples/activeworkflow-agents from `command`, and this
// script drives it through its JSON API as an author's script would: three Flyte tasks (one succeeds, one
// fails, one is aborted with DeleteTask), and an ActiveWorkflow workflow (an HTTP status check every second
// linked to a digest). Then the host is killed with SIGKILL mid-task and started again: the task resumes.
// Exits non-zero if anything ends differently from what it should.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

const dir = mkdtempSync(join(tmpdir(), "agentwire-demo-host-"));
const [apiPort, flytePort, awPort] = [await freePort(), await freePort(), await freePort()];
const token = "demo-token-not-secret";
const config = join(dir, "agentwire-host.yaml");
writeFileSync(
  config,
  `state: ${join(dir, "state", "host.db")}
http: { port: ${apiPort} }
flyte:
  connectors:
    examples:
      endpoint: 127.0.0.1:${flytePort}
      command: node dist/main.js
      cwd: ${join(root, "examples", "flyte-agents")}
      env: { PORT: "${flytePort}", BATCH_JOBS_DIR: "${join(dir, "jobs")}", LOG_LEVEL: warn }
  resyncPeriod: 300ms
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
  const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
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
  rmSync(dir, { recursive: true, force: true });
}
log(failures === 0 ? "\nagentwire-host: everything as expected." : `\nagentwire-host: ${failures} unexpected result(s).`);
process.exit(failures === 0 ? 0 : 1);

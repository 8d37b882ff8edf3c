// The host benchmark (`npm run bench -w packages/host`): one `agentwire-host serve` tracking N in-flight async
// tasks (default 10,000) against a trivial agent, polled at a 30 s resync period as Propeller polls.
// It reports, all measured in this run:
//   - the host's RSS once every task is in flight and after a full resync round (target ≤ 500 MB);
//   - the host's CPU per GetTask poll next to the bare FlyteDriver's doing the same polls (the baseline);
//   - the time to resume all N tasks after `kill -9` (target ≤ 30 s): from the restarted process's spawn
//     until every resumed task has answered its first GetTask.
// Usage: node bench/run.mjs [--tasks N] [--resync 30s]   (after `npm run build`)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "cli.js");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const tasks = Number(option("--tasks", "10000"));
const resync = option("--resync", "30s");
const resyncMs = Number(/^(\d+)s$/.exec(resync)?.[1] ?? NaN) * 1000;
if (!Number.isInteger(tasks) || tasks < 1 || !(resyncMs > 0)) {
  console.error("usage: node bench/run.mjs [--tasks N] [--resync <seconds>s]");
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error(`agentwire-host is not built (${cli} is missing): run \`npm run build\` first`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ticksPerSecond = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** user + system CPU seconds of a process, from /proc. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident and peak resident memory of a process, in MB. */
function memoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

function start(command, argv, env = {}) {
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env }, detached: true });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  return { child, output: () => output };
}

async function until(what, check, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const dir = mkdtempSync(join(tmpdir(), "agentwire-host-bench-"));
const [agentPort, apiPort] = [await freePort(), await freePort()];
const agent = start(process.execPath, [join(here, "trivial-agent.mjs")], { PORT: String(agentPort), LOG_LEVEL: "warn" });
const config = join(dir, "agentwire-host.yaml");
writeFileSync(
  config,
  `state: ${join(dir, "host.db")}
http: { port: ${apiPort} }
flyte:
  connectors:
    trivial: { endpoint: "127.0.0.1:${agentPort}" }
  resyncPeriod: ${resync}
`,
);
const token = "bench-token-0123456789";
const hostEnv = { AGENTWIRE_HOST_TOKEN: token, NO_COLOR: "1" };
let host;
const api = async (method, path, body) => {
  const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return response.json();
};

async function startHost() {
  const spawned = performance.now();
  const h = start(process.execPath, [cli, "serve", "--config", config], hostEnv);
  await until("the host to serve", async () => h.output().includes("\nReady. ") || (h.child.exitCode !== null && Promise.reject(new Error(h.output()))), 120_000);
  return { ...h, spawned };
}

const results = {};
try {
  const listening = () =>
    new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: agentPort });
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => (socket.destroy(), resolve(false)));
    });
  await until("the trivial agent to listen", listening, 60_000);
  host = await startHost();
  const pid = host.child.pid;
  log(`host pid ${pid}; submitting ${tasks} bench_wait tasks (resyncPeriod ${resync})`);

  // 1. Submit every task, 16 requests in flight.
  const submitStart = performance.now();
  let submitted = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (submitted < tasks) {
        const i = submitted++;
        await api("POST", "/api/flyte/tasks", { taskType: "bench_wait", inputs: { i }, interface: { inputs: { i: "integer" } } });
        if ((i + 1) % 1000 === 0) log(`  submitted ${i + 1}/${tasks}`);
      }
    }),
  );
  results.submitSeconds = (performance.now() - submitStart) / 1000;
  await until("every CreateTask answered", async () => (await api("GET", "/api/health")).flyte.queued === 0);
  results.rssAfterSubmitMb = memoryMb(pid).rss;

  // 2. One full resync round and a bit: CPU per GetTask from the host's own counters and /proc.
  const polls0 = (await api("GET", "/api/health")).flyte.polls;
  const cpu0 = cpuSeconds(pid);
  const windowStart = performance.now();
  log(`  measuring one resync round (${resync})…`);
  await sleep(resyncMs + 5000);
  const polls1 = (await api("GET", "/api/health")).flyte.polls;
  const cpu1 = cpuSeconds(pid);
  results.pollsInWindow = polls1 - polls0;
  results.windowSeconds = (performance.now() - windowStart) / 1000;
  results.hostCpuUsPerPoll = ((cpu1 - cpu0) * 1e6) / results.pollsInWindow;
  results.hostPollsPerSecond = results.pollsInWindow / results.windowSeconds;
  const mem = memoryMb(pid);
  results.rssMb = mem.rss;
  results.peakRssMb = mem.peak;
  results.open = (await api("GET", "/api/health")).flyte.open;

  // 3. The bare driver, same polls, same agent, own process.
  log(`  baseline: the bare FlyteDriver polling ${tasks} tasks once…`);
  const bare = start(process.execPath, [join(here, "bare-driver.mjs"), `http://127.0.0.1:${agentPort}`, String(tasks), "1"]);
  await new Promise((resolve) => bare.child.once("exit", resolve));
  const bareResult = JSON.parse(bare.output().trim().split("\n").at(-1));
  results.bareCpuUsPerPoll = bareResult.cpuUsPerPoll;
  results.bareRssMb = bareResult.rssMb;
  results.cpuRatio = results.hostCpuUsPerPoll / results.bareCpuUsPerPoll;

  // 4. kill -9 and resume.
  log(`  kill -9 ${pid}, restart, wait for all ${tasks} to answer their first GetTask…`);
  host.child.kill("SIGKILL");
  await new Promise((resolve) => host.child.once("exit", resolve));
  host = await startHost();
  const health = await until("every task resumed", async () => {
    const h = await api("GET", "/api/health");
    return h.flyte.resume && h.flyte.resume.pending === 0 ? h : undefined;
  });
  results.resumeFromSpawnSeconds = (performance.now() - host.spawned) / 1000;
  results.resumeInHostSeconds = health.flyte.resume.seconds;
  results.resumedTasks = health.flyte.resume.tasks;
} finally {
  if (host) host.child.kill("SIGTERM");
  agent.child.kill("SIGTERM");
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}

const f = (n, d = 1) => n.toFixed(d);
console.log(`
agentwire-host benchmark: ${tasks} in-flight async tasks, resyncPeriod ${resync}, one trivial agent (${new Date().toISOString()})

| figure | value | target |
|---|---|---|
| submit ${tasks} tasks over the API (16 in flight) | ${f(results.submitSeconds)} s | |
| host RSS with every task in flight | ${f(results.rssAfterSubmitMb)} MB | |
| host RSS after a resync round (peak) | ${f(results.rssMb)} MB (${f(results.peakRssMb)} MB) | ≤ 500 MB |
| GetTask polls in the ${f(results.windowSeconds)} s window | ${results.pollsInWindow} (${f(results.hostPollsPerSecond)}/s) | |
| host CPU per poll | ${f(results.hostCpuUsPerPoll, 0)} µs | |
| bare FlyteDriver CPU per poll (baseline) | ${f(results.bareCpuUsPerPoll, 0)} µs | |
| host / bare driver | ${f(results.cpuRatio, 2)}× | |
| resume after kill -9: spawn → every task polled | ${f(results.resumeFromSpawnSeconds)} s (in the engine: ${f(results.resumeInHostSeconds)} s, ${results.resumedTasks} tasks) | ≤ 30 s |
`);
mkdirSync(join(here, "..", ".bench-out"), { recursive: true });
writeFileSync(join(here, "..", ".bench-out", "host.json"), `${JSON.stringify({ tasks, resync, ...results }, null, 2)}\n`);
const ok = results.peakRssMb <= 500 && results.resumeFromSpawnSeconds <= 30;
process.exit(ok ? 0 : 1);

// `npm run bench -w packages/activeworkflow`: `receive` throughput and latency of `serve` hosting the
// equivalent of ActiveWorkflow's Python sample agent, against a bare node:http JSON handler doing the same
// work (the baseline) and the same agent in Flask (the usual alternative), in one run. A report, not a
// test: it exits 0 whether or not the target is met and prints MISSED next to each cell that misses it.
//
// Knobs (environment):
//   BENCH_QUICK=1         a smoke run: one round, short cells (about 15 s instead of about 2 min)
//   BENCH_SERVERS=a,b     which servers, of sdk,bare,flask,gunicorn (default: all four; gunicorn only when
//                         the Python can import it, flask only when it can import Flask)
//   BENCH_MODES=a,b       keepalive,close (default both: a reused connection per in-flight call, and a new
//                         connection per call with `Connection: close` as ActiveWorkflow's Net::HTTP does)
//   BENCH_CONCURRENCY=..  in-flight calls, comma-separated (default 1,16,64)
//   BENCH_ROUNDS=n        rounds per cell (default 5, quick 1)
//   BENCH_CELL_MS=ms      measured time per cell (default 700, quick 400)
//   BENCH_IN_PROCESS=0    skip the in-process (no network) handler-cost measurement
//   BENCH_PROFILE=1|0     after the measurement, run sdk and bare again under `node --cpu-prof` and print
//                         where their time goes. Default: only when the throughput target was missed
//                         (never in a quick run)
//   BENCH_PYTHON=path     the Python for Flask and gunicorn (default: python3 on PATH)
//   BENCH_OUT=path        where the JSON results go (default bench/results.json)
//   LOG_LEVEL             passed to the serve process (default: serve's own default, info)
import { spawn, execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(benchDir, "..");
const outDir = join(benchDir, ".bench-out");
const profileDir = join(outDir, "profiles");

const env = process.env;
const QUICK = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
const list = (value, fallback) => (value ?? fallback).split(",").map((s) => s.trim()).filter((s) => s !== "");
const config = {
  quick: QUICK,
  rounds: Number(env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)),
  cellMs: Number(env.BENCH_CELL_MS ?? (QUICK ? 400 : 700)),
  cellWarmMs: QUICK ? 100 : 150,
  warmupMs: QUICK ? 600 : 1500,
  maxCallsPerCell: 100_000,
  idleMs: QUICK ? 500 : 2000,
  concurrencies: list(env.BENCH_CONCURRENCY, "1,16,64").map(Number),
  modes: list(env.BENCH_MODES, "keepalive,close"),
  servers: list(env.BENCH_SERVERS, "sdk,bare,flask,gunicorn"),
  profile: env.BENCH_PROFILE === "1" ? "always" : env.BENCH_PROFILE === "0" || QUICK ? "never" : "when-missed",
  profileMs: 4000,
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessCalls: QUICK ? 500 : 3000,
  inProcessRounds: QUICK ? 1 : 5,
  inProcessConcurrency: 16,
  python: env.BENCH_PYTHON ?? "python3",
};
const resultsPath = env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(benchDir, "results.json");
const targets = { throughputVsBare: 0.85 };
const serverLabels = { sdk: "serve (SDK)", bare: "bare node:http", flask: "Flask app.run(threaded)", gunicorn: "Flask on gunicorn" };

// Nothing here may run unbounded: a hard stop well past the expected run time.
const HARD_STOP_MS = QUICK ? 120_000 : 480_000;
const hardStop = setTimeout(() => {
  console.error(`bench: still running after ${HARD_STOP_MS / 1000} s; stopping the servers and giving up`);
  killAll();
  process.exit(1);
}, HARD_STOP_MS);
hardStop.unref();

const children = new Set();
function killAll() {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, "SIGKILL"); // its process group: gunicorn's workers too
    } catch {
      child.kill("SIGKILL");
    }
  }
}
process.on("exit", killAll);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clockTicks() {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** `pid` and its descendants (gunicorn's workers), from /proc. */
function processTree(pid) {
  const parentOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree;
}

function memOf(pids) {
  let rssMb = 0;
  let hwmMb = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
      rssMb += kb("VmRSS") / 1024;
      hwmMb += kb("VmHWM") / 1024;
    } catch {
      return { rssMb: NaN, hwmMb: NaN };
    }
  }
  return { rssMb, hwmMb };
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise((r) => child.once("exit", r)), sleep(ms)]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
  }
}

/** Starts a node server script that prints `{"port":N}` on its first stdout line. */
async function startNodeServer(name, script, { profile = false, logName = name } = {}) {
  const logPath = join(outDir, `${logName}.stderr.log`);
  const log = openSync(logPath, "w");
  const args = profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${logName}.cpuprofile`, script] : [script];
  const child = track(spawn(process.execPath, args, { cwd: benchDir, stdio: ["pipe", "pipe", log], env }));
  closeSync(log);
  const lines = createInterface({ input: child.stdout });
  const first = await withTimeout(
    new Promise((res, rej) => {
      lines.once("line", res);
      child.once("exit", (code) => rej(new Error(`${name} exited with ${code}; see ${logPath}`)));
    }),
    20_000,
    `${name} listening`,
  );
  const { port } = JSON.parse(first);
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      child.stdin.end(); // the scripts close their server and exit when stdin ends
      await waitExit(child, 5000);
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** What the Python can import: versions of Flask, Werkzeug and gunicorn, or why not. */
function pythonInfo() {
  const probe = `
import json, sys, importlib.metadata as md
out = {"python": sys.version.split()[0], "executable": sys.executable}
for mod, dist in (("flask", "flask"), ("werkzeug", "werkzeug"), ("gunicorn", "gunicorn")):
    try:
        __import__(mod)
        out[mod] = md.version(dist)
    except Exception as e:
        out[mod] = None
        out[mod + "_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
`;
  try {
    return JSON.parse(execFileSync(config.python, ["-c", probe], { encoding: "utf8", timeout: 20_000 }).trim());
  } catch (err) {
    return { error: `${config.python} did not run: ${String(err.message ?? err).split("\n")[0]}` };
  }
}

async function startPythonServer(name, args) {
  const port = await freePort();
  const logPath = join(outDir, `${name}.log`);
  const log = openSync(logPath, "w");
  const child = track(
    spawn(config.python, args(port), { cwd: benchDir, stdio: ["ignore", log, log], env: { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" }, detached: true }),
  );
  closeSync(log);
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await waitExit(child, 5000);
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
    logPath,
  };
}

/** Retries `register` until the server answers (bounded), then checks one full receive answer. */
async function ready(server, load, ms) {
  const client = load.createClient(server.url, "close");
  const deadline = performance.now() + ms;
  let last;
  try {
    while (performance.now() < deadline) {
      if (server.exited?.()) break;
      try {
        const res = await client.post(load.REGISTER_BODY);
        if (res.status === 200 && res.body.includes('"SampleAgent"')) {
          const problem = load.checkReceiveAnswer(await client.post(load.receiveBody()));
          if (problem) throw new Error(`${server.name} answered receive wrongly: ${problem}`);
          return;
        }
        last = new Error(`register answered ${res.status}: ${res.body.slice(0, 200)}`);
      } catch (err) {
        if (String(err.message).includes("answered receive wrongly")) throw err;
        last = err;
      }
      await sleep(100);
    }
  } finally {
    client.close();
  }
  throw new Error(`${server.name} never answered register at ${server.url}: ${last?.message ?? "exited"}${server.logPath ? ` (log: ${server.logPath})` : ""}`);
}

function fmt(n, digits = 0) {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

/** Runs sdk and bare again under --cpu-prof (kept out of the measured runs: the profiler slows a server). */
async function profilePass(load) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const { summarise, printSummary } = await import("./profile-summary.mjs");
  const profiles = {};
  console.log(
    `\nprofiles: sdk and bare again under node --cpu-prof, each ${config.profileMs} ms at 16 in flight with keep-alive, then ` +
      `${config.profileMs / 2} ms with a new connection per call (after a 1 s warm-up); self time of the server process`,
  );
  for (const [name, script] of [
    ["sdk", "serve-sdk.mjs"],
    ["bare", "serve-bare.mjs"],
  ]) {
    const server = await startNodeServer(name, join(benchDir, script), { profile: true, logName: `${name}-profiled` });
    let calls = 0;
    try {
      await ready(server, load, 10_000);
      for (const [mode, ms] of [
        ["keepalive", config.profileMs],
        ["close", config.profileMs / 2],
      ]) {
        const client = load.createClient(server.url, mode);
        await load.runCell(() => client.call(), { concurrency: 16, durationMs: mode === "keepalive" ? 1000 : 0, maxCalls: config.maxCallsPerCell });
        calls += (await load.runCell(() => client.call(), { concurrency: 16, durationMs: ms, maxCalls: config.maxCallsPerCell })).calls;
        client.close();
      }
    } finally {
      await server.stop();
    }
    const file = join(profileDir, `${name}-profiled.cpuprofile`);
    const summary = summarise(file, 20);
    summary.measuredCalls = calls;
    profiles[name] = summary;
    printSummary(`${name}: ${file}`, summary);
    console.log(`  (${calls} measured calls; the profile also holds the warm-up)`);
  }
  return profiles;
}

async function main() {
  const runStarted = performance.now();
  const distIndex = join(pkgDir, "dist/index.js");
  try {
    readFileSync(distIndex);
  } catch {
    console.error(`bench: ${distIndex} is missing; run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  const load = await import("./load.mjs");
  const ticks = clockTicks();
  const py = pythonInfo();

  const machine = {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model,
    memTotalGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg(),
    date: new Date().toISOString(),
    python: py,
  };
  const body = load.receiveBody();
  console.log(
    `agentwire activeworkflow bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memTotalGb.toFixed(1)} GiB, node ${machine.node}, load avg ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}\n` +
      `python:  ${py.error ?? `${config.python} -> ${py.executable} ${py.python}; Flask ${py.flask ?? "not importable"}, Werkzeug ${py.werkzeug ?? "-"}, gunicorn ${py.gunicorn ?? "not importable"}`}\n` +
      `method: each server is a child process on 127.0.0.1 hosting the sample agent at POST /; this process is the load generator\n` +
      `        (node:http). Every call is the same ${Buffer.byteLength(body)}-byte receive body, shaped as ActiveWorkflow sends it (the whole\n` +
      `        message record, options, memory, 4 credentials, HTML-escaped strings) with Faraday's headers. Modes: keepalive = one\n` +
      `        reused connection per in-flight call; close = a new connection per call with Connection: close, as ActiveWorkflow does.\n` +
      `        ${config.rounds} round(s); in each round every (mode, concurrency) cell runs against every server back to back, in an\n` +
      `        order rotated each time; each cell: ${config.cellWarmMs} ms unmeasured, then ${config.cellMs} ms measured. Reported: the round with\n` +
      `        the best throughput per cell (its p50/p99 with it); server CPU per call over all rounds; every round is in the JSON.`,
  );

  // 1. The handler cost without a network (steadier than anything over sockets).
  let inProcess;
  if (config.inProcess) {
    const { runInProcess } = await import("./in-process.mjs");
    inProcess = await runInProcess({ calls: config.inProcessCalls, rounds: config.inProcessRounds, concurrency: config.inProcessConcurrency });
    const bare = inProcess.bare.usPerCall;
    console.log(
      `\nin-process, no network (raw body in, JSON text out; ${config.inProcessCalls} calls x ${config.inProcessRounds} rounds, ` +
        `${config.inProcessConcurrency} in flight, best round): µs per call\n  ` +
        Object.entries(inProcess)
          .map(([name, v]) => `${name} ${fmt(v.usPerCall, 1)}${name === "bare" ? "" : ` (+${fmt(v.usPerCall - bare, 1)} µs, ${fmt(v.usPerCall / bare, 1)}x)`}`)
          .join(" | "),
    );
  }

  // 2. Start the servers under test.
  const servers = [];
  const skipped = {};
  for (const name of config.servers) {
    try {
      let server;
      if (name === "sdk") server = await startNodeServer("sdk", join(benchDir, "serve-sdk.mjs"));
      else if (name === "bare") server = await startNodeServer("bare", join(benchDir, "serve-bare.mjs"));
      else if (name === "flask") {
        if (!py.flask) throw new Error(`Flask is not importable by ${config.python} (${py.error ?? py.flask_error})`);
        server = await startPythonServer("flask", (port) => ["flask_agent.py", String(port)]);
      } else if (name === "gunicorn") {
        if (!py.flask) throw new Error(`Flask is not importable by ${config.python}`);
        if (!py.gunicorn) throw new Error(`gunicorn is not importable by ${config.python} (${py.gunicorn_error})`);
        // gthread workers keep connections alive (sync workers close after each request); one worker a core.
        server = await startPythonServer("gunicorn", (port) => [
          "-m", "gunicorn", "--bind", `127.0.0.1:${port}`, "--workers", String(machine.nproc), "--worker-class", "gthread", "--threads", "8", "flask_agent:app",
        ]);
      } else throw new Error(`unknown server ${name} (sdk, bare, flask, gunicorn)`);
      servers.push(server);
    } catch (err) {
      skipped[name] = String(err.message ?? err);
      console.log(`${serverLabels[name] ?? name}: not measured: ${skipped[name]}`);
    }
  }
  const startupMs = {};
  for (const server of [...servers]) {
    const t = performance.now();
    try {
      await ready(server, load, server.name === "sdk" || server.name === "bare" ? 10_000 : 30_000);
      startupMs[server.name] = performance.now() - t;
    } catch (err) {
      skipped[server.name] = String(err.message ?? err);
      console.log(`${serverLabels[server.name]}: not measured: ${skipped[server.name]}`);
      await server.stop();
      servers.splice(servers.indexOf(server), 1);
    }
  }
  await sleep(config.idleMs);
  const memory = {};
  for (const s of servers) {
    s.pids = processTree(s.pid);
    memory[s.name] = { idle: memOf(s.pids), processes: s.pids.length };
  }
  const treeCpuMs = (s) => {
    let total = 0;
    for (const pid of s.pids) {
      const ms = load.processCpuMs(pid, ticks);
      if (ms === undefined) return undefined;
      total += ms;
    }
    return total;
  };

  // 3. Warm up every server in every mode (JIT, connection pools), unmeasured.
  for (const s of servers) {
    s.clients = Object.fromEntries(config.modes.map((mode) => [mode, load.createClient(s.url, mode)]));
    for (const mode of config.modes) {
      await load.runCell(() => s.clients[mode].call(), { concurrency: 16, durationMs: config.warmupMs / config.modes.length, maxCalls: config.maxCallsPerCell });
    }
  }

  // 4. The measurements, interleaved.
  const cells = [];
  let turn = 0;
  for (let round = 0; round < config.rounds; round++) {
    for (const mode of config.modes) {
      for (const concurrency of config.concurrencies) {
        const order = servers.map((_, i) => servers[(i + turn) % servers.length]);
        turn++;
        for (const s of order) {
          const call = () => s.clients[mode].call();
          await load.runCell(call, { concurrency, durationMs: config.cellWarmMs, maxCalls: config.maxCallsPerCell });
          const cpu0 = treeCpuMs(s);
          const r = await load.runCell(call, { concurrency, durationMs: config.cellMs, maxCalls: config.maxCallsPerCell });
          const cpu1 = treeCpuMs(s);
          r.serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
          r.serverCpuUsPerCall = r.serverCpuMs === undefined || r.calls === 0 ? undefined : (r.serverCpuMs * 1000) / r.calls;
          r.serverCpuUtil = r.serverCpuMs === undefined ? undefined : r.serverCpuMs / r.elapsedMs;
          cells.push({ server: s.name, mode, concurrency, round, ...r });
          if (r.errors > 0) console.log(`  ${s.name} ${mode} c=${concurrency}: ${r.errors} errors, first: ${r.firstError}`);
        }
      }
    }
    process.stdout.write(`round ${round + 1}/${config.rounds} done (${((performance.now() - runStarted) / 1000).toFixed(0)} s)\n`);
  }
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pids);
  for (const s of servers) {
    for (const client of Object.values(s.clients)) client.close();
    await s.stop();
  }

  // 5. Report.
  const cellsBy = {};
  for (const c of cells) {
    const entry = (cellsBy[`${c.server}|${c.mode}|${c.concurrency}`] ??= { rounds: [] });
    entry.rounds.push(c);
    if (!entry.best || c.throughput > entry.best.throughput) entry.best = c;
  }
  const get = (server, mode, c) => cellsBy[`${server}|${mode}|${c}`]?.best;
  const rounds = (server, mode, c) => cellsBy[`${server}|${mode}|${c}`]?.rounds ?? [];
  const cpuPerCall = (server, mode, c) => {
    const rs = rounds(server, mode, c);
    const calls = rs.reduce((a, r) => a + r.calls, 0);
    const cpu = rs.reduce((a, r) => a + (r.serverCpuMs ?? NaN), 0);
    return calls ? (cpu * 1000) / calls : NaN;
  };
  for (const v of Object.values(cellsBy)) v.best.serverCpuUsPerCallAllRounds = cpuPerCall(v.best.server, v.best.mode, v.best.concurrency);
  const names = servers.map((s) => s.name);

  console.log("\nreceive: throughput (calls/s) and latency (ms), best round of each cell; server CPU per call (µs), all rounds of the cell");
  const header = ["mode", "conc", ...names.flatMap((n) => [`${n} calls/s`, "p50", "p99", "cpu/call"])];
  const rows = [];
  for (const mode of config.modes) {
    for (const c of config.concurrencies) {
      rows.push([
        mode,
        String(c),
        ...names.flatMap((n) => {
          const r = get(n, mode, c);
          return r ? [fmt(r.throughput), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(cpuPerCall(n, mode, c))] : ["-", "-", "-", "-"];
        }),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols) => cols.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));

  const ratios = [];
  if (names.includes("sdk")) {
    console.log("\nratios of serve to the others (best round of each cell; target in brackets):");
    for (const mode of config.modes) {
      for (const c of config.concurrencies) {
        const s = get("sdk", mode, c);
        const b = get("bare", mode, c);
        const entry = { mode, concurrency: c };
        const parts = [`${mode.padEnd(9)} c=${String(c).padEnd(3)}`];
        if (s && b) {
          entry.throughputVsBare = s.throughput / b.throughput;
          entry.medianThroughputVsBare = median(rounds("sdk", mode, c).map((r) => r.throughput)) / median(rounds("bare", mode, c).map((r) => r.throughput));
          entry.p50VsBare = s.p50Ms / b.p50Ms;
          entry.p99VsBare = s.p99Ms / b.p99Ms;
          entry.cpuPerCallVsBare = cpuPerCall("sdk", mode, c) / cpuPerCall("bare", mode, c);
          entry.cpuPerCallOverBareUs = cpuPerCall("sdk", mode, c) - cpuPerCall("bare", mode, c);
          const missed = entry.throughputVsBare < targets.throughputVsBare;
          parts.push(
            `thr ${fmt(entry.throughputVsBare, 2)}x bare [>=${targets.throughputVsBare}]${missed ? " MISSED" : " ok"}`.padEnd(34),
            `(median of rounds ${fmt(entry.medianThroughputVsBare, 2)}x)`.padEnd(26),
            `p50 ${fmt(entry.p50VsBare, 2)}x  p99 ${fmt(entry.p99VsBare, 2)}x`.padEnd(22),
            `cpu/call ${fmt(entry.cpuPerCallVsBare, 2)}x bare (${entry.cpuPerCallOverBareUs >= 0 ? "+" : ""}${fmt(entry.cpuPerCallOverBareUs)} µs)`.padEnd(34),
          );
        }
        for (const py of ["flask", "gunicorn"]) {
          const f = get(py, mode, c);
          if (!s || !f) continue;
          entry[`throughputVs_${py}`] = s.throughput / f.throughput;
          entry[`cpuPerCallVs_${py}`] = cpuPerCall("sdk", mode, c) / cpuPerCall(py, mode, c);
          parts.push(`thr ${fmt(entry[`throughputVs_${py}`], 1)}x ${py}, cpu/call ${fmt(entry[`cpuPerCallVs_${py}`], 2)}x ${py}`);
        }
        ratios.push(entry);
        console.log("  " + parts.join("  "));
      }
    }
  }

  const finite = (key) => ratios.map((r) => r[key]).filter((x) => x !== undefined && Number.isFinite(x) && x > 0);
  const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : undefined);
  const thr = finite("throughputVsBare");
  const summary = {
    throughputVsBare: {
      target: `>= ${targets.throughputVsBare}`,
      worst: thr.length ? Math.min(...thr) : undefined,
      geomean: geomean(thr),
      missedCells: ratios.filter((r) => r.throughputVsBare < targets.throughputVsBare).map((r) => `${r.mode} c=${r.concurrency}`),
    },
    cpuPerCallVsBare: { geomean: geomean(finite("cpuPerCallVsBare")) },
    throughputVsFlask: { geomean: geomean(finite("throughputVs_flask")), worst: finite("throughputVs_flask").length ? Math.min(...finite("throughputVs_flask")) : undefined },
    throughputVsGunicorn: { geomean: geomean(finite("throughputVs_gunicorn")) },
  };
  summary.throughputVsBare.met = summary.throughputVsBare.worst === undefined ? undefined : summary.throughputVsBare.worst >= targets.throughputVsBare;
  const verdict = (met) => (met === undefined ? "NOT MEASURED" : met ? "met" : "MISSED");
  console.log("\ntarget (every cell; worst cell and geometric mean over cells):");
  console.log(
    `  throughput >= ${targets.throughputVsBare}x bare node:http : worst ${fmt(summary.throughputVsBare.worst, 2)}x, geomean ${fmt(summary.throughputVsBare.geomean, 2)}x  ` +
      `${verdict(summary.throughputVsBare.met)}${summary.throughputVsBare.missedCells.length ? ` (missed in ${summary.throughputVsBare.missedCells.join(", ")})` : ""}`,
  );
  console.log(`  server CPU per call vs bare (geomean over cells): ${fmt(summary.cpuPerCallVsBare.geomean, 2)}x`);
  if (names.includes("flask")) {
    console.log(`  throughput vs Flask's built-in server (no target): worst ${fmt(summary.throughputVsFlask.worst, 1)}x, geomean ${fmt(summary.throughputVsFlask.geomean, 1)}x`);
  } else console.log(`  Flask: not measured (${skipped.flask ?? "not selected"})`);
  if (names.includes("gunicorn")) console.log(`  throughput vs Flask on gunicorn (no target): geomean ${fmt(summary.throughputVsGunicorn.geomean, 1)}x`);
  else console.log(`  gunicorn: not measured (${skipped.gunicorn ?? "not selected"})`);

  console.log("\nmemory of the servers (MB, all processes of each): idle after startup / after the load (VmRSS), peak (VmHWM)");
  for (const n of names) {
    const m = memory[n];
    console.log(`  ${serverLabels[n].padEnd(24)} ${fmt(m.idle.rssMb, 1).padStart(6)} / ${fmt(m.afterLoad?.rssMb, 1).padStart(6)}, peak ${fmt(m.afterLoad?.hwmMb, 1)}${m.processes > 1 ? ` (${m.processes} processes)` : ""}`);
  }
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  const topThroughput = Math.max(...cells.map((c) => c.throughput));
  machine.loadavgAtEnd = loadavg();
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of a core (best cell: ${fmt(topThroughput)} calls/s); client and server share\n` +
      `       ${machine.nproc} cores with whatever else runs (load avg at start ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadavgAtEnd.map((l) => l.toFixed(2)).join(" ")}).\n` +
      `       serve logs at info (to a file here; its per-call lines are debug) and Werkzeug one access line per request; bare logs nothing.\n` +
      `       Server CPU per call (/proc/<pid>/stat, ${ticks} Hz ticks) is the least noise-sensitive figure. Startup until the first\n` +
      `       correct receive: ${names.map((n) => `${n} ${fmt(startupMs[n])} ms`).join(", ")}.`,
  );

  let profiles;
  const wantProfile = config.profile === "always" || (config.profile === "when-missed" && summary.throughputVsBare.met === false);
  if (wantProfile && names.includes("sdk")) profiles = await profilePass(load);
  else if (config.profile === "when-missed") console.log("\nprofile: not taken (the target was met; BENCH_PROFILE=1 takes one anyway)");

  const results = {
    machine,
    config,
    targets,
    method:
      "servers are child processes on 127.0.0.1 hosting the sample agent at POST /; the bench process is the load generator (node:http, " +
      "keepalive = http.Agent keepAlive, close = a new connection per call with Connection: close); every call sends the same ActiveWorkflow-shaped " +
      "receive body; rounds interleave servers in rotated order per cell; per cell the best-throughput round is reported, CPU per call over all rounds",
    requestBytes: Buffer.byteLength(body),
    inProcess,
    startupMs,
    memory,
    skipped,
    best: Object.fromEntries(Object.entries(cellsBy).map(([k, v]) => [k, v.best])),
    ratios,
    summary,
    cells,
    profiles,
    totalSeconds: (performance.now() - runStarted) / 1000,
  };
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nresults: ${resultsPath} (run took ${results.totalSeconds.toFixed(0)} s)`);
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error("bench failed:", err);
    killAll();
    process.exit(1);
  });

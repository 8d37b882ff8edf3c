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
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { benchPaths, isQuick, list, profileMode, requireBuilt, resultsPath as resultsPathOf } from "../../../scripts/bench-kit/config.mjs";
import { runCell } from "../../../scripts/bench-kit/cells.mjs";
import { describeMachine, loadSpan, machineLine, recordLoadAtEnd } from "../../../scripts/bench-kit/machine.mjs";
import { printSummary, summarise } from "../../../scripts/bench-kit/profile-summary.mjs";
import { clockTicks, memOf, processesCpuMs, processTree } from "../../../scripts/bench-kit/proc-stats.mjs";
import { fmt, memoryLine, printBestRounds, writeResults } from "../../../scripts/bench-kit/report.mjs";
import { cellGrid, runRounds } from "../../../scripts/bench-kit/rounds.mjs";
import {
  awaitServers,
  guardRun,
  runMain,
  sleep,
  startExternalServer,
  startNodeServer as startNode,
  startServers,
} from "../../../scripts/bench-kit/servers.mjs";
import { geomean, indexRounds, worstOf } from "../../../scripts/bench-kit/stats.mjs";
import { mark, summariseTarget, verdict } from "../../../scripts/bench-kit/targets.mjs";

const { benchDir, pkgDir, outDir, profileDir } = benchPaths(import.meta.url);

const env = process.env;
const QUICK = isQuick(env);
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
  profile: profileMode(env, QUICK),
  profileMs: 4000,
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessCalls: QUICK ? 500 : 3000,
  inProcessRounds: QUICK ? 1 : 5,
  inProcessConcurrency: 16,
  python: env.BENCH_PYTHON ?? "python3",
};
const resultsPath = resultsPathOf(env, benchDir);
const targets = { throughputVsBare: 0.85 };
const serverLabels = { sdk: "serve (SDK)", bare: "bare node:http", flask: "Flask app.run(threaded)", gunicorn: "Flask on gunicorn" };
/** How the profiles count the SDK's samples: an agentwire frame anywhere on the stack. */
const profileView = { sdkPackages: ["activeworkflow", "core"] };

// Nothing here may run unbounded: a hard stop well past the expected run time.
guardRun(QUICK ? 120_000 : 480_000);

/** Starts a node server script of this bench (see startNodeServer in bench-kit/servers.mjs), serving at "/". */
function startNodeServer(name, script, { profile = false, logName = name } = {}) {
  return startNode(name, script, { cwd: benchDir, outDir, profile, profileDir, logName, urlPath: "/" });
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

/** Flask or gunicorn, detached in its own process group (gunicorn's workers are stopped with it). */
function startPythonServer(name, args) {
  return startExternalServer(name, config.python, args, {
    cwd: benchDir,
    env: { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    logPath: join(outDir, `${name}.log`),
    group: true,
    urlPath: "/",
  });
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

/** Runs sdk and bare again under --cpu-prof (kept out of the measured runs: the profiler slows a server). */
async function profilePass(load) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
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
        await runCell(() => client.call(), { concurrency: 16, durationMs: mode === "keepalive" ? 1000 : 0, maxCalls: config.maxCallsPerCell });
        calls += (await runCell(() => client.call(), { concurrency: 16, durationMs: ms, maxCalls: config.maxCallsPerCell })).calls;
        client.close();
      }
    } finally {
      await server.stop();
    }
    const file = join(profileDir, `${name}-profiled.cpuprofile`);
    const summary = summarise(file, 20, profileView);
    summary.measuredCalls = calls;
    profiles[name] = summary;
    printSummary(`${name}: ${file}`, summary);
    console.log(`  (${calls} measured calls; the profile also holds the warm-up)`);
  }
  return profiles;
}

async function main() {
  const runStarted = performance.now();
  requireBuilt(pkgDir);
  mkdirSync(outDir, { recursive: true });
  const load = await import("./load.mjs");
  const ticks = clockTicks();
  const py = pythonInfo();

  const machine = describeMachine({ python: py });
  const body = load.receiveBody();
  console.log(
    `agentwire activeworkflow bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `${machineLine(machine)}\n` +
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
  const skipped = {};
  const servers = await startServers(
    config.servers,
    async (name) => {
      if (name === "sdk" || name === "bare") return startNodeServer(name, join(benchDir, `serve-${name}.mjs`));
      if (name === "flask") {
        if (!py.flask) throw new Error(`Flask is not importable by ${config.python} (${py.error ?? py.flask_error})`);
        return startPythonServer("flask", (port) => ["flask_agent.py", String(port)]);
      }
      if (name === "gunicorn") {
        if (!py.flask) throw new Error(`Flask is not importable by ${config.python}`);
        if (!py.gunicorn) throw new Error(`gunicorn is not importable by ${config.python} (${py.gunicorn_error})`);
        // gthread workers keep connections alive (sync workers close after each request); one worker a core.
        return startPythonServer("gunicorn", (port) => [
          "-m", "gunicorn", "--bind", `127.0.0.1:${port}`, "--workers", String(machine.nproc), "--worker-class", "gthread", "--threads", "8", "flask_agent:app",
        ]);
      }
      throw new Error(`unknown server ${name} (sdk, bare, flask, gunicorn)`);
    },
    { labels: serverLabels, skipped },
  );
  const startupMs = await awaitServers(servers, (server) => ready(server, load, server.name === "sdk" || server.name === "bare" ? 10_000 : 30_000), {
    labels: serverLabels,
    skipped,
  });
  await sleep(config.idleMs);
  const memory = {};
  for (const s of servers) {
    s.pids = processTree(s.pid);
    memory[s.name] = { idle: memOf(s.pids), processes: s.pids.length };
  }
  const treeCpuMs = (s) => processesCpuMs(s.pids, ticks);

  // 3. Warm up every server in every mode (JIT, connection pools), unmeasured.
  for (const s of servers) {
    s.clients = Object.fromEntries(config.modes.map((mode) => [mode, load.createClient(s.url, mode)]));
    for (const mode of config.modes) {
      await runCell(() => s.clients[mode].call(), { concurrency: 16, durationMs: config.warmupMs / config.modes.length, maxCalls: config.maxCallsPerCell });
    }
  }

  // 4. The measurements, interleaved.
  const grid = cellGrid("mode", config.modes, () => config.concurrencies);
  const cells = await runRounds({
    rounds: config.rounds,
    cells: grid,
    servers,
    startedAt: runStarted,
    async measure(s, { mode, concurrency }) {
      const call = () => s.clients[mode].call();
      await runCell(call, { concurrency, durationMs: config.cellWarmMs, maxCalls: config.maxCallsPerCell });
      const cpu0 = treeCpuMs(s);
      const r = await runCell(call, { concurrency, durationMs: config.cellMs, maxCalls: config.maxCallsPerCell });
      const cpu1 = treeCpuMs(s);
      r.serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
      r.serverCpuUsPerCall = r.serverCpuMs === undefined || r.calls === 0 ? undefined : (r.serverCpuMs * 1000) / r.calls;
      r.serverCpuUtil = r.serverCpuMs === undefined ? undefined : r.serverCpuMs / r.elapsedMs;
      return r;
    },
  });
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pids);
  for (const s of servers) {
    for (const client of Object.values(s.clients)) client.close();
    await s.stop();
  }

  // 5. Report.
  const index = indexRounds(cells, "mode");
  const get = index.best;
  const cpuPerCall = index.cpuPerCall;
  index.annotateCpuPerCall();
  const names = servers.map((s) => s.name);

  console.log("\nreceive: throughput (calls/s) and latency (ms), best round of each cell; server CPU per call (µs), all rounds of the cell");
  printBestRounds(index, "mode", grid, names);

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
          entry.medianThroughputVsBare = index.medianThroughput("sdk", mode, c) / index.medianThroughput("bare", mode, c);
          entry.p50VsBare = s.p50Ms / b.p50Ms;
          entry.p99VsBare = s.p99Ms / b.p99Ms;
          entry.cpuPerCallVsBare = cpuPerCall("sdk", mode, c) / cpuPerCall("bare", mode, c);
          entry.cpuPerCallOverBareUs = cpuPerCall("sdk", mode, c) - cpuPerCall("bare", mode, c);
          parts.push(
            `thr ${fmt(entry.throughputVsBare, 2)}x bare ${mark(entry.throughputVsBare, ">=", targets.throughputVsBare)}`.padEnd(34),
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
  const summary = {
    throughputVsBare: {
      ...summariseTarget(finite("throughputVsBare"), ">=", targets.throughputVsBare),
      missedCells: ratios.filter((r) => r.throughputVsBare < targets.throughputVsBare).map((r) => `${r.mode} c=${r.concurrency}`),
    },
    cpuPerCallVsBare: { geomean: geomean(finite("cpuPerCallVsBare")) },
    throughputVsFlask: { geomean: geomean(finite("throughputVs_flask")), worst: worstOf(finite("throughputVs_flask"), Math.min) },
    throughputVsGunicorn: { geomean: geomean(finite("throughputVs_gunicorn")) },
  };
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
  for (const n of names) console.log(`${memoryLine(serverLabels[n], memory[n], 24)}${memory[n].processes > 1 ? ` (${memory[n].processes} processes)` : ""}`);
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  const topThroughput = Math.max(...cells.map((c) => c.throughput));
  recordLoadAtEnd(machine);
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of a core (best cell: ${fmt(topThroughput)} calls/s); client and server share\n` +
      `       ${machine.nproc} cores with whatever else runs (${loadSpan(machine)}).\n` +
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
    best: index.bestByKey(),
    ratios,
    summary,
    cells,
    profiles,
  };
  writeResults(resultsPath, results, runStarted);
}

runMain(main);

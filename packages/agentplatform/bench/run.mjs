// `npm run bench -w packages/agentplatform`: in one run, (1) ExecuteTool round trips and (2) Complete delta
// streaming through `servePlugin` against a bare connect-node server doing the same work by hand, and
// (3) the time from spawning a local plugin to its handshake line. A report, not a test: it exits 0
// whether or not the targets are met and prints MISSED next to each cell that misses one.
//
// Knobs (environment):
//   BENCH_QUICK=1              a smoke run: one round, short cells, 3 spawns, no profiles (about 20 s instead of
//                              about 3 min, plus about 45 s for the profile pass when a target is missed)
//   BENCH_RPCS=a,b             ExecuteTool,Complete (default both)
//   BENCH_TOOL_CONCURRENCY=..  ExecuteTool calls in flight, comma-separated (default 1,16,64)
//   BENCH_LLM_CONCURRENCY=..   Complete streams in flight (default 1,4,16)
//   BENCH_DELTAS=n             text deltas per Complete stream (default 1000)
//   BENCH_TOOL=add|add_json    the SDK tool called over the network: zod input (default) or JSON Schema input
//   BENCH_ROUNDS=n             rounds per cell (default 5, quick 1)
//   BENCH_CELL_MS=ms           measured time per ExecuteTool cell (default 700, quick 250); Complete cells
//                              get three times as long (streams are long calls)
//   BENCH_SPAWNS=n             spawns of each local-plugin variant (default 10, quick 3); 0 skips that part
//   BENCH_IN_PROCESS=0         skip the in-process (no network) handler-cost measurement
//   BENCH_PROFILE=1|0          after the measurement, run sdk and bare again under `node --cpu-prof`, one
//                              process per RPC, and print where their time goes. Default: only when a target
//                              was missed (never in a quick run)
//   BENCH_OUT=path             where the JSON results go (default bench/results.json)
//   LOG_LEVEL                  passed to the servePlugin process (default: the SDK's own default, info)
import { spawn, execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(benchDir, "..");
const repoDir = resolve(pkgDir, "../..");
const outDir = join(benchDir, ".bench-out");
const profileDir = join(outDir, "profiles");

const env = process.env;
const QUICK = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
const list = (value, fallback) => (value ?? fallback).split(",").map((s) => s.trim()).filter((s) => s !== "");
const cellMs = Number(env.BENCH_CELL_MS ?? (QUICK ? 250 : 700));
const config = {
  quick: QUICK,
  rounds: Number(env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)),
  rpcs: list(env.BENCH_RPCS, "ExecuteTool,Complete"),
  concurrency: {
    ExecuteTool: list(env.BENCH_TOOL_CONCURRENCY, "1,16,64").map(Number),
    Complete: list(env.BENCH_LLM_CONCURRENCY, "1,4,16").map(Number),
  },
  cellMs: { ExecuteTool: cellMs, Complete: cellMs * 3 },
  cellWarmMs: { ExecuteTool: QUICK ? 50 : 150, Complete: QUICK ? 100 : 300 },
  warmupMs: QUICK ? 400 : 1500,
  maxCallsPerCell: 200_000,
  deltas: Number(env.BENCH_DELTAS ?? 1000),
  tool: env.BENCH_TOOL ?? "add",
  servers: ["sdk", "bare"],
  spawns: Number(env.BENCH_SPAWNS ?? (QUICK ? 3 : 10)),
  idleMs: QUICK ? 500 : 2000,
  profile: env.BENCH_PROFILE === "1" ? "always" : env.BENCH_PROFILE === "0" || QUICK ? "never" : "when-missed",
  profileMs: 4000,
  profileConcurrency: { ExecuteTool: 16, Complete: 4 },
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessSettings: {
    ExecuteTool: { calls: QUICK ? 500 : 3000, rounds: QUICK ? 1 : 5, concurrency: 16 },
    Complete: { calls: QUICK ? 8 : 24, rounds: QUICK ? 1 : 5, concurrency: 4 },
  },
};
const resultsPath = env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(benchDir, "results.json");
const targets = { throughputVsBare: 0.9, p99VsBare: 1.2 };
const serverLabels = { sdk: "servePlugin (SDK)", bare: "bare connect-node" };
const unitName = { ExecuteTool: "calls/s", Complete: "deltas/s" };

// Nothing here may run unbounded: a hard stop well past the expected run time.
const HARD_STOP_MS = QUICK ? 180_000 : 720_000;
const hardStop = setTimeout(() => {
  console.error(`bench: still running after ${HARD_STOP_MS / 1000} s; stopping the servers and giving up`);
  killAll();
  process.exit(1);
}, HARD_STOP_MS);
hardStop.unref();

const children = new Set();
function killAll() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
process.on("exit", killAll);

/** What .bench-out/descriptors.mjs exports (bundled at startup; see main). */
const descriptorsEntry = `
export { ToolProvider } from "../src/gen/agentplatform/v1/tool_pb.js";
export { LLMProvider, FinishReason } from "../src/gen/agentplatform/v1/llm_pb.js";
export { Plugin as PluginService, Capability } from "../src/gen/agentplatform/v1/plugin_pb.js";
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clockTicks() {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

function memOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return { rssMb: NaN, hwmMb: NaN };
  }
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
    child.kill("SIGKILL");
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
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.stdin.end(); // the scripts close their server and exit when stdin ends
      await waitExit(child, 5000);
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Retries one ExecuteTool until the server answers (bounded), then checks one Complete stream. */
async function ready(server, load, ms) {
  const deadline = performance.now() + ms;
  let last;
  while (performance.now() < deadline) {
    if (server.exited()) break;
    try {
      await load.caller(server.clients, "ExecuteTool", { tool: server.tool })();
      await load.caller(server.clients, "Complete")();
      return;
    } catch (err) {
      last = err;
      await sleep(100);
    }
  }
  throw new Error(`${server.name} never answered at ${server.url}: ${last?.message ?? "exited"}`);
}

function fmt(n, digits = 0) {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols) => cols.map((v, i) => (i < 1 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** Runs sdk and bare again under --cpu-prof, one process per (server, rpc), kept out of the measured runs. */
async function profilePass(load) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const { summarise, printSummary } = await import("./profile-summary.mjs");
  const profiles = {};
  console.log(
    `\nprofiles: sdk and bare again under node --cpu-prof, one server process per RPC: 1 s warm-up, then ${config.profileMs} ms at ` +
      `${Object.entries(config.profileConcurrency).map(([rpc, c]) => `${c} in flight (${rpc})`).join(", ")}; self time of the server process`,
  );
  for (const rpc of config.rpcs) {
    for (const name of config.servers) {
      const logName = `${name}-${rpc}`;
      const server = await startNodeServer(name, join(benchDir, `serve-${name}.mjs`), { profile: true, logName });
      server.clients = load.createBenchClients(server.url);
      server.tool = config.tool;
      let calls = 0;
      let units = 0;
      try {
        await ready(server, load, 10_000);
        const call = load.caller(server.clients, rpc, { tool: config.tool });
        const concurrency = config.profileConcurrency[rpc];
        await load.runCell(call, { concurrency, durationMs: 1000, maxCalls: config.maxCallsPerCell });
        const r = await load.runCell(call, { concurrency, durationMs: config.profileMs, maxCalls: config.maxCallsPerCell });
        calls = r.calls;
        units = r.units;
      } finally {
        await server.stop();
      }
      const file = join(profileDir, `${logName}.cpuprofile`);
      if (!existsSync(file)) {
        console.log(`  ${logName}: no profile written`);
        continue;
      }
      const summary = summarise(file, 20);
      summary.measuredCalls = calls;
      summary.measuredUnits = units;
      profiles[logName] = summary;
      printSummary(`${logName}: ${file}`, summary);
      console.log(`  (${calls} measured calls${rpc === "Complete" ? `, ${units} deltas` : ""}; the profile also holds start-up and the warm-up)`);
    }
  }
  return profiles;
}

/** Spawn to handshake (spawn-time.mjs) and the import breakdown (import-cost.mjs); prints and returns them. */
async function measureStartup() {
  const { runSpawnTimes, runImportCost } = await import("./spawn-time.mjs");
  const spawnTimes = await runSpawnTimes({
    iterations: config.spawns,
    benchDir,
    repoDir,
    outDir,
    track,
    skip: (v) => (v.needs && !existsSync(v.needs) ? `${v.needs} not built (npm run build)` : undefined),
  });
  console.log(
    `\nlocal plugin start-up (${config.spawns} spawns of each, interleaved, after one unmeasured spawn of each): ms from spawn() to the\n` +
      `handshake line on stdout; to the first Register answered over its address (new client, new connection); SIGTERM to exit`,
  );
  const s = (x) => (x ? `${fmt(x.p50, 1)} / ${fmt(x.p90, 1)} / ${fmt(x.max, 1)}` : "-");
  table(
    ["variant", "handshake p50/p90/max", "Register p50/p90/max", "SIGTERM->exit p50/max", "RSS MB"],
    Object.values(spawnTimes.results).map((r) => [
      r.label,
      s(r.handshakeMs),
      s(r.registerMs),
      r.exitAfterSigtermMs ? `${fmt(r.exitAfterSigtermMs.p50, 1)} / ${fmt(r.exitAfterSigtermMs.max, 1)}` : "-",
      fmt(r.rssAfterRegisterMb?.p50, 1),
    ]),
  );
  for (const [name, why] of Object.entries(spawnTimes.skipped)) console.log(`  ${name}: not measured: ${why}`);
  spawnTimes.importCost = await runImportCost({ iterations: QUICK ? 3 : 7, benchDir, track });
  console.log(
    `  where an SDK plugin's start-up goes (import-cost.mjs, median of ${spawnTimes.importCost.iterations} runs, ms, each step on top of the previous): ` +
      Object.entries(spawnTimes.importCost.steps)
        .map(([k, v]) => `${k} ${fmt(v, 1)}`)
        .join(", ") +
      `; performance.now() at the end ${fmt(spawnTimes.importCost.sinceStartMs, 1)}`,
  );
  const floor = spawnTimes.results.floor?.handshakeMs?.p50;
  if (floor !== undefined) {
    console.log(
      `  above the floor (p50): ` +
        Object.entries(spawnTimes.results)
          .filter(([n]) => n !== "floor")
          .map(([, r]) => `${r.label} +${fmt(r.handshakeMs.p50 - floor, 1)} ms`)
          .join(", "),
    );
  }
  return spawnTimes;
}

async function main() {
  const runStarted = performance.now();
  const distIndex = join(pkgDir, "dist/index.js");
  if (!existsSync(distIndex)) {
    console.error(`bench: ${distIndex} is missing; run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  // The bare servers and the client need generated descriptors without loading the SDK: bundle them from
  // src/gen with esbuild, dependencies left external so @bufbuild/protobuf is the one dist uses too.
  const esbuild = await import("esbuild");
  await esbuild.build({
    stdin: { contents: descriptorsEntry, resolveDir: benchDir, loader: "ts", sourcefile: "descriptors.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outfile: join(outDir, "descriptors.mjs"),
    logLevel: "warning",
  });
  env.BENCH_DELTAS = String(config.deltas); // the servers' workload.mjs reads it too
  const load = await import("./load.mjs");
  const ticks = clockTicks();

  const machine = {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model,
    memTotalGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg(),
    date: new Date().toISOString(),
  };
  console.log(
    `agentwire agentplatform bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memTotalGb.toFixed(1)} GiB, node ${machine.node}, load avg ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}\n` +
      `method: each server is a child process on 127.0.0.1; this process is the load generator (connect-node gRPC client, one HTTP/2\n` +
      `        connection per server, a deadline on every call). ExecuteTool: tool ${JSON.stringify(config.tool)} with {"a":20,"b":22}, answer 42.\n` +
      `        Complete: ${config.deltas} text deltas, usage, finish per stream. ${config.rounds} round(s); in each round every (rpc, concurrency)\n` +
      `        cell runs against both servers back to back, in an order rotated per cell and per round; each cell: a short unmeasured run, then\n` +
      `        ${config.cellMs.ExecuteTool} ms (ExecuteTool) or ${config.cellMs.Complete} ms (Complete) measured. Reported: the round with the best throughput per cell (its\n` +
      `        p50/p99 with it); server CPU per call and p99 over all rounds too; every round is in the JSON.`,
  );

  // 1. Spawn to handshake, before anything else loads the machine.
  let spawnTimes;
  if (config.spawns > 0) {
    try {
      spawnTimes = await measureStartup();
    } catch (err) {
      spawnTimes = { error: String(err.message ?? err) };
      console.log(`\nlocal plugin start-up: not measured: ${spawnTimes.error}`);
    }
  }

  // 2. The handler cost without a network (steadier than anything over sockets).
  let inProcess;
  if (config.inProcess) {
    const { runInProcess } = await import("./in-process.mjs");
    inProcess = await runInProcess({ rpcs: config.rpcs, settings: config.inProcessSettings });
    console.log(`\nin-process, no network (connect router transport, client included; best of the rounds): µs per call, CPU time and wall clock`);
    for (const [rpc, variants] of Object.entries(inProcess)) {
      const st = config.inProcessSettings[rpc];
      console.log(`  ${rpc} (${st.calls} calls x ${st.rounds} rounds, ${st.concurrency} in flight)${rpc === "Complete" ? `, µs per stream of ${config.deltas} deltas` : ""}`);
      for (const key of ["cpuUsPerCall", "usPerCall"]) {
        const bare = variants.bare?.[key];
        console.log(
          `    ${key === "cpuUsPerCall" ? "cpu " : "wall"}  ` +
            Object.entries(variants)
              .map(([name, v]) => `${name} ${fmt(v[key], 1)}${name === "bare" ? "" : ` (${v[key] >= bare ? "+" : ""}${fmt(v[key] - bare, 1)}, ${fmt(v[key] / bare, 2)}x)`}`)
              .join(" | "),
        );
      }
    }
  }

  // 3. Start the servers under test.
  const servers = [];
  for (const name of config.servers) {
    const server = await startNodeServer(name, join(benchDir, `serve-${name}.mjs`));
    server.clients = load.createBenchClients(server.url);
    server.tool = config.tool;
    servers.push(server);
  }
  const startupMs = {};
  for (const server of servers) {
    const t = performance.now();
    await ready(server, load, 10_000);
    startupMs[server.name] = performance.now() - t;
  }
  await sleep(config.idleMs);
  const memory = {};
  for (const s of servers) memory[s.name] = { idle: memOf(s.pid) };

  // 4. Warm up every server on every RPC (JIT, HTTP/2 windows), unmeasured.
  for (const s of servers) {
    for (const rpc of config.rpcs) {
      await load.runCell(load.caller(s.clients, rpc, { tool: config.tool }), {
        concurrency: rpc === "Complete" ? 4 : 32,
        durationMs: config.warmupMs / 2,
        maxCalls: config.maxCallsPerCell,
      });
    }
  }

  // 5. The measurements, interleaved.
  const cells = [];
  let turn = 0;
  for (let round = 0; round < config.rounds; round++) {
    for (const rpc of config.rpcs) {
      for (const concurrency of config.concurrency[rpc]) {
        // Rotated from cell to cell and, on top of that, from round to round: with two servers and an even
        // number of cells per round, rotating per cell alone would give each cell the same order every round.
        const order = servers.map((_, i) => servers[(i + turn + round) % servers.length]);
        turn++;
        for (const s of order) {
          const call = load.caller(s.clients, rpc, { tool: config.tool });
          await load.runCell(call, { concurrency, durationMs: config.cellWarmMs[rpc], maxCalls: config.maxCallsPerCell });
          const r = await load.runCell(call, {
            concurrency,
            durationMs: config.cellMs[rpc],
            maxCalls: config.maxCallsPerCell,
            serverPid: s.pid,
            clockTicks: ticks,
            keepLatencies: true,
          });
          cells.push({ server: s.name, rpc, concurrency, round, ...r });
          if (r.errors > 0) console.log(`  ${s.name} ${rpc} c=${concurrency}: ${r.errors} errors, first: ${r.firstError}`);
        }
      }
    }
    process.stdout.write(`round ${round + 1}/${config.rounds} done (${((performance.now() - runStarted) / 1000).toFixed(0)} s)\n`);
  }
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pid);
  for (const s of servers) await s.stop();

  // 6. Report.
  const best = {};
  for (const c of cells) {
    const key = `${c.server}|${c.rpc}|${c.concurrency}`;
    const all = (best[key] ??= { rounds: [] });
    all.rounds.push(c);
    if (!all.best || c.throughput > all.best.throughput) all.best = c;
  }
  const roundsOf = (server, rpc, c) => best[`${server}|${rpc}|${c}`]?.rounds ?? [];
  const get = (server, rpc, c) => best[`${server}|${rpc}|${c}`]?.best;
  // Server CPU per call over every round of a cell (more ticks, so steadier than one round's).
  const cpuPerCall = (server, rpc, c) => {
    const rounds = roundsOf(server, rpc, c);
    const calls = rounds.reduce((a, r) => a + r.calls, 0);
    const cpu = rounds.reduce((a, r) => a + (r.serverCpuMs ?? NaN), 0);
    return calls ? (cpu * 1000) / calls : NaN;
  };
  // p99 over the calls of every round of a cell: more calls behind it than one round's.
  const pooled = (server, rpc, c, p) => {
    const all = roundsOf(server, rpc, c).flatMap((r) => r.latencies ?? []);
    all.sort((a, b) => a - b);
    return load.percentile(all, p);
  };
  for (const v of Object.values(best)) {
    const { server, rpc, concurrency } = v.best;
    v.best.serverCpuUsPerCallAllRounds = cpuPerCall(server, rpc, concurrency);
    v.best.p50AllRoundsMs = pooled(server, rpc, concurrency, 50);
    v.best.p99AllRoundsMs = pooled(server, rpc, concurrency, 99);
    v.best.callsAllRounds = v.rounds.reduce((a, r) => a + r.calls, 0);
  }
  for (const c of cells) delete c.latencies;
  const names = servers.map((s) => s.name);

  for (const rpc of config.rpcs) {
    console.log(
      rpc === "Complete"
        ? `\nComplete (${config.deltas} deltas a stream): deltas/s, time to the last event (ms) of the best round, server CPU per stream (µs, all rounds), streams measured (all rounds)`
        : `\nExecuteTool: calls/s, latency (ms) of the best round, server CPU per call (µs, all rounds), calls measured (all rounds)`,
    );
    const rows = config.concurrency[rpc].map((c) => [
      String(c),
      ...names.flatMap((n) => {
        const r = get(n, rpc, c);
        if (!r) return ["-", "-", "-", "-", "-"];
        return [fmt(rpc === "Complete" ? r.unitsPerSec : r.throughput), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(cpuPerCall(n, rpc, c)), String(r.callsAllRounds)];
      }),
    ]);
    table(["conc", ...names.flatMap((n) => [`${n} ${unitName[rpc]}`, "p50", "p99", "cpu/call", "n"])], rows);
    if (rpc === "Complete") {
      console.log(
        `  time to the first event, p50 (best round): ` +
          config.concurrency[rpc].map((c) => `c=${c} ${names.map((n) => `${n} ${fmt(get(n, rpc, c)?.firstEventP50Ms, 2)} ms`).join(", ")}`).join("; "),
      );
    }
  }

  const ratios = [];
  if (names.includes("sdk") && names.includes("bare")) {
    console.log(
      "\nratios (servePlugin vs. bare connect-node; target in brackets): throughput and p99 of the best round; p99 over all rounds and\n" +
        "server CPU per call for reference",
    );
    for (const rpc of config.rpcs) {
      for (const c of config.concurrency[rpc]) {
        const s = get("sdk", rpc, c);
        const b = get("bare", rpc, c);
        if (!s || !b) continue;
        const entry = {
          rpc,
          concurrency: c,
          throughputVsBare: s.throughput / b.throughput,
          p99VsBare: s.p99Ms / b.p99Ms,
          p99AllRoundsVsBare: s.p99AllRoundsMs / b.p99AllRoundsMs,
          cpuPerCallVsBare: cpuPerCall("sdk", rpc, c) / cpuPerCall("bare", rpc, c),
          medianThroughputVsBare: median(roundsOf("sdk", rpc, c).map((r) => r.throughput)) / median(roundsOf("bare", rpc, c).map((r) => r.throughput)),
        };
        ratios.push(entry);
        console.log(
          `  ${rpc.padEnd(11)} c=${String(c).padEnd(3)} ` +
            `thr ${fmt(entry.throughputVsBare, 2)}x [>=${targets.throughputVsBare}]${entry.throughputVsBare < targets.throughputVsBare ? " MISSED" : " ok"}`.padEnd(30) +
            `p99 ${fmt(entry.p99VsBare, 2)}x [<=${targets.p99VsBare}]${entry.p99VsBare > targets.p99VsBare ? " MISSED" : " ok"}`.padEnd(30) +
            `p99 all rounds ${fmt(entry.p99AllRoundsVsBare, 2)}x`.padEnd(24) +
            `cpu/call ${fmt(entry.cpuPerCallVsBare, 2)}x`.padEnd(18) +
            `median thr ${fmt(entry.medianThroughputVsBare, 2)}x`,
        );
      }
    }
  }

  const summary = {};
  for (const rpc of config.rpcs) {
    const rs = ratios.filter((r) => r.rpc === rpc);
    const pick = (key, f) => {
      const xs = rs.map((r) => r[key]).filter((x) => x !== undefined && !Number.isNaN(x));
      return xs.length ? f(...xs) : undefined;
    };
    const geomean = (key) => {
      const xs = rs.map((r) => r[key]).filter((x) => x !== undefined && !Number.isNaN(x) && x > 0);
      return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : undefined;
    };
    const thr = { target: `>= ${targets.throughputVsBare}`, worst: pick("throughputVsBare", Math.min), geomean: geomean("throughputVsBare") };
    thr.met = thr.worst === undefined ? undefined : thr.worst >= targets.throughputVsBare;
    thr.missedCells = rs.filter((r) => r.throughputVsBare < targets.throughputVsBare).length;
    const p99 = { target: `<= ${targets.p99VsBare}`, worst: pick("p99VsBare", Math.max), geomean: geomean("p99VsBare") };
    p99.met = p99.worst === undefined ? undefined : p99.worst <= targets.p99VsBare;
    p99.missedCells = rs.filter((r) => r.p99VsBare > targets.p99VsBare).length;
    summary[rpc] = { throughputVsBare: thr, p99VsBare: p99, cpuPerCallVsBareGeomean: geomean("cpuPerCallVsBare"), p99AllRoundsVsBareGeomean: geomean("p99AllRoundsVsBare"), cells: rs.length };
  }
  const verdict = (s) => (s.met === undefined ? "NOT MEASURED" : s.met ? "met" : `MISSED (${s.missedCells} cell(s))`);
  console.log("\ntargets (every cell must meet them; worst cell and geometric mean over the cells shown):");
  for (const [rpc, s] of Object.entries(summary)) {
    console.log(`  ${rpc.padEnd(11)} throughput >= ${targets.throughputVsBare}x bare: worst ${fmt(s.throughputVsBare.worst, 2)}x, geomean ${fmt(s.throughputVsBare.geomean, 2)}x  ${verdict(s.throughputVsBare)}`);
    console.log(`  ${rpc.padEnd(11)} p99 <= ${targets.p99VsBare}x bare       : worst ${fmt(s.p99VsBare.worst, 2)}x, geomean ${fmt(s.p99VsBare.geomean, 2)}x  ${verdict(s.p99VsBare)}`);
    console.log(`  ${rpc.padEnd(11)} (for reference: server CPU per call ${fmt(s.cpuPerCallVsBareGeomean, 2)}x bare, p99 over all rounds ${fmt(s.p99AllRoundsVsBareGeomean, 2)}x bare, geomeans)`);
  }

  console.log("\nmemory of the servers under test (MB): idle after startup / after the load (VmRSS), peak (VmHWM)");
  for (const n of names) {
    const m = memory[n];
    console.log(`  ${serverLabels[n].padEnd(18)} ${fmt(m.idle.rssMb, 1).padStart(6)} / ${fmt(m.afterLoad?.rssMb, 1).padStart(6)}, peak ${fmt(m.afterLoad?.hwmMb, 1)}`);
  }
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  machine.loadavgAtEnd = loadavg();
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of a core; client and servers share ${machine.nproc} cores with whatever else runs\n` +
      `       (load avg at start ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadavgAtEnd.map((l) => l.toFixed(2)).join(" ")}), so throughput ratios cannot\n` +
      `       exceed what the client sustains. Server CPU per call (/proc/<pid>/stat, ${ticks} Hz ticks) is the least noise-sensitive figure.\n` +
      `       Startup until both RPCs answered: ${names.map((n) => `${n} ${fmt(startupMs[n])} ms`).join(", ")}.`,
  );

  const missed = Object.values(summary).some((s) => s.throughputVsBare.met === false || s.p99VsBare.met === false);
  let profiles;
  if (config.profile === "always" || (config.profile === "when-missed" && missed)) {
    profiles = await profilePass(load);
  } else if (config.profile === "when-missed") {
    console.log("\nprofiles: not taken (every target met; BENCH_PROFILE=1 takes them anyway)");
  }

  const results = {
    machine,
    config,
    targets,
    method:
      "servers are child processes on 127.0.0.1; the bench process is the load generator (connect-node gRPC client, one HTTP/2 connection per server, a deadline per call); rounds interleave the servers in rotated order per cell; per cell the best-throughput round is reported, with server CPU per call and p50/p99 over all rounds alongside",
    spawnTimes,
    inProcess,
    startupMs,
    memory,
    best: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.best])),
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

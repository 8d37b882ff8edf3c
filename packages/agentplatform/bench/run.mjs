// `npm run bench -w packages/agentplatform`: in one run, (1) ExecuteTool round trips and (2) Complete delta
// streaming through `serve` against the same work as bare @grpc/grpc-js handlers (the baseline: what the SDK
// adds) and as a bare connect-node server, loaded by grpcload (bench-kit/grpcload, grpc-go; every answer
// checked), servers and load pinned to cores of their own; and (3) the time from spawning a local plugin to
// its handshake line. A report, not a test: it exits 0 whether or not the targets are met and prints MISSED
// next to each cell that misses one.
//
// Knobs (environment):
//   BENCH_QUICK=1              a smoke run: one round, short cells, 3 spawns, no profiles (about 20 s instead of
//                              about 3 min, plus about 45 s for the profile pass when a target is missed)
//   BENCH_RPCS=a,b             ExecuteTool,Complete (default both)
//   BENCH_SERVERS=a,b          of sdk (serve, on grpc-js), grpcjs (bare grpc-js handlers), bare (bare connect-node
//                              router); default all three
//   BENCH_PIN=0                do not pin (default: the load generator on the last core, the servers on the others)
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
//   LOG_LEVEL                  passed to the serve() process (default: the SDK's own default, info)
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { benchPaths, isQuick, list, profileMode, requireBuilt, resultsPath as resultsPathOf } from "../../../scripts/bench-kit/config.mjs";
import { corePlan, startGrpcLoad } from "../../../scripts/bench-kit/grpcload.mjs";
import { bundleDescriptors } from "../../../scripts/bench-kit/descriptors.mjs";
import { describeMachine, loadSpan, machineLine, recordLoadAtEnd } from "../../../scripts/bench-kit/machine.mjs";
import { printSummary, summarise } from "../../../scripts/bench-kit/profile-summary.mjs";
import { clockTicks, memOf } from "../../../scripts/bench-kit/proc-stats.mjs";
import { fmt, memoryLine, printTable, writeResults } from "../../../scripts/bench-kit/report.mjs";
import { cellGrid, runRounds } from "../../../scripts/bench-kit/rounds.mjs";
import { guardRun, runMain, sleep, startNodeServer as startNode, track } from "../../../scripts/bench-kit/servers.mjs";
import { geomean, indexRounds } from "../../../scripts/bench-kit/stats.mjs";
import { mark, misses, summariseTarget, verdict } from "../../../scripts/bench-kit/targets.mjs";

const { benchDir, pkgDir, repoDir, outDir, profileDir } = benchPaths(import.meta.url);

const env = process.env;
const QUICK = isQuick(env);
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
  servers: list(env.BENCH_SERVERS, "sdk,grpcjs,bare"),
  spawns: Number(env.BENCH_SPAWNS ?? (QUICK ? 3 : 10)),
  idleMs: QUICK ? 500 : 2000,
  profile: profileMode(env, QUICK),
  profileMs: 4000,
  profileConcurrency: { ExecuteTool: 16, Complete: 4 },
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessSettings: {
    ExecuteTool: { calls: QUICK ? 500 : 3000, rounds: QUICK ? 1 : 5, concurrency: 16 },
    Complete: { calls: QUICK ? 8 : 24, rounds: QUICK ? 1 : 5, concurrency: 4 },
  },
};
const resultsPath = resultsPathOf(env, benchDir);
/**
 * Issue 13's targets: server CPU per call (per stream for Complete) <= 1.5x bare grpc-js's with calls in
 * flight (every concurrency but 1), and a local plugin's spawn to handshake <= 300 ms (p50).
 */
const targets = { cpuVsBareGrpcJs: 1.5, handshakeMs: 300 };
const plan = corePlan(env);
const serverLabels = { sdk: "serve (SDK, grpc-js)", grpcjs: "bare grpc-js", bare: "bare connect-node" };
const unitName = { ExecuteTool: "calls/s", Complete: "deltas/s" };
/**
 * How the profiles count the SDK's samples: serve wraps connect's whole handler, so a sample is the
 * SDK's only when its nearest library frame is agentwire's; frames named by their source file.
 */
const profileView = { sdkPackages: ["agentplatform", "core"], attribution: "nearest", sourceFiles: true };

// Nothing here may run unbounded: a hard stop well past the expected run time.
guardRun(QUICK ? 180_000 : 720_000);

/** What .bench-out/descriptors.mjs exports (bundled at startup; see main). */
const descriptorsEntry = `
export { ToolProvider } from "../src/gen/agentplatform/v1/tool_pb.js";
export { LLMProvider, FinishReason } from "../src/gen/agentplatform/v1/llm_pb.js";
export { Plugin as PluginService, Capability } from "../src/gen/agentplatform/v1/plugin_pb.js";
`;

/** Starts a node server script of this bench (see startNodeServer in bench-kit/servers.mjs). */
function startNodeServer(name, script, { profile = false, logName = name } = {}) {
  return startNode(name, script, { cwd: benchDir, outDir, profile, profileDir, logName, cpus: plan.serverCpus });
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

/** Runs the servers again under --cpu-prof, one process per (server, rpc), kept out of the measured runs. */
async function profilePass(load, gen) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const profiles = {};
  console.log(
    `\nprofiles: ${config.servers.join(", ")} again under node --cpu-prof, one server process per RPC: 1 s warm-up, then ${config.profileMs} ms at ` +
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
        const concurrency = config.profileConcurrency[rpc];
        await gen.cell(cellOf(load, server, rpc, concurrency, 1000));
        const r = await gen.cell(cellOf(load, server, rpc, concurrency, config.profileMs));
        calls = r.calls;
        units = rpc === "Complete" ? r.calls * config.deltas : r.calls;
      } finally {
        await server.stop();
      }
      const file = join(profileDir, `${logName}.cpuprofile`);
      if (!existsSync(file)) {
        console.log(`  ${logName}: no profile written`);
        continue;
      }
      const summary = summarise(file, 20, profileView);
      summary.measuredCalls = calls;
      summary.measuredUnits = units;
      profiles[logName] = summary;
      printSummary(`${logName}: ${file}`, summary);
      console.log(`  (${calls} measured calls${rpc === "Complete" ? `, ${units} deltas` : ""}; the profile also holds start-up and the warm-up)`);
    }
  }
  return profiles;
}

/** A grpcload cell of `rpc` against `server` (its wire call made once and kept on the server). */
function cellOf(load, server, rpc, concurrency, durationMs) {
  server.wire ??= {};
  const { check: _check, ...call } = (server.wire[rpc] ??= load.wireCall(rpc, { tool: config.tool }));
  return { ...call, target: new URL(server.url).host, concurrency, durationMs, maxCalls: config.maxCallsPerCell };
}

/**
 * One measured cell: `r` checked (every answer gRPC OK and, for the last one, what the plugin answers),
 * with Complete's figures in deltas (grpcload counts every message of a stream: the deltas, usage, finish).
 */
function checked(server, rpc, r) {
  try {
    server.wire[rpc].check(r);
  } catch (err) {
    r.errors++;
    r.firstError ??= err.message;
  }
  delete r.sample;
  if (rpc === "Complete") {
    r.units = r.calls * config.deltas;
    r.unitsPerSec = (r.units / r.elapsedMs) * 1000;
  }
  return r;
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
  printTable(
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
  requireBuilt(pkgDir);
  mkdirSync(outDir, { recursive: true });
  // The bare servers and the client need generated descriptors without loading the SDK.
  await bundleDescriptors({ entry: descriptorsEntry, benchDir, outDir });
  env.BENCH_DELTAS = String(config.deltas); // the servers' workload.mjs reads it too
  const load = await import("./load.mjs");
  const ticks = clockTicks();
  const gen = await startGrpcLoad({ outDir, cpus: plan.loadCpus });

  const machine = describeMachine();
  console.log(
    `agentwire agentplatform bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `${machineLine(machine)}\n` +
      `method: each server is a child process on 127.0.0.1; the load generator is grpcload (bench-kit/grpcload, grpc-go ${gen.grpcGo}), one\n` +
      `        HTTP/2 connection per server, a deadline on every call, every answer checked as gRPC OK, every stream's message count and\n` +
      `        the last answer of each cell checked in full. ${plan.pinned ? `Pinned with taskset: servers on core(s) ${plan.serverCpus}, the load generator on core ${plan.loadCpus}` : `Not pinned (${plan.why})`}.\n` +
      `        ExecuteTool: tool ${JSON.stringify(config.tool)} with {"a":20,"b":22}, answer 42.\n` +
      `        Complete: ${config.deltas} text deltas, usage, finish per stream. ${config.rounds} round(s); in each round every (rpc, concurrency)\n` +
      `        cell runs against every server back to back, in an order rotated per cell and per round; each cell: a short unmeasured run, then\n` +
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
    for (const rpc of config.rpcs) await gen.cell(cellOf(load, s, rpc, rpc === "Complete" ? 4 : 32, config.warmupMs / 2));
  }

  // 5. The measurements, interleaved; the order rotated from cell to cell and from round to round.
  const cells = await runRounds({
    rounds: config.rounds,
    cells: cellGrid("rpc", config.rpcs, (rpc) => config.concurrency[rpc]),
    servers,
    rotateEachRound: true,
    startedAt: runStarted,
    async measure(s, { rpc, concurrency }) {
      await gen.cell(cellOf(load, s, rpc, concurrency, config.cellWarmMs[rpc]));
      return checked(s, rpc, await gen.cell(cellOf(load, s, rpc, concurrency, config.cellMs[rpc]), { serverPid: s.pid, clockTicks: ticks }));
    },
  });
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pid);
  for (const s of servers) await s.stop();

  // 6. Report.
  const index = indexRounds(cells, "rpc");
  const get = index.best;
  const cpuPerCall = index.cpuPerCall;
  index.annotateCpuPerCall();
  for (const v of Object.values(index.groups)) v.best.callsAllRounds = v.rounds.reduce((a, r) => a + r.calls, 0);
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
    printTable(["conc", ...names.flatMap((n) => [`${n} ${unitName[rpc]}`, "p50", "p99", "cpu/call", "n"])], rows);
    if (rpc === "Complete") {
      console.log(
        `  time to the first event, p50 (best round): ` +
          config.concurrency[rpc].map((c) => `c=${c} ${names.map((n) => `${n} ${fmt(get(n, rpc, c)?.firstEventP50Ms, 2)} ms`).join(", ")}`).join("; "),
      );
    }
  }

  // Issue 13's comparison: serve on grpc-js against bare grpc-js handlers (what the SDK adds); bare
  // connect-node for reference (what the transport saved).
  const ratios = [];
  const has = (n) => names.includes(n);
  if (has("sdk") && (has("grpcjs") || has("bare"))) {
    console.log("\nratios of serve (SDK, grpc-js): server CPU per call over all rounds; throughput and p99 of the best rounds; issue 13's target in brackets");
    for (const rpc of config.rpcs) {
      for (const c of config.concurrency[rpc]) {
        const s = get("sdk", rpc, c);
        if (!s) continue;
        const entry = { rpc, concurrency: c };
        const parts = [`${rpc.padEnd(11)} c=${String(c).padEnd(3)}`];
        for (const [other, key, label] of [["grpcjs", "VsBareGrpcJs", "bare grpc-js"], ["bare", "VsBareConnect", "bare connect-node"]]) {
          const o = get(other, rpc, c);
          if (!o) continue;
          const cpu = (entry[`cpuPerCall${key}`] = cpuPerCall("sdk", rpc, c) / cpuPerCall(other, rpc, c));
          entry[`throughput${key}`] = s.throughput / o.throughput;
          entry[`p99${key}`] = s.p99Ms / o.p99Ms;
          const judged = other === "grpcjs" && c > 1;
          parts.push(
            `cpu ${fmt(cpu, 2)}x ${label}${judged ? ` ${mark(cpu, "<=", targets.cpuVsBareGrpcJs)}` : ""}, thr ${fmt(entry[`throughput${key}`], 2)}x, p99 ${fmt(entry[`p99${key}`], 2)}x`.padEnd(72),
          );
        }
        ratios.push(entry);
        console.log("  " + parts.join(" "));
      }
    }
  }

  const summary = {};
  for (const rpc of config.rpcs) {
    const judged = ratios.filter((r) => r.rpc === rpc && r.concurrency > 1);
    const cpu = summariseTarget(judged.map((r) => r.cpuPerCallVsBareGrpcJs), "<=", targets.cpuVsBareGrpcJs);
    cpu.missedCells = judged.filter((r) => misses(r.cpuPerCallVsBareGrpcJs, "<=", targets.cpuVsBareGrpcJs)).length;
    summary[rpc] = { cpuPerCallVsBareGrpcJs: cpu, throughputVsBareGrpcJsGeomean: geomean(judged.map((r) => r.throughputVsBareGrpcJs)), cells: judged.length };
  }
  const handshake = spawnTimes?.results?.["plugin-files"]?.handshakeMs?.p50 ?? spawnTimes?.results?.["sdk-minimal"]?.handshakeMs?.p50;
  summary.handshake = { target: `<= ${targets.handshakeMs} ms`, value: handshake, met: handshake === undefined ? undefined : handshake <= targets.handshakeMs };
  const verdictOf = (s) => verdict(s.met, ` (${s.missedCells} cell(s))`);
  console.log("\ntargets (issue 13; every cell with calls in flight must meet them; worst cell and geometric mean over those cells shown):");
  for (const rpc of config.rpcs) {
    const s = summary[rpc];
    console.log(
      `  ${rpc.padEnd(11)} server CPU per ${rpc === "Complete" ? "stream" : "call  "} <= ${targets.cpuVsBareGrpcJs}x bare grpc-js: worst ${fmt(s.cpuPerCallVsBareGrpcJs.worst, 2)}x, geomean ${fmt(s.cpuPerCallVsBareGrpcJs.geomean, 2)}x  ${verdictOf(s.cpuPerCallVsBareGrpcJs)}` +
        `   (throughput ${fmt(s.throughputVsBareGrpcJsGeomean, 2)}x bare grpc-js, geomean)`,
    );
  }
  console.log(`  local plugin spawn -> handshake <= ${targets.handshakeMs} ms (p50, examples/plugin-files): ${fmt(handshake, 1)} ms  ${verdict(summary.handshake.met)}`);

  console.log("\nmemory of the servers under test (MB): idle after startup / after the load (VmRSS), peak (VmHWM)");
  for (const n of names) console.log(memoryLine(serverLabels[n], memory[n], 18));
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  recordLoadAtEnd(machine);
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of its core (at 100% it, not the server, would cap throughput); the\n` +
      `       machine has ${machine.nproc} cores, shared with whatever else runs (${loadSpan(machine)}). Server CPU per call (/proc/<pid>/stat, ${ticks} Hz ticks) is the least noise-sensitive figure.\n` +
      `       Startup until both RPCs answered: ${names.map((n) => `${n} ${fmt(startupMs[n])} ms`).join(", ")}.`,
  );

  const missed = config.rpcs.some((rpc) => summary[rpc].cpuPerCallVsBareGrpcJs.met === false);
  let profiles;
  if (config.profile === "always" || (config.profile === "when-missed" && missed)) {
    profiles = await profilePass(load, gen);
  } else if (config.profile === "when-missed") {
    console.log("\nprofiles: not taken (every target met; BENCH_PROFILE=1 takes them anyway)");
  }

  await gen.stop();

  const results = {
    machine,
    config,
    targets,
    method: `servers are child processes on 127.0.0.1; the load generator is grpcload (grpc-go ${gen.grpcGo}; one HTTP/2 connection per server, a deadline per call, every answer checked as gRPC OK, every Complete stream's message count and each cell's last answer checked); ${plan.pinned ? `servers pinned to core(s) ${plan.serverCpus}, the load generator to core ${plan.loadCpus}` : `not pinned (${plan.why})`}; rounds interleave the servers in rotated order per cell; per cell the best-throughput round is reported, with server CPU per call over all rounds alongside`,
    pinning: plan,
    spawnTimes,
    inProcess,
    startupMs,
    memory,
    best: index.bestByKey(),
    ratios,
    summary,
    cells,
    profiles,
  };
  writeResults(resultsPath, results, runStarted);
}

runMain(main);

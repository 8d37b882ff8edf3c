// `npm run bench -w packages/flyte`: server CPU per call, throughput, latency and idle memory of `serve`
// against the same work as bare @grpc/grpc-js handlers (the baseline: what the SDK adds), raw node:http2
// (the floor), flytekit's connector server (the peer authors would pick instead) and `serve` on
// connect-node, in one run; and the same agent served to Flyte 2 (flyteidl2.connector) against flyte-sdk's
// connector server. The load comes from grpcload (bench-kit/grpcload, on grpc-go), which checks every answer
// as gRPC OK; it and the servers are pinned to cores of their own. A report, not a test: it exits 0 whether
// or not the targets are met and prints MISSED next to each one that is not.
//
// Knobs (environment):
//   BENCH_QUICK=1        a smoke run: one round, short cells (about 20 s instead of about 2.5 min)
//   BENCH_IN_PROCESS=0   skip the in-process (no network) handler-overhead measurement
//   BENCH_SERVERS=a,b    which servers, of sdk,grpcjs,raw,flytekit,sdkc,bare,sdk2,flytesdk (default all but bare).
//                        sdk is serve() on its default transport, @grpc/grpc-js; grpcjs the same work as bare
//                        grpc-js handlers; raw the same work answered on node:http2 without a gRPC library (the
//                        floor, not a conforming server: serve-raw.mjs); sdkc serve() on connect-node (transport
//                        "connect"); bare the same work on a bare connect-node router; sdk2 is serve-sdk.mjs
//                        called over Flyte 2's protocol, flytesdk flyte-sdk's server.
//   BENCH_ROUNDS=n       rounds per cell (default 5, quick 1)
//   BENCH_CELL_MS=ms     measured time per cell (default 700, quick 250)
//   BENCH_CONCURRENCY=.. in-flight calls, comma-separated (default 1,8,32)
//   BENCH_RPCS=..        GetTask,CreateTask (default both)
//   BENCH_PROFILE=1      run the node servers under --cpu-prof and print where their time goes
//   BENCH_PIN=0          do not pin (default: the load generator on the last core, the servers on the others)
//   BENCH_OUT=path       where the JSON results go (default bench/results.json)
//   LOG_LEVEL            passed to the serve process (default: serve's own default, info)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { benchPaths, isQuick, list, requireBuilt, resultsPath as resultsPathOf } from "../../../scripts/bench-kit/config.mjs";
import { bundleDescriptors } from "../../../scripts/bench-kit/descriptors.mjs";
import { describeMachine, loadSpan, machineLine, recordLoadAtEnd } from "../../../scripts/bench-kit/machine.mjs";
import { printSummary, summarise } from "../../../scripts/bench-kit/profile-summary.mjs";
import { clockTicks, memOf } from "../../../scripts/bench-kit/proc-stats.mjs";
import { fmt, memoryLine, printBestRounds, writeResults } from "../../../scripts/bench-kit/report.mjs";
import { cellGrid, runRounds } from "../../../scripts/bench-kit/rounds.mjs";
import { corePlan, startGrpcLoad } from "../../../scripts/bench-kit/grpcload.mjs";
import {
  guardRun,
  runMain,
  sleep,
  awaitServers,
  startExternalServer,
  startNodeServer as startNode,
  startServers,
  freePort,
  track,
  waitExit,
  withTimeout,
} from "../../../scripts/bench-kit/servers.mjs";
import { indexRounds } from "../../../scripts/bench-kit/stats.mjs";
import { mark, summariseTarget, verdict } from "../../../scripts/bench-kit/targets.mjs";

const { benchDir, pkgDir, repoDir, outDir, profileDir } = benchPaths(import.meta.url);

const env = process.env;
const QUICK = isQuick(env);
const config = {
  quick: QUICK,
  rounds: Number(env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)),
  cellMs: Number(env.BENCH_CELL_MS ?? (QUICK ? 250 : 700)),
  cellWarmMs: QUICK ? 50 : 150,
  warmupMs: QUICK ? 300 : 1500,
  maxCallsPerCell: 200_000,
  idleMs: QUICK ? 1000 : 3000,
  /**
   * How long the example server is left idle before its idle RSS is read. V8's memory reducer shrinks the
   * young generation that start-up grew (~15 MB here) only after some seconds without work (seen: between
   * 10 and 20 s), so the figure after `idleMs` is still start-up's; the settled one is what a deployed,
   * idle server holds. Both are reported; the target is judged on the settled one.
   */
  settleMs: QUICK ? 3000 : 30_000,
  concurrencies: list(env.BENCH_CONCURRENCY, "1,8,32").map(Number),
  rpcs: list(env.BENCH_RPCS, "GetTask,CreateTask"),
  servers: list(env.BENCH_SERVERS, "sdk,grpcjs,raw,flytekit,sdkc,sdk2,flytesdk"),
  profile: env.BENCH_PROFILE === "1",
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessCalls: QUICK ? 300 : 2000,
  inProcessRounds: QUICK ? 1 : 5,
  inProcessConcurrency: 16,
};
const resultsPath = resultsPathOf(env, benchDir);
/**
 * Issue 13's targets: server CPU per call at 8 and 32 in flight <= 0.3x flytekit's and <= 1.5x bare grpc-js's
 * (GetTask and CreateTask), throughput >= 3x flytekit's at 32 in flight, idle RSS of the example <= 80 MB.
 */
const targets = { cpuVsFlytekit: 0.3, cpuVsBareGrpcJs: 1.5, cpuAt: [8, 32], throughputVsFlytekit: 3, throughputAt: [32], idleRssMb: 80 };
const plan = corePlan(env);
const serverLabels = { sdk: "serve (SDK, grpc-js)", grpcjs: "bare grpc-js", sdkc: "serve on connect-node", bare: "bare connect-node", flytekit: "flytekit", raw: "raw node:http2", sdk2: "serve, Flyte 2", flytesdk: "flyte-sdk (Flyte 2)" };
/** The protocol each server is called over: Flyte 2's flyteidl2.connector for these, Flyte 1's for the rest. */
const flyte2Servers = new Set(["sdk2", "flytesdk"]);
const protocolOf = (name) => (flyte2Servers.has(name) ? "v2" : "v1");
/** How the profiles count the SDK's samples: an agentwire frame anywhere on the stack. */
const profileView = { sdkPackages: ["flyte", "core"] };

// Nothing here may run unbounded: a hard stop well past the expected run time.
guardRun(QUICK ? 120_000 : 600_000);

/** What .bench-out/descriptors.mjs exports (bundled at startup; see main). */
const descriptorsEntry = `
export { AsyncAgentService } from "../src/gen/flyteidl/service/agent_pb.js";
export {
  CreateTaskRequestSchema,
  CreateTaskResponseSchema,
  GetTaskRequestSchema,
  GetTaskResponseSchema,
  State,
  TaskExecutionMetadataSchema,
} from "../src/gen/flyteidl/admin/agent_pb.js";
export { TaskExecution_Phase } from "../src/gen/flyteidl/core/execution_pb.js";
export { LiteralSchema } from "../src/gen/flyteidl/core/literals_pb.js";
export { TaskTemplateSchema } from "../src/gen/flyteidl/core/tasks_pb.js";
export { AsyncConnectorService } from "../src/gen2/flyteidl2/connector/service_pb.js";
export {
  CreateTaskRequestSchema as CreateTaskRequestSchemaV2,
  GetTaskRequestSchema as GetTaskRequestSchemaV2,
  TaskExecutionMetadataSchema as TaskExecutionMetadataSchemaV2,
} from "../src/gen2/flyteidl2/connector/connector_pb.js";
export { LiteralSchema as LiteralSchemaV2 } from "../src/gen2/flyteidl2/core/literals_pb.js";
export { TaskTemplateSchema as TaskTemplateSchemaV2 } from "../src/gen2/flyteidl2/core/tasks_pb.js";
`;

/** Starts a node server script of this bench (see startNodeServer in bench-kit/servers.mjs), on the servers' cores. */
function startNodeServer(name, script, extraEnv) {
  return startNode(name, script, { cwd: benchDir, outDir, profile: config.profile, profileDir, cpus: plan.serverCpus, env: { ...env, ...extraEnv } });
}

async function startFlytekit() {
  const pyflyte = join(repoDir, ".venv/bin/pyflyte");
  if (!existsSync(pyflyte)) throw new Error(`${pyflyte} not found; run \`bash scripts/setup-python.sh\` first`);
  const promPort = await freePort();
  return startExternalServer(
    "flytekit",
    pyflyte,
    (port) => ["serve", "connector", "--port", String(port), "--prometheus_port", String(promPort), "--modules", "flytekit_bench_agent"],
    { cwd: benchDir, env: { ...env, FLYTE_SDK_RICH_TRACEBACKS: "0" }, logPath: join(outDir, "flytekit.log"), cpus: plan.serverCpus },
  );
}

/** flyte-sdk's connector server (the PyPI `flyte` package) with flyte_sdk_bench_connector.py: Flyte 2's peer. */
async function startFlyteSdk() {
  const c0 = join(repoDir, ".venv/bin/c0");
  if (!existsSync(c0)) throw new Error(`${c0} not found; run \`bash scripts/setup-python.sh\` first`);
  const promPort = await freePort();
  return startExternalServer("flytesdk", c0, (port) => ["--port", String(port), "--prometheus_port", String(promPort), "--modules", "flyte_sdk_bench_connector"], {
    cwd: benchDir,
    env: { ...env },
    logPath: join(outDir, "flyte-sdk.log"),
    cpus: plan.serverCpus,
  });
}

/** Retries one CreateTask until the server answers (bounded); returns the resource_meta it gave. */
async function ready(server, client, requests, ms) {
  const deadline = performance.now() + ms;
  let last;
  while (performance.now() < deadline) {
    if (server.exited?.()) break;
    try {
      const res = await client.createTask(requests.create, { timeoutMs: 2000 });
      return res.resourceMeta;
    } catch (err) {
      last = err;
      await sleep(200);
    }
  }
  throw new Error(`${server.name} never answered CreateTask at ${server.url}: ${last?.message ?? "exited"}`);
}

/** Idle RSS of the example agents' server (`examples/flyte-agents/dist/main.js`), the issue's memory target. */
async function exampleIdleRss() {
  const main = join(repoDir, "examples/flyte-agents/dist/main.js");
  if (!existsSync(main)) return { skipped: `${main} not built (npm run build)` };
  const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-bench-jobs-"));
  const child = track(
    spawn(process.execPath, [main], {
      cwd: repoDir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...env, PORT: "0", BATCH_JOBS_DIR: jobsDir },
    }),
  );
  try {
    const lines = createInterface({ input: child.stderr });
    const line = await withTimeout(
      new Promise((res, rej) => {
        lines.on("line", (l) => l.includes('"msg":"serving') && res(l));
        child.once("exit", (code) => rej(new Error(`examples main.js exited with ${code}`)));
      }),
      20_000,
      "examples main.js serving",
    );
    const startup = memOf(child.pid);
    await sleep(config.idleMs);
    const early = memOf(child.pid);
    await sleep(Math.max(0, config.settleMs - config.idleMs));
    const idle = memOf(child.pid);
    return {
      agents: JSON.parse(line).agents?.map((a) => a.taskType),
      rssAtStartupMb: startup.rssMb,
      rssAfterIdleMsMb: early.rssMb,
      idleRssMb: idle.rssMb,
      settleMs: config.settleMs,
      hwmMb: idle.hwmMb,
    };
  } finally {
    child.kill("SIGTERM");
    await waitExit(child, 5000);
    rmSync(jobsDir, { recursive: true, force: true });
  }
}

async function main() {
  const runStarted = performance.now();
  requireBuilt(pkgDir);
  mkdirSync(outDir, { recursive: true });
  if (config.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  await bundleDescriptors({ entry: descriptorsEntry, benchDir, outDir });
  const load = await import("./load.mjs");
  const ticks = clockTicks();
  const gen = await startGrpcLoad({ outDir, cpus: plan.loadCpus });

  const machine = describeMachine();
  console.log(
    `agentwire flyte bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `${machineLine(machine)}\n` +
      `method: each server is a child process on 127.0.0.1; the load generator is grpcload (bench-kit/grpcload, grpc-go ${gen.grpcGo}), one HTTP/2\n` +
      `        connection per server, the same request bytes every call, 10 s deadline per call, every answer checked as gRPC OK and\n` +
      `        non-empty, the last of each cell decoded and checked in full. Flyte 1 requests to sdk, grpcjs, raw, flytekit, sdkc, bare;\n` +
      `        Flyte 2 requests with the same template and input to sdk2 and flyte-sdk.\n` +
      `        ${plan.pinned ? `pinned with taskset: servers on core(s) ${plan.serverCpus}, the load generator on core ${plan.loadCpus}` : `not pinned (${plan.why})`}.\n` +
      `        ${config.rounds} round(s); in each round every (rpc, concurrency) cell is run against every server back to back, in an order\n` +
      `        rotated each time; each cell: ${config.cellWarmMs} ms unmeasured, then ${config.cellMs} ms measured. Reported: the round with the best\n` +
      `        throughput per cell (its p50/p99 with it) and server CPU per call over all rounds; all rounds are in the JSON.`,
  );

  // 1. Idle memory of the example agents' server, before anything else loads the machine.
  const example = await exampleIdleRss().catch((err) => ({ error: String(err.message ?? err) }));
  console.log(
    example.idleRssMb !== undefined
      ? `\nidle RSS, examples/flyte-agents/dist/main.js (${example.agents?.join(", ")}): ${fmt(example.idleRssMb, 1)} MB after ${config.settleMs / 1000} s idle ` +
        `(${fmt(example.rssAtStartupMb, 1)} MB at startup, ${fmt(example.rssAfterIdleMsMb, 1)} MB after ${config.idleMs / 1000} s, before V8's memory reducer ran)`
      : `\nidle RSS of the example agents: not measured (${example.skipped ?? example.error})`,
  );

  // 1b. The SDK's handler path against the bare routes, in this process, without a network (steadier).
  let inProcess;
  if (config.inProcess) {
    const { runInProcess } = await import("./in-process.mjs");
    inProcess = await runInProcess({
      rpcs: config.rpcs,
      calls: config.inProcessCalls,
      rounds: config.inProcessRounds,
      concurrency: config.inProcessConcurrency,
    });
    console.log(
      `\nin-process, no network (connect router transport, client included; ${config.inProcessCalls} calls x ${config.inProcessRounds} rounds, ` +
        `${config.inProcessConcurrency} in flight, best round): µs per call`,
    );
    for (const [rpc, variants] of Object.entries(inProcess)) {
      const bare = variants.bare?.usPerCall;
      console.log(
        `  ${rpc.padEnd(10)} ` +
          Object.entries(variants)
            .map(([name, v]) => `${name} ${fmt(v.usPerCall, 1)}${name === "bare" ? "" : ` (${fmt(v.usPerCall / bare, 2)}x)`}`)
            .join(" | "),
      );
    }
  }

  // 2. Start the servers under test.
  const skipped = {};
  const requests = { v1: { create: load.createTaskRequest("v1") }, v2: { create: load.createTaskRequest("v2") } };
  const servers = await startServers(
    config.servers,
    async (name) => {
      const server =
        name === "sdk" || name === "bare" || name === "raw"
          ? await startNodeServer(name, join(benchDir, `serve-${name}.mjs`))
          : name === "sdk2"
            ? await startNodeServer(name, join(benchDir, "serve-sdk.mjs"))
            : name === "grpcjs"
              ? await startNodeServer(name, join(benchDir, "serve-grpcjs.mjs"))
              : name === "sdkc"
                ? await startNodeServer(name, join(benchDir, "serve-sdk.mjs"), { AGENTWIRE_GRPC_TRANSPORT: "connect" })
            : name === "flytekit"
              ? await startFlytekit()
              : name === "flytesdk"
                ? await startFlyteSdk()
                : undefined;
      if (!server) throw new Error(`unknown server ${name} (sdk, grpcjs, sdkc, bare, flytekit, sdk2, flytesdk, raw)`);
      server.protocol = protocolOf(name);
      server.client = load.createBenchClient(server.url, server.protocol);
      return server;
    },
    { labels: serverLabels, skipped },
  );
  const startupMs = await awaitServers(
    servers,
    async (server) => {
      const own = requests[server.protocol];
      server.resourceMeta = await ready(server, server.client, own, server.name === "flytekit" || server.name === "flytesdk" ? 60_000 : 10_000);
      server.requests = { create: own.create, get: load.getTaskRequest(server.resourceMeta, server.protocol) };
    },
    { labels: serverLabels, skipped },
  );
  await sleep(config.idleMs);
  const memory = {};
  for (const s of servers) memory[s.name] = { idle: memOf(s.pid) };

  // 3. Warm up every server on both RPCs (JIT, connection windows), unmeasured.
  const wireOf = (s, rpc) => (s.wire[rpc] ??= load.wireCall(rpc, s.requests, s.protocol));
  const cellOf = (s, rpc, concurrency, durationMs) => {
    const { check, ...call } = wireOf(s, rpc);
    return { ...call, target: new URL(s.url).host, concurrency, durationMs, maxCalls: config.maxCallsPerCell };
  };
  for (const s of servers) {
    s.wire = {};
    for (const rpc of config.rpcs) await gen.cell(cellOf(s, rpc, 32, config.warmupMs / 2));
  }

  // 4. The measurements, interleaved.
  const grid = cellGrid("rpc", config.rpcs, () => config.concurrencies);
  const cells = await runRounds({
    rounds: config.rounds,
    cells: grid,
    servers,
    startedAt: runStarted,
    async measure(s, { rpc, concurrency }) {
      await gen.cell(cellOf(s, rpc, concurrency, config.cellWarmMs));
      const { sample, ...r } = await gen.cell(cellOf(s, rpc, concurrency, config.cellMs), { serverPid: s.pid, clockTicks: ticks });
      try {
        if (sample) wireOf(s, rpc).check(sample);
      } catch (err) {
        r.errors++;
        r.firstError ??= `the answer decoded wrong: ${err.message}`;
      }
      return r;
    },
  });
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pid);
  for (const s of servers) await s.stop();
  await gen.stop();

  // 5. Report.
  const index = indexRounds(cells, "rpc");
  const get = index.best;
  const cpuPerCall = index.cpuPerCall;
  index.annotateCpuPerCall();
  const names = servers.map((s) => s.name);

  console.log("\nthroughput (calls/s) and latency (ms): best round of each cell; server CPU per call (µs): all rounds of the cell");
  printBestRounds(index, "rpc", grid, names);

  // Issue 13's comparisons: serve on grpc-js against bare grpc-js handlers (what the SDK adds), raw
  // node:http2 (the floor), flytekit (the peer), and itself on connect-node (what the transport saved).
  const ratios = [];
  const has = (n) => names.includes(n);
  if (has("sdk")) {
    console.log("\nratios of serve (SDK, grpc-js): server CPU per call over all rounds, throughput of the best rounds; issue 13's targets in brackets");
    for (const rpc of config.rpcs) {
      for (const c of config.concurrencies) {
        const entry = { rpc, concurrency: c };
        const parts = [`${rpc.padEnd(10)} c=${String(c).padEnd(3)}`];
        const s = get("sdk", rpc, c);
        for (const [other, key, label] of [["grpcjs", "VsBareGrpcJs", "bare grpc-js"], ["raw", "VsRaw", "raw http2"], ["flytekit", "VsFlytekit", "flytekit"], ["sdkc", "VsConnect", "connect"], ["bare", "VsBareConnect", "bare connect"]]) {
          const o = get(other, rpc, c);
          if (!s || !o) continue;
          const cpu = (entry[`cpuPerCall${key}`] = cpuPerCall("sdk", rpc, c) / cpuPerCall(other, rpc, c));
          const thr = (entry[`throughput${key}`] = s.throughput / o.throughput);
          let text = `cpu ${fmt(cpu, 2)}x ${label}`;
          if (other === "grpcjs" && targets.cpuAt.includes(c)) text += ` ${mark(cpu, "<=", targets.cpuVsBareGrpcJs)}`;
          if (other === "flytekit" && targets.cpuAt.includes(c)) text += ` ${mark(cpu, "<=", targets.cpuVsFlytekit)}`;
          if (other === "flytekit") text += `, thr ${fmt(thr, 2)}x${targets.throughputAt.includes(c) ? ` ${mark(thr, ">=", targets.throughputVsFlytekit)}` : ""}`;
          parts.push(text.padEnd(other === "flytekit" ? 54 : 34));
        }
        ratios.push(entry);
        console.log("  " + parts.join(" "));
      }
    }
  }

  // Flyte 2: the same agent over flyteidl2.connector, against itself over Flyte 1 (what the v2 adaptation
  // costs) and against flyte-sdk's server (the peer a Flyte 2 connector author would pick instead).
  const ratios2 = [];
  if (has("sdk2") && (has("sdk") || has("flytesdk"))) {
    console.log("\nFlyte 2 ratios (serve over flyteidl2.connector vs. the same server over Flyte 1, and vs. flyte-sdk; best round of each cell):");
    for (const rpc of config.rpcs) {
      for (const c of config.concurrencies) {
        const s2 = get("sdk2", rpc, c);
        const s1 = get("sdk", rpc, c);
        const f = get("flytesdk", rpc, c);
        const entry = { rpc, concurrency: c };
        const parts = [`${rpc.padEnd(10)} c=${String(c).padEnd(3)}`];
        if (s2 && s1) {
          entry.throughputVsV1 = s2.throughput / s1.throughput;
          entry.cpuPerCallVsV1 = cpuPerCall("sdk2", rpc, c) / cpuPerCall("sdk", rpc, c);
          parts.push(`thr ${fmt(entry.throughputVsV1, 2)}x Flyte 1`.padEnd(22), `cpu/call ${fmt(entry.cpuPerCallVsV1, 2)}x Flyte 1`.padEnd(26));
        }
        if (s2 && f) {
          entry.throughputVsFlyteSdk = s2.throughput / f.throughput;
          entry.cpuPerCallVsFlyteSdk = cpuPerCall("sdk2", rpc, c) / cpuPerCall("flytesdk", rpc, c);
          parts.push(`thr ${fmt(entry.throughputVsFlyteSdk, 2)}x flyte-sdk`.padEnd(24), `cpu/call ${fmt(entry.cpuPerCallVsFlyteSdk, 2)}x flyte-sdk`);
        }
        ratios2.push(entry);
        console.log("  " + parts.join("  "));
      }
    }
  }

  const at = (cs, key) => ratios.filter((r) => cs.includes(r.concurrency)).map((r) => r[key]);
  const summary = {
    cpuVsBareGrpcJs: summariseTarget(at(targets.cpuAt, "cpuPerCallVsBareGrpcJs"), "<=", targets.cpuVsBareGrpcJs),
    cpuVsFlytekit: summariseTarget(at(targets.cpuAt, "cpuPerCallVsFlytekit"), "<=", targets.cpuVsFlytekit),
    throughputVsFlytekit: summariseTarget(at(targets.throughputAt, "throughputVsFlytekit"), ">=", targets.throughputVsFlytekit),
    idleRss: { target: `<= ${targets.idleRssMb} MB`, value: example.idleRssMb },
  };
  summary.idleRss.met = example.idleRssMb === undefined ? undefined : example.idleRssMb <= targets.idleRssMb;

  const cs = (list) => `c=${list.join(",")}`;
  console.log("\ntargets (issue 13; every cell must meet a ratio target; worst cell and geometric mean over the cells shown):");
  console.log(`  server CPU per call <= ${targets.cpuVsBareGrpcJs}x bare grpc-js (${cs(targets.cpuAt)}) : worst ${fmt(summary.cpuVsBareGrpcJs.worst, 2)}x, geomean ${fmt(summary.cpuVsBareGrpcJs.geomean, 2)}x  ${verdict(summary.cpuVsBareGrpcJs.met)}`);
  console.log(`  server CPU per call <= ${targets.cpuVsFlytekit}x flytekit     (${cs(targets.cpuAt)}) : worst ${fmt(summary.cpuVsFlytekit.worst, 2)}x, geomean ${fmt(summary.cpuVsFlytekit.geomean, 2)}x  ${verdict(summary.cpuVsFlytekit.met)}`);
  console.log(`  throughput >= ${targets.throughputVsFlytekit}x flytekit             (${cs(targets.throughputAt)})   : worst ${fmt(summary.throughputVsFlytekit.worst, 2)}x, geomean ${fmt(summary.throughputVsFlytekit.geomean, 2)}x  ${verdict(summary.throughputVsFlytekit.met)}`);
  console.log(`  idle RSS <= ${targets.idleRssMb} MB (examples/flyte-agents)         : ${fmt(example.idleRssMb, 1)} MB  ${verdict(summary.idleRss.met)}`);

  console.log("\nmemory of the servers under test (MB): idle after startup / after the load (VmRSS), peak (VmHWM)");
  for (const n of names) console.log(memoryLine(serverLabels[n], memory[n], 18));
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  const topThroughput = Math.max(...cells.map((c) => c.throughput));
  recordLoadAtEnd(machine);
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of its core (best cell: ${fmt(topThroughput)} calls/s; at 100% it, not the server,\n` +
      `       would cap throughput). The machine has ${machine.nproc} cores, shared with whatever else runs (${loadSpan(machine)}).\n` +
      `       Server CPU per call (/proc/<pid>/stat, ${ticks} Hz ticks)\n` +
      `       is the least noise-sensitive figure. Startup until the first CreateTask answered: ${names.map((n) => `${n} ${fmt(startupMs[n])} ms`).join(", ")}.`,
  );

  let profiles;
  if (config.profile) {
    profiles = {};
    for (const f of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) {
      const s = summarise(join(profileDir, f), 25, profileView);
      profiles[f] = s;
      printSummary(join(profileDir, f), s);
    }
  }

  const results = {
    machine,
    config,
    targets,
    method: `servers are child processes on 127.0.0.1; the load generator is grpcload (grpc-go ${gen.grpcGo}; one HTTP/2 connection per server, the same request bytes every call, 10 s deadline per call, every answer checked as gRPC OK and non-empty, the last of each cell decoded and checked); Flyte 1 requests to sdk/grpcjs/raw/flytekit/sdkc/bare, Flyte 2 requests with the same template and input to sdk2/flytesdk; ${plan.pinned ? `servers pinned to core(s) ${plan.serverCpus}, the load generator to core ${plan.loadCpus}` : `not pinned (${plan.why})`}; rounds interleave servers in rotated order per cell; per cell the best-throughput round is reported, server CPU per call over all rounds`,
    pinning: plan,
    exampleAgents: example,
    inProcess,
    startupMs,
    memory,
    skipped,
    best: index.bestByKey(),
    ratios,
    ratiosFlyte2: ratios2,
    summary,
    cells,
    profiles,
  };
  writeResults(resultsPath, results, runStarted);
}

runMain(main);
